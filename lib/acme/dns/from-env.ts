// The DNS provider the settings ask for (lib/env-acme.ts). The TSIG secret is
// read here, from the environment or from a file only its owner can read;
// it goes nowhere but the HMAC (never into a message, a log or an error).
import { readFileSync, statSync } from "node:fs";
import type { Dns01Env } from "@/lib/env-acme";
import type { DnsProvider } from "@/lib/acme/dns/provider";
import { Rfc2136Provider } from "@/lib/acme/dns/rfc2136";

export function tsigSecretOf(s: Pick<Dns01Env, "secret" | "secretFile">): Buffer {
  let b64 = s.secret;
  if (b64 === undefined && s.secretFile !== undefined) {
    const mode = statSync(s.secretFile).mode & 0o777;
    if ((mode & 0o077) !== 0) throw new Error(`SUPAFLEET_ACME_TSIG_SECRET_FILE must be readable by its owner only (chmod 600), not ${mode.toString(8)}`);
    b64 = readFileSync(s.secretFile, "utf8").trim();
  }
  const secret = Buffer.from(b64 ?? "", "base64");
  // HMAC-SHA256 keys shorter than half the output weaken it (RFC 8945 §6.2 asks for at least the output's length).
  if (secret.length < 16) throw new Error("the TSIG secret must be base64 of at least 16 bytes (tsig-keygen and keymgr make 32)");
  return secret;
}

export function dnsProviderOf(s: Dns01Env): DnsProvider {
  return new Rfc2136Provider({ host: s.host, port: s.port, zone: s.zone, key: { name: s.keyName, algorithm: s.algorithm, secret: tsigSecretOf(s) } });
}
