// Custom hostnames in the generated nginx config (lib/proxy/render-nginx-config.ts),
// in the activity log and in the address rule (lib/stack/address.ts): checked
// on the text and by the real nginx parsing it with real certificate files.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CertificateStore } from "@/lib/acme/certificate-store";
import { hostsNeedingCertificates, issuedCertificates } from "@/lib/acme/hosts";
import { createPoolerCa, poolerCertificate } from "@/lib/crypto/pooler-ca";
import { InvalidProxyInputError } from "@/lib/errors";
import { parseActivity } from "@/lib/proxy/activity";
import { renderNginxConfig, type ProxyProject, type ProxySettings } from "@/lib/proxy/render-nginx-config";
import { projectHosts, projectPublicUrl, refOfHost } from "@/lib/stack/address";
import { nginxAccepts as acceptedByNginx } from "@/test/support/nginx-accepts";
import { tempFolder } from "@/test/support/temp-folder";

const DOMAIN = "cloud.example.com";
const A = "aaaaaaaaaaaaaaaaaaaa";
const B = "bbbbbbbbbbbbbbbbbbbb";
const C = "cccccccccccccccccccc";
const tmp = tempFolder("custom-hosts");
const store = new CertificateStore(join(tmp, "certs"));
const ca = createPoolerCa();
for (const host of ["api.a-app.org"]) {
  const { certPem, keyPem } = poolerCertificate(ca, [host]);
  store.save(host, certPem, keyPem);
}
const base: ProxySettings = {
  rootDomain: DOMAIN,
  scheme: "https",
  appUpstream: { host: "127.0.0.1", port: 3000 },
  httpListen: { port: 8080 },
  pagesDir: "/srv/supafleet/nginx/pages",
  clientMaxBodySize: "50m",
  activityLog: join(tmp, "activity.log"),
};
const projects: ProxyProject[] = [
  { ref: A, status: "ACTIVE_HEALTHY", kongPort: 54001, customHost: { hostname: "api.a-app.org", active: true } },
  { ref: B, status: "ACTIVE_HEALTHY", kongPort: 54002, customHost: { hostname: "api.b-app.org", active: false } },
  { ref: C, status: "INACTIVE", kongPort: 54003, pausedBy: "owner", customHost: { hostname: "c-app.org", active: true } },
];
const acme = { httpsListen: { port: 8443 }, certificates: issuedCertificates(store, ["api.a-app.org", "api.b-app.org", "c-app.org"]) };

function block(conf: string, name: string): string {
  const start = conf.indexOf(`server_name ${name};`);
  expect(start, `server block for ${name}`).toBeGreaterThan(-1);
  return conf.slice(conf.lastIndexOf("server {", start), conf.indexOf("\n}\n", start));
}

describe("custom hostnames in nginx's config", () => {
  const conf = renderNginxConfig(projects, { ...base, acme });

  it("an active one with its certificate: its own HTTPS block to the project's gateway, logged for the idle clock", () => {
    const a = block(conf, "api.a-app.org");
    expect(a).toContain("listen 8443 ssl;");
    expect(a).toContain(`ssl_certificate ${store.paths("api.a-app.org").certPath};`);
    expect(a).toContain("proxy_pass http://127.0.0.1:54001;");
    expect(a).toContain(`access_log ${join(tmp, "activity.log")} sf_activity`);
    // Port 80 of it answers HTTP-01 (renewals) and redirects the rest.
    expect(block(conf, "api.a-app.org")).toBeTruthy();
    expect(conf).toMatch(/server_name api\.a-app\.org;\n {2}location \^~ \/\.well-known\/acme-challenge\/[\s\S]*?return 308 https/);
  });

  it("a verified, not yet active one: port 80 answers only the CA's HTTP-01 requests, nothing reaches the project", () => {
    const b = block(conf, "api.b-app.org");
    expect(b).toContain("listen 8080;");
    expect(b).toContain("location ^~ /.well-known/acme-challenge/");
    expect(b).toContain("location / { return 404; }");
    expect(b).not.toContain("54002");
  });

  it("an active one of a paused project: the paused page, on its own certificate-less block", () => {
    expect(block(conf, "c-app.org")).toContain("rewrite ^ /__supafleet_paused last;");
  });

  it("without ACME an active one is served over plain HTTP, and a verified one not at all", () => {
    const plain = renderNginxConfig(projects, base);
    expect(block(plain, "api.a-app.org")).toContain("listen 8080;");
    expect(plain).not.toContain("api.b-app.org");
  });

  it("nginx accepts the rendered config with the real certificate files", () => {
    expect(() => acceptedByNginx(conf, tmp)).not.toThrow();
    expect(() => acceptedByNginx(renderNginxConfig(projects, base), tmp)).not.toThrow();
  });

  it.each([`x.${DOMAIN}`, DOMAIN, "api.example.org;\n  server_name evil", "192.0.2.1", "nodot", "two.projects.org"])(
    "refuses a custom hostname %j that is not a plain name outside the domain, or is used twice",
    (hostname) => {
      const twice: ProxyProject[] = [
        { ref: A, status: "ACTIVE_HEALTHY", kongPort: 54001, customHost: { hostname, active: true } },
        { ref: B, status: "ACTIVE_HEALTHY", kongPort: 54002, customHost: { hostname: "two.projects.org", active: true } },
      ];
      expect(() => renderNginxConfig(twice, base)).toThrow(InvalidProxyInputError);
    },
  );
});

describe("a project's public addresses", () => {
  const s = { rootDomain: DOMAIN, publicScheme: "https" as const };

  it("its own host first, then its active custom hostname; the public URL is the custom one once active", () => {
    expect(projectHosts(A, s)).toEqual([`${A}.${DOMAIN}`]);
    expect(projectHosts(A, s, "api.a-app.org")).toEqual([`${A}.${DOMAIN}`, "api.a-app.org"]);
    expect(projectPublicUrl(A, s)).toBe(`https://${A}.${DOMAIN}`);
    expect(projectPublicUrl(A, s, "api.a-app.org")).toBe("https://api.a-app.org");
    expect(projectPublicUrl(A, { ...s, publicPort: 8443 }, "api.a-app.org")).toBe("https://api.a-app.org:8443");
  });

  it("a request's Host goes back to the ref for both names, and the activity log counts both", () => {
    const custom = new Map([["api.a-app.org", A]]);
    expect(refOfHost("API.a-app.org:443", s, custom)).toBe(A);
    expect(refOfHost("api.a-app.org", s)).toBeNull();
    expect(refOfHost(`${B}.${DOMAIN}`, s, custom)).toBe(B);
    const m = parseActivity(["1767225600.000 api.a-app.org", `1767225601.000 ${B}.${DOMAIN}`, "1767225602.000 unknown.org"].join("\n"), DOMAIN, custom);
    expect(Object.fromEntries([...m].map(([k, v]) => [k, v.getTime()]))).toEqual({ [A]: 1767225600000, [B]: 1767225601000 });
  });

  it("verified custom hostnames are wanted certificates, unless the operator's certificate covers everything", () => {
    expect(hostsNeedingCertificates({ rootDomain: DOMAIN, operatorCertificate: false }, [A], ["api.a-app.org"])).toEqual([
      DOMAIN,
      `${A}.${DOMAIN}`,
      "api.a-app.org",
    ]);
    expect(hostsNeedingCertificates({ rootDomain: DOMAIN, operatorCertificate: true }, [A], ["api.a-app.org"])).toEqual([]);
  });
});
