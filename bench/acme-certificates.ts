// The cost of per-host certificates in nginx: 1,000 projects, each with its
// own certificate on disk (P-256 keys, as lib/acme/issuer.ts makes them),
// and the panel's. Measures what every apply adds with ACME on: reading and
// checking the pairs (lib/acme/hosts.ts issuedCertificates), the render, and
// `nginx -t`, which loads every certificate (the reload loads them again).
// Run: npx tsx bench/acme-certificates.ts [projects]
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CertificateStore } from "@/lib/acme/certificate-store";
import { hostsNeedingCertificates, issuedCertificates } from "@/lib/acme/hosts";
import { issueCertificate } from "@/lib/crypto/x509";
import { renderMainConfig } from "@/lib/proxy/main-config";
import { renderNginxConfig, type ProxyProject } from "@/lib/proxy/render-nginx-config";

const N = Number(process.argv[2] ?? 1000);
const DOMAIN = "fleet.example.com";
const dir = mkdtempSync(join(tmpdir(), "supafleet-bench-acme-"));
const store = new CertificateStore(join(dir, "certs"));
const ca = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
const refs = Array.from({ length: N }, (_, i) => `a${String(i).padStart(19, "0")}`.replace(/\d/g, (d) => "abcdefghij"[Number(d)]!));
const hosts = hostsNeedingCertificates({ rootDomain: DOMAIN, operatorCertificate: false }, refs);

const t0 = performance.now();
for (const host of hosts) {
  const key = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
  const now = Date.now();
  const certPem = issueCertificate({
    subjectCn: host,
    dnsNames: [host],
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 90 * 86_400_000),
    publicKey: key,
    issuer: { cn: "bench CA", privateKey: ca },
    organization: "bench",
    serial: randomBytes(16),
  });
  store.save(host, certPem, key.export({ type: "pkcs8", format: "pem" }).toString());
}
const tMake = performance.now() - t0;

const projects: ProxyProject[] = refs.map((ref, i) => ({ ref, status: "ACTIVE_HEALTHY", kongPort: 20000 + i }));
const settings = {
  rootDomain: DOMAIN,
  scheme: "https" as const,
  appUpstream: { host: "127.0.0.1", port: 3000 },
  httpListen: { port: 18080 },
  pagesDir: resolve("nginx/pages"),
  clientMaxBodySize: "50m",
};
const time = (f: () => void) => {
  const s = performance.now();
  f();
  return performance.now() - s;
};
const runs = 5;
const read: number[] = [];
const render: number[] = [];
const check: number[] = [];
let site = "";
for (let i = 0; i < runs; i++) {
  let certs = {};
  read.push(time(() => (certs = issuedCertificates(store, hosts))));
  render.push(time(() => (site = renderNginxConfig(projects, { ...settings, acme: { httpsListen: { port: 18443 }, certificates: certs } }))));
  const sitePath = join(dir, "site.conf");
  writeFileSync(sitePath, site);
  const main = join(dir, "main.conf");
  const main0 = renderMainConfig({
    siteConfPath: sitePath,
    pidPath: join(dir, "pid"),
    errorLogPath: join(dir, "err.log"),
    accessLogPath: join(dir, "acc.log"),
    tempDir: dir,
    user: "root",
  });
  writeFileSync(main, main0);
  check.push(time(() => execFileSync("/usr/sbin/nginx", ["-t", "-q", "-c", main], { stdio: "pipe" })));
}
// The same config without certificates: what ACME adds to nginx -t.
const plain = renderNginxConfig(projects, { ...settings, acme: { httpsListen: { port: 18443 }, certificates: {} } });
writeFileSync(join(dir, "site.conf"), plain);
const plainCheck: number[] = [];
for (let i = 0; i < runs; i++) plainCheck.push(time(() => execFileSync("/usr/sbin/nginx", ["-t", "-q", "-c", join(dir, "main.conf")], { stdio: "pipe" })));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(0);
console.log(`${hosts.length} certificates (${N} projects + the panel); made and saved in ${(tMake / 1000).toFixed(1)} s`);
console.log(`config ${(site.length / 1024).toFixed(0)} KB with certificates, ${(plain.length / 1024).toFixed(0)} KB without`);
console.log(
  `per apply, median of ${runs}: read+check pairs ${median(read)} ms (first, uncached: ${read[0]!.toFixed(0)} ms), render ${median(render)} ms, nginx -t ${median(check)} ms (without certificates: ${median(plainCheck)} ms)`,
);
rmSync(dir, { recursive: true, force: true });
