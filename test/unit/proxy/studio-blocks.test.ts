// The Studio gate as rendered into nginx's config (lib/proxy/nginx-studio-blocks.ts):
// API prefixes straight to the gateway, everything else behind the gate, the
// Studio cookie stripped everywhere, one auth_request per location on
// sleeping projects too; and nginx accepts all of it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderNginxConfig, type ProxySettings } from "@/lib/proxy/render-nginx-config";
import { GATEWAY_API_PREFIXES } from "@/lib/stack/gateway-routes";
import { nginxAccepts } from "@/test/support/nginx-accepts";

const R = "rrrrrrrrrrrrrrrrrrrr";
const I = "iiiiiiiiiiiiiiiiiiii";
const N = "nnnnnnnnnnnnnnnnnnnn";
const s: ProxySettings = {
  rootDomain: "cloud.example.com",
  scheme: "http",
  appUpstream: { host: "127.0.0.1", port: 3000 },
  httpListen: { port: 8080 },
  pagesDir: "/srv/supafleet/nginx/pages",
  clientMaxBodySize: "50m",
  limits: { app: { ratePerSec: 20, burst: 200, connections: 64 }, gated: { ratePerSec: 10, burst: 40, connections: 32 } },
};
const tmp = mkdtempSync(join(tmpdir(), "supafleet-studio-blocks-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const conf = renderNginxConfig(
  [
    { ref: R, status: "ACTIVE_HEALTHY", kongPort: 54001 },
    { ref: I, status: "INACTIVE", kongPort: 54002, pausedBy: "idle" },
    // A gateway reached by name: a block of its own, literal ref.
    { ref: N, status: "ACTIVE_HEALTHY", kongPort: 54003, upstreamHost: "localhost", customHost: { hostname: "shop.example.org", active: true } },
  ],
  s,
);

function block(name: string): string {
  const start = conf.indexOf(`server_name ${name};`);
  expect(start, name).toBeGreaterThan(-1);
  return conf.slice(start, conf.indexOf("\n}\n", start));
}
function location(b: string, match: string): string {
  const start = b.indexOf(`location ${match} {`);
  expect(start, match).toBeGreaterThan(-1);
  return b.slice(start, b.indexOf("\n  }", start));
}
const API = `~ ^(?:/auth/v1/|/rest/v1/|/graphql/v1|/realtime/v1/|/storage/v1/|/functions/v1/|/pg/|/\\.well-known/oauth-authorization-server/auth/v1)`;

describe("the Studio gate in nginx's config", () => {
  it("is accepted by nginx", () => {
    nginxAccepts(conf, tmp);
  });

  it("sends the gateway's API prefixes past the gate, one regex from the one definition", () => {
    expect(GATEWAY_API_PREFIXES.length).toBe(8);
    const api = location(block(`*.cloud.example.com`), API);
    expect(api).not.toContain("auth_request");
    expect(api).not.toContain("proxy_set_header Authorization");
    expect(api).toContain("proxy_pass http://$sf_route;");
    expect(api).toContain("proxy_set_header Cookie $sf_cookie_sans_studio;");
  });

  it("puts every other path of a running project behind the Studio gate, with its credential as Authorization", () => {
    const wild = block(`*.cloud.example.com`);
    const studio = location(wild, "/");
    expect(studio).toContain("auth_request /__supafleet_studio_gate;");
    expect(studio).toContain("auth_request_set $sf_studio_credential $upstream_http_x_supafleet_studio_authorization;");
    expect(studio).toContain("proxy_set_header Authorization $sf_studio_authorization;");
    expect(studio).toContain("proxy_set_header Cookie $sf_cookie_sans_studio;");
    // The wildcard's dispatch (unknown, paused) runs before the gate, in both locations.
    expect(studio).toContain('if ($sf_route = "") { rewrite ^ /__supafleet_not_found last; }');
    expect(location(wild, API)).toContain('if ($sf_route = "") { rewrite ^ /__supafleet_not_found last; }');
    const gate = location(wild, "= /__supafleet_studio_gate");
    expect(gate).toContain("internal;");
    // No cookie: nothing to ask the app.
    expect(gate).toContain('if ($cookie_supafleet_studio = "") { return 204; }');
    expect(gate).toContain("rewrite ^ /api/studio/gate/$sf_ref break;\n    proxy_pass http://127.0.0.1:3000;");
    expect(gate).toContain("proxy_set_header x-supafleet-studio-session $cookie_supafleet_studio;");
    expect(gate).toContain("proxy_set_header x-supafleet-original-uri $request_uri;");
    expect(gate).toContain('proxy_set_header Cookie "";');
    expect(gate).toContain("proxy_pass_request_body off;");
    expect(gate).toContain('proxy_set_header x-supafleet-wake-gate "";');
    // The handoff goes to the app, limited as the app is.
    const handoff = location(wild, "= /__supafleet/studio-session");
    expect(handoff).toContain("rewrite ^ /api/studio/session/$sf_ref break;");
    expect(handoff).toContain("limit_req zone=sf_app_req burst=200 nodelay;");
    expect(handoff).toContain('proxy_set_header Cookie "";');
  });

  it("makes the Studio gate the wake gate too on a sleeping project: one auth_request per location", () => {
    const gated = block(`${I}.cloud.example.com`);
    const api = location(gated, API);
    expect(api).toContain("auth_request /__supafleet_wake_gate;");
    expect(api).not.toContain("studio_gate");
    const studio = location(gated, "/");
    expect(studio.match(/auth_request /g)).toHaveLength(1);
    expect(studio).toContain("auth_request /__supafleet_studio_gate;");
    expect(studio).toContain("error_page 403 = @supafleet_wake_reply;");
    const gate = location(gated, "= /__supafleet_studio_gate");
    expect(gate).toContain("proxy_set_header x-supafleet-wake-gate 1;");
    expect(gate).not.toContain("return 204");
    for (const b of [api, studio]) expect(b).toContain("limit_req zone=sf_gated_req");
  });

  it("renders own blocks (gateway by name, custom hostname) with their literal ref", () => {
    for (const name of [`${N}.cloud.example.com`, "shop.example.org"]) {
      const b = block(name);
      expect(location(b, "/")).toContain("auth_request /__supafleet_studio_gate;");
      expect(location(b, "= /__supafleet_studio_gate")).toContain(`rewrite ^ /api/studio/gate/${N} break;`);
      expect(location(b, API)).toContain("proxy_pass http://localhost:54003;");
    }
  });

  it("strips the Studio cookie in every pass and keeps the client's own Authorization without a credential", () => {
    expect(conf).toContain('map $sf_studio_credential $sf_studio_authorization {\n  "" $http_authorization;\n  default $sf_studio_credential;\n}');
    expect(conf).toContain('map $sf_cookie_strip3 $sf_cookie_sans_studio {\n  default $sf_cookie_strip3;\n  "~(?:^|;\\s*)supafleet_studio=" "";\n}');
    // The panel's own server refuses the gate's path from outside.
    expect(location(block("cloud.example.com"), "^~ /api/studio/gate/")).toContain("return 404;");
  });
});
