// The Edge Functions' secrets at rest and on the wire. At rest: one AES-256-GCM
// envelope (lib/crypto/secret-box.ts) of {name: {value, updatedAt}}, bound to
// "<ref>/function-secrets" so it cannot be swapped with the project's own
// secrets envelope (bound to "<ref>"). On the wire: names and a digest,
// never a value.
//
// Upstream (supabase/cli packages/api/src/generated/openapi.json, commit
// 627e534b4f2b5f2f367e7e9a46fc4a0975a92ebe): SecretResponse is {name, value,
// updated_at?}, and the CLI prints that value under the heading DIGEST
// (apps/cli-go/internal/secrets/list/list.go, same repository, commit
// 1d1e7191). Which digest the platform computes is not in any public source;
// Supafleet answers the hex SHA-256 of the value.
import { createHash } from "node:crypto";
import { decryptSecrets, encryptSecrets } from "@/lib/crypto/secret-box";

export interface StoredFunctionSecret {
  value: string;
  /** ISO 8601. */
  updatedAt: string;
}

export type FunctionSecrets = Record<string, StoredFunctionSecret>;

/** Most secrets one project keeps: each is an environment variable of one container. */
export const MAX_FUNCTION_SECRETS = 100;

/** What the AES-GCM envelope is bound to (its additional authenticated data). */
export function functionSecretsAad(ref: string): string {
  return `${ref}/function-secrets`;
}

export function openFunctionSecrets(masterKey: Buffer, ref: string, sealed: string | null): FunctionSecrets {
  if (!sealed) return {};
  return JSON.parse(decryptSecrets(masterKey, functionSecretsAad(ref), sealed)) as FunctionSecrets;
}

/** null when there are none left, so the column says "none" plainly. */
export function sealFunctionSecrets(masterKey: Buffer, ref: string, secrets: FunctionSecrets): string | null {
  if (Object.keys(secrets).length === 0) return null;
  return encryptSecrets(masterKey, functionSecretsAad(ref), JSON.stringify(secrets));
}

/** name → value, for the functions container's environment. */
export function functionSecretValues(masterKey: Buffer, ref: string, sealed: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, s] of Object.entries(openFunctionSecrets(masterKey, ref, sealed))) out[name] = s.value;
  return out;
}

export function secretDigest(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/**
 * Names a project may not use: upstream's rule (no SUPABASE_ prefix, the
 * CreateSecretBody pattern "^(?!SUPABASE_).*"), Supafleet's own SUPAFLEET_
 * prefix, and every variable the template already gives the functions
 * container (JWT_SECRET, VERIFY_JWT, …): a secret must not change how the
 * runtime itself is configured.
 */
export function reservedSecretName(name: string, templateEnv: ReadonlySet<string>): string | null {
  if (name.startsWith("SUPABASE_")) return "Secret names must not start with SUPABASE_.";
  if (name.startsWith("SUPAFLEET_")) return "Secret names must not start with SUPAFLEET_ (Supafleet's own variables).";
  if (templateEnv.has(name)) return `${name} is set by the platform for the functions runtime; choose another name.`;
  return null;
}
