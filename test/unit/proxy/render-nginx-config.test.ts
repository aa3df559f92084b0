import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InvalidProxyInputError } from "@/lib/errors";
import { renderNginxConfig, type ProxySettings } from "@/lib/proxy/render-nginx-config";
import { nginxAccepts as acceptedByNginx } from "@/test/support/nginx-accepts";

const A = "aaaaaaaaaaaaaaaaaaaa";
const B = "bbbbbbbbbbbbbbbbbbbb";
const C = "cccccccccccccccccccc";
const settings: ProxySettings = {
  rootDomain: "cloud.example.com",
  scheme: "http",
  appUpstream: { host: "127.0.0.1", port: 3000 },
  httpListen: { port: 8080 },
  pagesDir: "/srv/supafleet/nginx/pages",
  clientMaxBodySize: "50m",
};
const tmp = mkdtempSync(join(tmpdir(), "supafleet-render-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const nginxAccepts = (site: string) => acceptedByNginx(site, tmp);

/** The gateway (or "paused") the route map gives a name, or null when it lists no such name. */
function routeOf(conf: string, name: string): string | null {
  const map = conf.slice(conf.indexOf("map $host $sf_route {"), conf.indexOf("\n}\n", conf.indexOf("map $host $sf_route {")));
  return new RegExp(`^  ${name.replaceAll(".", "\\.")} (\\S+);$`, "m").exec(map)?.[1] ?? null;
}

function serverBlockFor(conf: string, name: string): string {
  const start = conf.indexOf(`server_name ${name};`);
  expect(start, `server block for ${name}`).toBeGreaterThan(-1);
  return conf.slice(start, conf.indexOf("\n}\n", start));
}

describe("renderNginxConfig", () => {
  const projects = [
    { ref: B, status: "INACTIVE", kongPort: 54002 },
    { ref: A, status: "ACTIVE_HEALTHY", kongPort: 54001 },
    { ref: C, status: "INIT_FAILED", kongPort: null },
  ];
  const conf = renderNginxConfig(projects, settings);

  it("proxies an active project to its gateway on loopback with websocket and upload settings", () => {
    // One line in the route map; the wildcard block proxies to the address it gives.
    expect(routeOf(conf, `${A}.cloud.example.com`)).toBe("127.0.0.1:54001");
    expect(conf).not.toContain(`server_name ${A}.cloud.example.com;`);
    const block = serverBlockFor(conf, "*.cloud.example.com");
    expect(block).toContain("proxy_pass http://$sf_route;");
    // What nginx's implicit "proxy_redirect default" did for a fixed proxy_pass.
    expect(block).toContain("proxy_redirect http://$sf_route/ /;");
    expect(block).toContain("proxy_set_header Upgrade $http_upgrade;");
    expect(block).toContain("proxy_set_header Connection $sf_connection_upgrade;");
    expect(block).toContain("client_max_body_size 50m;");
    expect(block).toContain("proxy_request_buffering off;");
    expect(block).toContain("X-Forwarded-Proto");
    // gateway down: 503 for every method (error_page with a URI turns POST into GET), HTML or JSON
    expect(block).toContain("error_page 502 504 =503 /__supafleet_unavailable_$sf_reply;");
    expect(block).not.toContain("try_files");
    expect(block).toMatch(
      /location = \/__supafleet_unavailable_json \{ internal; client_max_body_size 50m; default_type application\/json; add_header Retry-After 5 always; return 503 '\{"code":503,"message":"Project \$sf_ref is starting/,
    );
    expect(block).toContain(
      "location = /__supafleet_unavailable_html { internal; client_max_body_size 50m; default_type text/html; add_header Retry-After 5 always; alias /srv/supafleet/nginx/pages/unavailable.html; }",
    );
    // The ref in JSON answers comes from the name.
    expect(conf).toContain('map $host $sf_ref {\n  default "";\n  "~^([a-z]{20})\\.cloud\\.example\\.com$" $1;\n}');
  });

  it("routes a project on another Swarm node to that node's address, and refuses an address that is not one", () => {
    const remote = renderNginxConfig(
      [
        { ref: A, status: "ACTIVE_HEALTHY", kongPort: 54001, upstreamHost: "10.99.0.2" },
        { ref: B, status: "ACTIVE_HEALTHY", kongPort: 54002, upstreamHost: null },
      ],
      settings,
    );
    expect(routeOf(remote, `${A}.cloud.example.com`)).toBe("10.99.0.2:54001");
    expect(routeOf(remote, `${B}.cloud.example.com`)).toBe("127.0.0.1:54002");
    nginxAccepts(remote);
    // A node known by name gets a block of its own: through the map's variable nginx would need a resolver.
    const named = renderNginxConfig([{ ref: A, status: "ACTIVE_HEALTHY", kongPort: 54001, upstreamHost: "localhost" }], settings);
    expect(routeOf(named, `${A}.cloud.example.com`)).toBeNull();
    expect(serverBlockFor(named, `${A}.cloud.example.com`)).toContain("proxy_pass http://localhost:54001;");
    expect(serverBlockFor(named, `${A}.cloud.example.com`)).toContain("Project aaaaaaaaaaaaaaaaaaaa is starting or unavailable");
    nginxAccepts(named);
    expect(() => renderNginxConfig([{ ref: A, status: "ACTIVE_HEALTHY", kongPort: 54001, upstreamHost: "10.0.0.1; return 200" }], settings)).toThrow(
      InvalidProxyInputError,
    );
  });

  it("closes connections for unknown hosts in a default server, and answers the version page to loopback only", () => {
    const dflt = conf.slice(conf.indexOf("server {"), conf.indexOf("}\n", conf.indexOf("server {")));
    expect(dflt).toContain("listen 8080 default_server;");
    expect(dflt).toContain("return 444;");
    expect(conf.match(/default_server/g)).toHaveLength(1);
    expect(conf).toContain("geo $sf_loopback {\n  default 0;\n  127.0.0.0/8 1;\n  ::1 1;\n}");
    expect(serverBlockFor(conf, "supafleet-config.invalid")).toContain("if ($sf_loopback = 0) { return 444; }");
  });

  it("answers a paused project with the paused page (HTML or JSON), never its gateway", () => {
    expect(routeOf(conf, `${B}.cloud.example.com`)).toBe("paused");
    const block = serverBlockFor(conf, "*.cloud.example.com");
    expect(block).toContain("if ($sf_route = paused) { rewrite ^ /__supafleet_paused last; }");
    const paused = block.slice(block.indexOf("location = /__supafleet_paused {"), block.indexOf("location = /__supafleet_not_found {"));
    expect(paused).not.toContain("proxy_pass");
    expect(paused).toContain("error_page 503 /__supafleet_paused_html;");
    expect(paused).toContain("alias /srv/supafleet/nginx/pages/paused.html;");
    expect(paused).toContain("return 503 '{");
    expect(paused).toContain("Retry-After 60");
  });

  it("has no block for failed or unknown projects: the wildcard answers 404", () => {
    expect(conf).not.toContain(C);
    const wildcard = serverBlockFor(conf, "*.cloud.example.com");
    expect(wildcard).toContain('if ($sf_route = "") { rewrite ^ /__supafleet_not_found last; }');
    expect(wildcard).toContain("error_page 404 /__supafleet_not_found_html;");
    expect(wildcard).toContain("alias /srv/supafleet/nginx/pages/not-found.html;");
  });

  it("serves the app on the root domain", () => {
    expect(serverBlockFor(conf, "cloud.example.com")).toContain("proxy_pass http://127.0.0.1:3000;");
  });

  it("is deterministic whatever the input order", () => {
    expect(renderNginxConfig([...projects].reverse(), settings)).toBe(conf);
    expect(conf.indexOf(A)).toBeLessThan(conf.indexOf(B));
  });

  it("puts an idle-paused or waking project behind the app's wake gate, logs activity, and leaves owner-paused ones on the paused page", () => {
    const withActivity = renderNginxConfig(
      [
        { ref: "iiiiiiiiiiiiiiiiiiii", status: "INACTIVE", kongPort: 54100, pausedBy: "idle" },
        { ref: "oooooooooooooooooooo", status: "INACTIVE", kongPort: 54200, pausedBy: "owner" },
        { ref: "rrrrrrrrrrrrrrrrrrrr", status: "ACTIVE_HEALTHY", kongPort: 54300 },
        { ref: "wwwwwwwwwwwwwwwwwwww", status: "RESTORING", kongPort: 54400, pausedBy: "idle" },
        { ref: "uuuuuuuuuuuuuuuuuuuu", status: "RESTORING", kongPort: 54500, pausedBy: null },
      ],
      { ...settings, activityLog: join(tmp, "activity.log") },
    );
    for (const [ref, kong] of [
      ["iiiiiiiiiiiiiiiiiiii", 54100],
      ["wwwwwwwwwwwwwwwwwwww", 54400],
    ] as const) {
      const gated = serverBlockFor(withActivity, `${ref}.cloud.example.com`);
      // Each request asks the gate first, then goes on, unchanged, to the gateway.
      expect(gated).toContain("auth_request /__supafleet_wake_gate;");
      expect(routeOf(withActivity, `${ref}.cloud.example.com`)).toBe(`127.0.0.1:${kong}`);
      expect(gated).toContain("proxy_pass http://$sf_route;");
      expect(gated).toContain("rewrite ^ /api/wake/$sf_ref break;\n    proxy_pass http://127.0.0.1:3000;");
      expect(gated).toContain("proxy_set_header x-supafleet-wake-gate 1;");
      expect(gated).toContain("proxy_set_header x-supafleet-original-uri $request_uri;");
      expect(gated).toContain("proxy_pass_request_body off;");
      // Not let through: the answer comes from the wake route.
      expect(gated).toContain("error_page 403 = @supafleet_wake_reply;");
    }
    // Both share one block, a server_name line each.
    expect(serverBlockFor(withActivity, "iiiiiiiiiiiiiiiiiiii.cloud.example.com")).toContain("server_name wwwwwwwwwwwwwwwwwwww.cloud.example.com;");
    // A resume by the owner is routed as before, without the gate.
    // A resume by the owner is routed like a running project, by the map and without the gate.
    expect(routeOf(withActivity, "uuuuuuuuuuuuuuuuuuuu.cloud.example.com")).toBe("127.0.0.1:54500");
    expect(routeOf(withActivity, "rrrrrrrrrrrrrrrrrrrr.cloud.example.com")).toBe("127.0.0.1:54300");
    expect(withActivity).not.toContain("server_name uuuuuuuuuuuuuuuuuuuu.cloud.example.com;");
    expect(withActivity).not.toContain("server_name rrrrrrrrrrrrrrrrrrrr.cloud.example.com;");
    // The wildcard's only subrequest is Studio's gate (test/unit/proxy/studio-blocks.test.ts), never the wake gate.
    expect(serverBlockFor(withActivity, "*.cloud.example.com")).not.toContain("__supafleet_wake_gate");
    expect(routeOf(withActivity, "oooooooooooooooooooo.cloud.example.com")).toBe("paused");
    expect(withActivity).toContain("log_format sf_activity '$msec $host';");
    // Running projects are logged; unknown names (an empty route) are not, paused ones end in locations without the log.
    const wildcard = serverBlockFor(withActivity, "*.cloud.example.com");
    expect(wildcard).toContain(`access_log ${join(tmp, "activity.log")} sf_activity buffer=16k flush=5s if=$sf_route;`);
    expect(wildcard.slice(wildcard.indexOf("location = /__supafleet_paused {"))).not.toContain("access_log");
    expect(serverBlockFor(withActivity, "iiiiiiiiiiiiiiiiiiii.cloud.example.com")).toContain(
      `access_log ${join(tmp, "activity.log")} sf_activity buffer=16k flush=5s;`,
    );
    nginxAccepts(withActivity);
    expect(() => renderNginxConfig([], { ...settings, activityLog: "relative/activity.log" })).toThrow(InvalidProxyInputError);
  });

  it("limits each client on the app and on gated projects (per project), answering 429, and nothing else", () => {
    const limits = { app: { ratePerSec: 30, burst: 200, connections: 64 }, gated: { ratePerSec: 10, burst: 40, connections: 32 } };
    const I = "iiiiiiiiiiiiiiiiiiii";
    const limited = renderNginxConfig(
      [
        { ref: I, status: "INACTIVE", kongPort: 54100, pausedBy: "idle" },
        { ref: A, status: "ACTIVE_HEALTHY", kongPort: 54001 },
      ],
      { ...settings, limits },
    );
    expect(limited).toContain("limit_req_zone $binary_remote_addr zone=sf_app_req:10m rate=30r/s;");
    expect(limited).toContain("limit_conn_zone $binary_remote_addr zone=sf_app_conn:10m;");
    // Keyed by client and project: one sleeping project's flood does not hold back the client's others.
    // ($host: gated projects share a block, whose $server_name is its first name only.)
    expect(limited).toContain("limit_req_zone $binary_remote_addr$host zone=sf_gated_req:10m rate=10r/s;");
    expect(limited).toContain("limit_conn_zone $binary_remote_addr zone=sf_gated_conn:10m;");
    const app = serverBlockFor(limited, "cloud.example.com");
    expect(app).toContain("limit_req zone=sf_app_req burst=200 nodelay;");
    expect(app).toContain("limit_conn sf_app_conn 64;");
    expect(app).toContain("limit_req_status 429;");
    expect(app).toContain("limit_conn_status 429;");
    const gated = serverBlockFor(limited, `${I}.cloud.example.com`);
    expect(gated).toContain("limit_req zone=sf_gated_req burst=40 nodelay;");
    expect(gated).toContain("limit_conn sf_gated_conn 32;");
    expect(gated).toContain("limit_req_status 429;");
    // A running project's own API is its gateway's business.
    // Only the Studio handoff (a request to the app) is limited there.
    const wildcard = serverBlockFor(limited, "*.cloud.example.com");
    const handoff = wildcard.indexOf("location = /__supafleet/studio-session {");
    expect(handoff).toBeGreaterThan(-1);
    expect(wildcard.slice(0, handoff) + wildcard.slice(wildcard.indexOf("\n  }", handoff))).not.toContain("limit_");
    nginxAccepts(limited);
    // Without limits (tests that build their own settings): none rendered.
    expect(conf).not.toContain("limit_");
    expect(() => renderNginxConfig([], { ...settings, limits: { ...limits, app: { ratePerSec: 0, burst: 1, connections: 1 } } })).toThrow(
      InvalidProxyInputError,
    );
    expect(() => renderNginxConfig([], { ...settings, limits: { ...limits, gated: { ratePerSec: 1.5, burst: 1, connections: 1 } } })).toThrow(
      InvalidProxyInputError,
    );
  });

  it("is accepted by the real nginx, with and without TLS", () => {
    nginxAccepts(conf);
    const cert = join(tmp, "cert.pem");
    const key = join(tmp, "key.pem");
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=*.cloud.example.com"], {
      stdio: "pipe",
    });
    const tls = renderNginxConfig(projects, { ...settings, scheme: "https", tls: { certPath: cert, keyPath: key, httpsListen: { port: 8443 } } });
    expect(tls).toContain("listen 8443 ssl;");
    expect(tls).toContain(`ssl_certificate ${cert};`);
    expect(tls).toContain("return 301 https://$host$request_uri;");
    // HSTS on the app's TLS server only; none over plain HTTP
    expect(serverBlockFor(tls, "cloud.example.com")).toContain('add_header Strict-Transport-Security "max-age=31536000" always;');
    expect(conf).not.toContain("Strict-Transport-Security");
    expect(tls).toContain("listen 8443 ssl default_server;\n  server_name _;\n  ssl_reject_handshake on;\n  return 444;");
    nginxAccepts(tls);
  });

  it.each([
    ["a ref with a semicolon", { ref: "aaaaaaaaaa;aaaaaaaaa", status: "ACTIVE_HEALTHY", kongPort: 1 }],
    ["a ref with a newline", { ref: "aaaaaaaaaa\naaaaaaaaa", status: "ACTIVE_HEALTHY", kongPort: 1 }],
    ["a ref with a brace", { ref: "aaaaaaaaaa}aaaaaaaaa", status: "ACTIVE_HEALTHY", kongPort: 1 }],
    ["a ref with spaces", { ref: "aaaaa aaaaa aaaaaaaa", status: "ACTIVE_HEALTHY", kongPort: 1 }],
    ["a ref with a dollar", { ref: "aaaaaaaaa$aaaaaaaaaa", status: "ACTIVE_HEALTHY", kongPort: 1 }],
    ["a ref with quotes", { ref: "aaaaaaaaa'aaaaaaaaa\"", status: "ACTIVE_HEALTHY", kongPort: 1 }],
    ["a unicode ref", { ref: "ааааааааааааааааааа", status: "ACTIVE_HEALTHY", kongPort: 1 }],
    ["an overlong ref", { ref: "a".repeat(300), status: "ACTIVE_HEALTHY", kongPort: 1 }],
    ["a short ref", { ref: "abc", status: "ACTIVE_HEALTHY", kongPort: 1 }],
    ["a non-integer port", { ref: A, status: "ACTIVE_HEALTHY", kongPort: 1.5 }],
    ["a port out of range", { ref: A, status: "ACTIVE_HEALTHY", kongPort: 70000 }],
  ])("refuses %s", (_label, project) => {
    expect(() => renderNginxConfig([project], settings)).toThrow(InvalidProxyInputError);
  });

  it.each([
    ["domain", { rootDomain: "evil.com; include /etc/passwd" }],
    ["domain", { rootDomain: "evil.com\nserver {" }],
    ["body size", { clientMaxBodySize: "50m; root /" }],
    ["pages dir", { pagesDir: "/srv/pages; root /" }],
    ["pages dir", { pagesDir: "relative/pages" }],
    ["app host", { appUpstream: { host: "127.0.0.1;", port: 3000 } }],
  ])("refuses a hostile %s", (_label, patch) => {
    expect(() => renderNginxConfig([], { ...settings, ...patch } as ProxySettings)).toThrow(InvalidProxyInputError);
  });

  it("stays one map line per running or paused project, which nginx accepts at 10,000 projects and with long names", () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({
      ref: Array.from({ length: 20 }, (_, k) => String.fromCharCode(97 + (Math.floor(i / 26 ** k) % 26))).join(""),
      status: i % 10 === 0 ? "INACTIVE" : "ACTIVE_HEALTHY",
      kongPort: 20000 + (i % 40000),
    }));
    const big = renderNginxConfig(many, settings);
    expect(big.match(/^ {2}[a-z]{20}\.cloud\.example\.com (127\.0\.0\.1:\d+|paused);$/gm)).toHaveLength(10_000);
    expect(big.match(/^server \{$/gm)).toHaveLength(4);
    expect(big.length).toBeLessThan(10_000 * 60 + 20_000);
    nginxAccepts(big);
    // Names past nginx's default map bucket (64): the renderer sizes it.
    const longDomain = `${"d".repeat(40)}.${"e".repeat(40)}.example`;
    const long = renderNginxConfig(many.slice(0, 300), { ...settings, rootDomain: longDomain });
    expect(long).toContain("map_hash_bucket_size 256;");
    nginxAccepts(long);
  });

  it("refuses a ref listed twice", () => {
    expect(() => renderNginxConfig([projects[1]!, projects[1]!], settings)).toThrow(/twice/);
  });
});
