// The DNS records an owner creates for a custom hostname, and the check of
// what a resolver answers against them. Pure apart from the lookups, which
// come in through `DnsLookup` (lib/domains/resolver.ts is Node's resolver).
import { randomBytes } from "node:crypto";

/** The TXT record's name: a label of ours under the hostname, so it never clashes with the CNAME (RFC 1034 §3.6.2). */
export const TXT_LABEL = "_supafleet-challenge";

export interface DnsRecord {
  type: "CNAME" | "TXT";
  name: string;
  value: string;
}

export interface DnsLookup {
  resolveCname(name: string): Promise<string[]>;
  resolveTxt(name: string): Promise<string[][]>;
}

/** 32 bytes from the CSPRNG, base64url: the ownership token. */
export function newOwnershipToken(): string {
  return randomBytes(32).toString("base64url");
}

export function txtName(hostname: string): string {
  return `${TXT_LABEL}.${hostname}`;
}

/** The CNAME to the project's own name, and the TXT record proving ownership. */
export function recordsFor(hostname: string, target: string, token: string): DnsRecord[] {
  return [
    { type: "CNAME", name: hostname, value: target },
    { type: "TXT", name: txtName(hostname), value: token },
  ];
}

export interface RecordCheck {
  ok: boolean;
  /** One line per record not found as asked, for the owner. */
  problems: string[];
}

const norm = (n: string) => n.toLowerCase().replace(/\.$/, "");

// A name with no such record (ENODATA), or no name at all (ENOTFOUND): "not found"; anything else is the resolver's failure.
function lookupProblem(err: unknown, what: string): string {
  const code = (err as { code?: unknown }).code;
  if (code === "ENODATA" || code === "ENOTFOUND") return `No ${what} record found.`;
  return `The ${what} lookup failed (${typeof code === "string" ? code : "no answer"}); try again shortly.`;
}

/** Looks both records up; ok only when the CNAME points at `target` and the TXT record holds `token`. */
export async function checkRecords(dns: DnsLookup, hostname: string, target: string, token: string): Promise<RecordCheck> {
  const problems: string[] = [];
  try {
    const cnames = (await dns.resolveCname(hostname)).map(norm);
    if (!cnames.includes(norm(target))) problems.push(`The CNAME record of ${hostname} points to ${cnames.join(", ") || "nothing"}, not to ${target}.`);
  } catch (err) {
    problems.push(`CNAME ${hostname}: ${lookupProblem(err, "CNAME")}`);
  }
  const name = txtName(hostname);
  try {
    // A TXT record may come in several strings (RFC 7208 §3.3): joined, as they are meant.
    const values = (await dns.resolveTxt(name)).map((chunks) => chunks.join(""));
    if (!values.includes(token))
      problems.push(`The TXT record ${name} does not hold the ownership token shown (found ${values.length} other value${values.length === 1 ? "" : "s"}).`);
  } catch (err) {
    problems.push(`TXT ${name}: ${lookupProblem(err, "TXT")}`);
  }
  return { ok: problems.length === 0, problems };
}
