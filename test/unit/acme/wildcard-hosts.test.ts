// DNS-01's one wildcard certificate: which certificates are wanted, and how
// nginx serves the panel and every <ref>.<domain> with it (checked on the
// text and by the real nginx parsing it with the real files).
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CertificateStore } from "@/lib/acme/certificate-store";
import { hostsNeedingCertificates, issuedCertificates } from "@/lib/acme/hosts";
import { createPoolerCa, poolerCertificate } from "@/lib/crypto/pooler-ca";
import { renderNginxConfig, type ProxySettings } from "@/lib/proxy/render-nginx-config";
import { nginxAccepts } from "@/test/support/nginx-accepts";
import { tempFolder } from "@/test/support/temp-folder";

const DOMAIN = "cloud.example.com";
const WILDCARD = `*.${DOMAIN}`;
const A = "aaaaaaaaaaaaaaaaaaaa";
const B = "bbbbbbbbbbbbbbbbbbbb";
const tmp = tempFolder("wildcard-hosts");
const ca = createPoolerCa();

describe("hosts wanting a certificate with DNS-01 on", () => {
  const s = { rootDomain: DOMAIN, operatorCertificate: false, wildcard: true };

  it("one wildcard for the panel and every project; custom hostnames still one each (HTTP-01)", () => {
    expect(hostsNeedingCertificates(s, [A, B], ["api.customer.org"])).toEqual([WILDCARD, "api.customer.org"]);
    expect(hostsNeedingCertificates(s, [])).toEqual([WILDCARD]);
  });

  it("without DNS-01, one per host; the operator's certificate wins over both", () => {
    expect(hostsNeedingCertificates({ ...s, wildcard: false }, [A])).toEqual([DOMAIN, `${A}.${DOMAIN}`]);
    expect(hostsNeedingCertificates({ ...s, operatorCertificate: true }, [A], ["api.customer.org"])).toEqual([]);
  });
});

describe("the wildcard pair in the store", () => {
  const store = new CertificateStore(join(tmp, "certs"));
  const pair = poolerCertificate(ca, [WILDCARD, DOMAIN]);

  it("is kept under _wildcard.<domain>, listed as *.<domain>, and must name both", () => {
    const saved = store.save(WILDCARD, pair.certPem, pair.keyPem);
    expect(saved.certPath).toBe(join(tmp, "certs", `_wildcard.${DOMAIN}`, "fullchain.pem"));
    expect(store.list().map((c) => c.hostname)).toEqual([WILDCARD]);
    const onlyWildcard = poolerCertificate(ca, [WILDCARD]);
    expect(() => store.save(WILDCARD, onlyWildcard.certPem, onlyWildcard.keyPem)).toThrow(/does not name it/);
    expect(() => store.paths("*.bad name")).toThrow(/not a host name/);
  });

  it("stands for the panel too, and only the pairs on disk are given to nginx", () => {
    const certs = issuedCertificates(store, [WILDCARD, "api.customer.org"]);
    expect(Object.keys(certs).sort()).toEqual([DOMAIN, WILDCARD].sort());
    expect(certs[DOMAIN]).toEqual(certs[WILDCARD]);
    expect(issuedCertificates(new CertificateStore(join(tmp, "empty")), [WILDCARD])).toEqual({});
  });

  it("nginx: panel, mapped projects and a project on another node all speak HTTPS with the wildcard; port 80 redirects them", () => {
    const settings: ProxySettings = {
      rootDomain: DOMAIN,
      scheme: "https",
      appUpstream: { host: "127.0.0.1", port: 3000 },
      httpListen: { port: 8080 },
      pagesDir: "/srv/supafleet/nginx/pages",
      clientMaxBodySize: "50m",
      acme: { httpsListen: { port: 8443 }, certificates: issuedCertificates(store, [WILDCARD]) },
    };
    const conf = renderNginxConfig(
      [
        { ref: A, status: "ACTIVE_HEALTHY", kongPort: 54001 },
        { ref: B, status: "ACTIVE_HEALTHY", kongPort: 54002, upstreamHost: "localhost" },
      ],
      settings,
    );
    const paths = store.paths(WILDCARD);
    const serverOf = (name: string) => {
      const at = conf.indexOf(`server_name ${name};`);
      expect(at, name).toBeGreaterThan(-1);
      return conf.slice(conf.lastIndexOf("server {", at), conf.indexOf("\n}\n", at));
    };
    for (const name of [DOMAIN, WILDCARD, `${B}.${DOMAIN}`]) {
      expect(serverOf(name)).toContain(`listen 8443 ssl;\n  ssl_certificate ${paths.certPath};`);
    }
    // A stays a line of the route map (no block of its own: 10,000 projects stay one map), served by the *.<domain> block.
    expect(conf).toContain(`  ${A}.${DOMAIN} 127.0.0.1:54001;`);
    expect(conf).not.toContain(`server_name ${A}.${DOMAIN}`);
    expect(conf).toMatch(
      new RegExp(`server_name [^;]*\\*\\.${DOMAIN.replaceAll(".", "\\.")}[^;]*;\\n  location \\^~ /\\.well-known/acme-challenge/[\\s\\S]*?return 308 https://`),
    );
    expect(() => nginxAccepts(conf, tmp)).not.toThrow();
  });
});
