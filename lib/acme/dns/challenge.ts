// DNS-01 (RFC 8555 §8.4) for acme-client's auto(): the TXT record
// _acme-challenge.<domain> holds base64url(SHA-256(key authorization)), which
// acme-client hands over already digested for dns-01 (src/client.js,
// getChallengeKeyAuthorization). The CA is told only once the authoritative
// server answers the record (bounded wait), and every record put is taken
// away afterwards, on success and on failure alike.
import { waitForTxt, type DnsProvider } from "@/lib/acme/dns/provider";

export interface Dns01Options {
  provider: DnsProvider;
  /** how long to wait for the record at the authoritative server; default 60 s */
  propagationTimeoutMs?: number;
  /** default 1 s */
  pollMs?: number;
}

export interface Dns01Handlers {
  create(domain: string, digest: string): Promise<void>;
  remove(domain: string, digest: string): Promise<void>;
  /** Takes away whatever a failed remove left behind (best effort; the next issue adds its own values). */
  sweep(): Promise<void>;
}

export function challengeName(domain: string): string {
  return `_acme-challenge.${domain.replace(/^\*\./, "")}`;
}

export function dns01Handlers(o: Dns01Options): Dns01Handlers {
  const left = new Map<string, { name: string; value: string }>();
  const remove = async (name: string, value: string) => {
    await o.provider.removeTxt(name, value);
    left.delete(`${name} ${value}`);
  };
  return {
    async create(domain, digest) {
      const name = challengeName(domain);
      left.set(`${name} ${digest}`, { name, value: digest });
      try {
        await o.provider.addTxt(name, digest);
        await waitForTxt(o.provider, name, digest, { timeoutMs: o.propagationTimeoutMs ?? 60_000, pollMs: o.pollMs ?? 1000 });
      } catch (err) {
        throw new Error(`DNS-01 record ${name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
    remove: (domain, digest) => remove(challengeName(domain), digest),
    async sweep() {
      for (const r of [...left.values()]) await remove(r.name, r.value).catch(() => undefined);
    },
  };
}
