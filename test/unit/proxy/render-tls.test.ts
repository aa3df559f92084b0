// Per-host TLS in the generated config (lib/proxy/render-tls.ts), checked on
// the text and by the real nginx parsing it (with real certificate files).
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CertificateStore } from "@/lib/acme/certificate-store";
import { issuedCertificates } from "@/lib/acme/hosts";
import { createPoolerCa, poolerCertificate } from "@/lib/crypto/pooler-ca";
import { InvalidProxyInputError } from "@/lib/errors";
import { renderNginxConfig, type ProxySettings } from "@/lib/proxy/render-nginx-config";
import { planTls } from "@/lib/proxy/render-tls";
import { tempFolder } from "@/test/support/temp-folder";
import { nginxAccepts as acceptedByNginx } from "@/test/support/nginx-accepts";

const DOMAIN = "cloud.example.com";
const A = "aaaaaaaaaaaaaaaaaaaa";
const B = "bbbbbbbbbbbbbbbbbbbb";
const tmp = tempFolder("render-tls");
const store = new CertificateStore(join(tmp, "certs"));
const ca = createPoolerCa();
for (const host of [DOMAIN, `${A}.${DOMAIN}`]) {
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
};
const acme = (hosts: string[]) => ({ httpsListen: { port: 8443 }, certificates: issuedCertificates(store, hosts) });
const projects = [
  { ref: A, status: "ACTIVE_HEALTHY", kongPort: 54001 },
  { ref: B, status: "ACTIVE_HEALTHY", kongPort: 54002 },
];

function block(conf: string, name: string): string {
  const start = conf.indexOf(`server_name ${name};`);
  expect(start, `server block for ${name}`).toBeGreaterThan(-1);
  return conf.slice(conf.lastIndexOf("server {", start), conf.indexOf("\n}\n", start));
}

const nginxAccepts = (site: string) => acceptedByNginx(site, tmp);

describe("per-host TLS with automatic certificates", () => {
  const conf = renderNginxConfig(projects, { ...base, acme: acme([DOMAIN, `${A}.${DOMAIN}`, `${B}.${DOMAIN}`]) });

  it("a host with a certificate speaks HTTPS with its own pair; one without speaks HTTP and answers HTTP-01", () => {
    const a = block(conf, `${A}.${DOMAIN}`);
    expect(a).toContain("listen 8443 ssl;");
    expect(a).toContain(`ssl_certificate ${store.paths(`${A}.${DOMAIN}`).certPath};`);
    expect(a).toContain(`ssl_certificate_key ${store.paths(`${A}.${DOMAIN}`).keyPath};`);
    expect(a).not.toContain("listen 8080");
    // B has no certificate: it is a line of the route map, served by the wildcard block over plain HTTP,
    // which answers HTTP-01 (for B, and for unknown subdomains: a project being created is answered there).
    expect(conf).toContain(`  ${B}.${DOMAIN} 127.0.0.1:54002;`);
    expect(conf).not.toContain(`  ${A}.${DOMAIN} 127.0.0.1:`);
    const wildcard = block(conf, `*.${DOMAIN}`);
    expect(wildcard).toContain("listen 8080;");
    expect(wildcard).not.toContain("ssl");
    expect(wildcard).toContain("location ^~ /.well-known/acme-challenge/ {\n    proxy_pass http://127.0.0.1:3000/api/acme/challenge/;");
  });

  it("port 80 of the secured hosts answers HTTP-01 and redirects the rest with 308; HTTPS refuses names without a certificate", () => {
    const redirect = block(conf, `${DOMAIN} ${A}.${DOMAIN}`);
    expect(redirect).toContain("listen 8080;");
    expect(redirect).toContain("location ^~ /.well-known/acme-challenge/");
    expect(redirect).toContain("location / { return 308 https://$host$request_uri; }");
    expect(conf).toContain("listen 8443 ssl default_server;\n  server_name _;\n  ssl_reject_handshake on;");
  });

  it("the certificate's serial is in the file, so a renewal (same paths) makes the applier reload", () => {
    expect(block(conf, DOMAIN)).toContain(`# serial ${store.get(DOMAIN)!.serialNumber}`);
  });

  it("nginx accepts the rendered config with the real certificate files", () => {
    expect(() => nginxAccepts(conf)).not.toThrow();
  });

  it("with no certificate yet: plain HTTP everywhere, no HTTPS listener, every host answers HTTP-01", () => {
    const plain = renderNginxConfig(projects, { ...base, acme: { httpsListen: { port: 8443 }, certificates: {} } });
    expect(plain).not.toContain("8443");
    expect(plain).not.toContain("return 308");
    expect(block(plain, DOMAIN)).toContain("/.well-known/acme-challenge/");
    expect(() => nginxAccepts(plain)).not.toThrow();
  });

  it("the operator's own certificate wins where set: every host uses it, no HTTP-01 location", () => {
    const own = renderNginxConfig(projects, {
      ...base,
      tls: { certPath: "/etc/ssl/own.crt", keyPath: "/etc/ssl/own.key", httpsListen: { port: 443 } },
      acme: acme([DOMAIN, `${A}.${DOMAIN}`]),
    });
    expect(block(own, `${A}.${DOMAIN}`)).toContain("ssl_certificate /etc/ssl/own.crt;");
    expect(own).not.toContain(store.paths(DOMAIN).certPath);
    expect(own).not.toContain("acme-challenge");
  });

  it("without ACME nothing changes: no challenge location", () => {
    expect(renderNginxConfig(projects, base)).not.toContain("acme-challenge");
  });

  it("refuses a path or serial that could inject a directive", () => {
    const evil = planTls({
      ...base,
      acme: { httpsListen: { port: 8443 }, certificates: { [DOMAIN]: { certPath: "/x; include /etc/passwd", keyPath: "/k" } } },
    });
    expect(() => evil.listen(DOMAIN)).toThrow(InvalidProxyInputError);
    const serial = planTls({ ...base, acme: { httpsListen: { port: 8443 }, certificates: { [DOMAIN]: { certPath: "/c", keyPath: "/k", serial: "1;" } } } });
    expect(() => serial.listen(DOMAIN)).toThrow(InvalidProxyInputError);
  });
});
