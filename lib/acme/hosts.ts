// Which host names get an automatic certificate, and where its files are.
import { join } from "node:path";
import type { Env } from "@/lib/env";
import { CertificateStore, type HostCertificatePaths } from "@/lib/acme/certificate-store";
import { projectAddress } from "@/lib/stack/address";

/** The panel's domain and every live project's <ref>.<domain>; none where the operator's own certificate covers them. */
export function hostsNeedingCertificates(env: Pick<Env, "rootDomain" | "publicScheme" | "nginx">, refs: readonly string[]): string[] {
  if (env.nginx.tls) return [];
  return [env.rootDomain, ...refs.map((ref) => projectAddress(ref, { rootDomain: env.rootDomain, publicScheme: env.publicScheme }).host)];
}

/** <dataDir>/acme: the account key (0600) and certificates/<host>/ (0700). */
export function acmeDir(env: Pick<Env, "dataDir">): string {
  return join(env.dataDir, "acme");
}

export function certificateStore(env: Pick<Env, "dataDir">): CertificateStore {
  return new CertificateStore(join(acmeDir(env), "certificates"));
}

/** The complete pairs on disk for these hosts: what nginx may be pointed at. */
export function issuedCertificates(store: CertificateStore, hosts: readonly string[]): Record<string, HostCertificatePaths> {
  const out: Record<string, HostCertificatePaths> = {};
  for (const host of hosts) {
    const c = store.get(host);
    if (c) out[host] = { certPath: c.certPath, keyPath: c.keyPath };
  }
  return out;
}
