// What DNS-01 (RFC 8555 §8.4) needs from a DNS provider: put a TXT value at
// _acme-challenge.<domain>, see it at the authoritative server, take it away.
// One provider today (RFC 2136 dynamic updates, lib/acme/dns/rfc2136.ts);
// another (a hosted DNS's API) implements the same three calls.

export interface DnsProvider {
  /** Adds the value at `name` (values already there stay: a wildcard order asks for two at one name). */
  addTxt(name: string, value: string): Promise<void>;
  /** Removes exactly this value at `name`; removing an absent value is not an error. */
  removeTxt(name: string, value: string): Promise<void>;
  /** Whether the authoritative server answers the value at `name` now. */
  hasTxt(name: string, value: string): Promise<boolean>;
}

/** Polls until the value is visible, bounded: the CA must not be told before (it would fail the challenge). */
export async function waitForTxt(p: DnsProvider, name: string, value: string, o: { timeoutMs: number; pollMs: number }): Promise<void> {
  const until = Date.now() + o.timeoutMs;
  for (;;) {
    if (await p.hasTxt(name, value)) return;
    if (Date.now() + o.pollMs > until)
      throw new Error(`the TXT record at ${name} was not visible at the DNS server within ${Math.round(o.timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, o.pollMs));
  }
}
