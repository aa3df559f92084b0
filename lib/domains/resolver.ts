// The resolver custom hostnames are verified with: Node's own DNS client
// (dns.promises.Resolver, c-ares), asking the configured server
// (SUPAFLEET_DNS_RESOLVER, "ip" or "ip:port") or the system's. No cache of
// ours: an owner who fixes a record sees it at the next verify, as far as the
// server's own caching allows.
import { Resolver } from "node:dns/promises";
import type { DnsLookup } from "@/lib/domains/records";

export function dnsResolver(server: string | undefined): DnsLookup {
  // A lookup that hangs would hold the owner's request: 3 s, two tries.
  const r = new Resolver({ timeout: 3000, tries: 2 });
  if (server) r.setServers([server]);
  return { resolveCname: (n) => r.resolveCname(n), resolveTxt: (n) => r.resolveTxt(n) };
}
