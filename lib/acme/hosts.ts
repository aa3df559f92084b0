// Which host names get an automatic certificate, and where its files are.
import { join } from "node:path";
import type { Env } from "@/lib/env";
import { CertificateStore, type HostCertificatePaths } from "@/lib/acme/certificate-store";
import { projectAddress } from "@/lib/stack/address";

/**
 * The panel's domain, every live project's <ref>.<domain> and the verified
 * custom hostnames (lib/domains); none where the operator's own certificate
 * covers them (it wins everywhere, so custom hostnames are then served with it).
 * With DNS-01 (`wildcard`), one certificate `*.<domain>` (which names <domain>
 * too) stands for the panel and every project; custom hostnames still get
 * theirs over HTTP-01, one each (their DNS is their owners', not ours).
 */
export function hostsNeedingCertificates(
  s: { rootDomain: string; operatorCertificate: boolean; wildcard?: boolean },
  refs: readonly string[],
  customHosts: readonly string[] = [],
): string[] {
  if (s.operatorCertificate) return [];
  if (s.wildcard) return [`*.${s.rootDomain}`, ...customHosts];
  return [s.rootDomain, ...refs.map((ref) => projectAddress(ref, { rootDomain: s.rootDomain, publicScheme: "https" }).host), ...customHosts];
}

export function certificateHostsOf(env: Pick<Env, "rootDomain" | "nginx" | "acme">): { rootDomain: string; operatorCertificate: boolean; wildcard: boolean } {
  return { rootDomain: env.rootDomain, operatorCertificate: env.nginx.tls !== undefined, wildcard: env.acme?.dns01 !== undefined };
}

/** <dataDir>/acme: the account key (0600) and certificates/<host>/ (0700). */
export function acmeDir(env: Pick<Env, "dataDir">): string {
  return join(env.dataDir, "acme");
}

export function certificateStore(env: Pick<Env, "dataDir">): CertificateStore {
  return new CertificateStore(join(acmeDir(env), "certificates"));
}

/**
 * The complete pairs on disk for these hosts: what nginx may be pointed at.
 * A wildcard's pair is given for `*.<domain>` and for `<domain>` itself (the
 * panel); names one label under <domain> find it by the wildcard (lib/proxy/render-tls.ts).
 */
export function issuedCertificates(store: CertificateStore, hosts: readonly string[]): Record<string, HostCertificatePaths & { serial: string }> {
  const out: Record<string, HostCertificatePaths & { serial: string }> = {};
  for (const host of hosts) {
    const c = store.get(host);
    if (!c) continue;
    out[host] = { certPath: c.certPath, keyPath: c.keyPath, serial: c.serialNumber };
    if (host.startsWith("*.")) out[host.slice(2)] ??= out[host];
  }
  return out;
}
