// Per-project secrets, all from the CSPRNG. The anon and service_role keys are
// HS256 JWTs signed with the project's own JWT secret, exactly as Supabase's
// self-hosting guide generates them, so every service of the project accepts
// them and no other project does.
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import { decryptSecrets } from "@/lib/crypto/secret-box";
import { AppError } from "@/lib/errors";

export interface ProjectSecrets {
  jwtSecret: string;
  anonKey: string;
  serviceRoleKey: string;
  postgresPassword: string;
  dashboardUsername: string;
  dashboardPassword: string;
  secretKeyBase: string;
  vaultEncKey: string;
  pgMetaCryptoKey: string;
  logflarePublicToken: string;
  logflarePrivateToken: string;
  s3AccessKeyId: string;
  s3AccessKeySecret: string;
  /** The new API keys (absent on projects created before them; added by an upgrade). */
  apiKeys?: ApiKeys;
  /** GoTrue's SMTP password (Auth settings), when SMTP is set up. */
  smtpPassword?: string;
}

/**
 * The API keys upstream's self-hosted setup issues besides the legacy HS256
 * ones (supabase/supabase docker/utils/add-new-auth-keys.sh @12b126dc): an EC
 * P-256 signing key for Auth (JWT_KEYS, with the legacy secret as an "oct"
 * key), its public JWKS for the verifiers (JWT_JWKS), opaque publishable and
 * secret keys, and the ES256 anon/service_role JWTs the gateway puts in their place.
 */
export interface ApiKeys {
  publishableKey: string;
  secretKey: string;
  anonKeyAsymmetric: string;
  serviceRoleKeyAsymmetric: string;
  /** JSON array: the private EC JWK and the symmetric one (GOTRUE_JWT_KEYS). */
  jwtKeys: string;
  /** JSON object {"keys": [...]}: the public EC JWK and the symmetric one (JWT_JWKS). */
  jwtJwks: string;
}

export class InvalidProjectKeyError extends AppError {
  constructor() {
    super("invalid_project_key", 401, "The key is not valid for this project.");
  }
}

/** URL- and connection-string-safe random text (base64url alphabet). */
function token(bytes: number): string {
  return randomBytes(bytes).toString("base64url");
}

/** Letters and digits only: for values that go through shells or .env-style files upstream. */
function alnum(length: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const out: string[] = [];
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      // 248 = 4 * 62: rejecting the rest keeps every character equally likely.
      if (b < 248 && out.length < length) out.push(alphabet[b % 62]!);
    }
  }
  return out.join("");
}

const TEN_YEARS = 10 * 365 * 24 * 3600;

export async function signProjectKey(jwtSecret: string, role: "anon" | "service_role", now = Math.floor(Date.now() / 1000)): Promise<string> {
  return new SignJWT({ role })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer("supabase")
    .setIssuedAt(now)
    .setExpirationTime(now + TEN_YEARS)
    .sign(new TextEncoder().encode(jwtSecret));
}

// add-new-auth-keys.sh: `PROJECT_REF = "supabase-self-hosted"` goes into the checksum of every self-hosted key.
const SELF_HOSTED_REF = "supabase-self-hosted";
const FIVE_YEARS = 5 * 365 * 24 * 3600;

/** sb_publishable_/sb_secret_ + 22 random base64url characters + "_" + an 8-character checksum, as upstream makes them. */
export function opaqueKey(prefix: "sb_publishable_" | "sb_secret_"): string {
  const intermediate = prefix + randomBytes(17).toString("base64url").slice(0, 22);
  const checksum = createHash("sha256").update(`${SELF_HOSTED_REF}|${intermediate}`).digest("base64url").slice(0, 8);
  return `${intermediate}_${checksum}`;
}

export function generateApiKeys(jwtSecret: string, now = Math.floor(Date.now() / 1000)): ApiKeys {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const jwk = privateKey.export({ format: "jwk" }) as { crv: string; x: string; y: string; d: string };
  const kid = randomUUID();
  const oct = { kty: "oct", k: Buffer.from(jwtSecret).toString("base64url"), alg: "HS256" };
  const ec = { kty: "EC", kid, use: "sig", alg: "ES256", ext: true, crv: jwk.crv, x: jwk.x, y: jwk.y };
  const es256 = (role: "anon" | "service_role") => {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const data = `${part({ alg: "ES256", typ: "JWT", kid })}.${part({ role, iss: "supabase", iat: now, exp: now + FIVE_YEARS })}`;
    return `${data}.${sign("SHA256", Buffer.from(data), { key: privateKey, dsaEncoding: "ieee-p1363" }).toString("base64url")}`;
  };
  return {
    publishableKey: opaqueKey("sb_publishable_"),
    secretKey: opaqueKey("sb_secret_"),
    anonKeyAsymmetric: es256("anon"),
    serviceRoleKeyAsymmetric: es256("service_role"),
    jwtKeys: JSON.stringify([{ ...ec, key_ops: ["sign", "verify"], d: jwk.d }, oct]),
    jwtJwks: JSON.stringify({ keys: [{ ...ec, key_ops: ["verify"] }, oct] }),
  };
}

export async function generateProjectSecrets(): Promise<ProjectSecrets> {
  const jwtSecret = alnum(48);
  return {
    apiKeys: generateApiKeys(jwtSecret),
    jwtSecret,
    anonKey: await signProjectKey(jwtSecret, "anon"),
    serviceRoleKey: await signProjectKey(jwtSecret, "service_role"),
    postgresPassword: alnum(32),
    dashboardUsername: "supabase",
    dashboardPassword: alnum(24),
    secretKeyBase: alnum(64),
    vaultEncKey: alnum(32),
    pgMetaCryptoKey: alnum(32),
    logflarePublicToken: token(32),
    logflarePrivateToken: token(32),
    s3AccessKeyId: alnum(32),
    s3AccessKeySecret: alnum(64),
  };
}

/** Verifies a key the way the project's services do (HS256 with its secret). */
export async function verifyProjectKey(jwtSecret: string, key: string): Promise<{ role: string }> {
  try {
    const { payload } = await jwtVerify(key, new TextEncoder().encode(jwtSecret), { algorithms: ["HS256"], issuer: "supabase" });
    if (typeof payload.role !== "string") throw new InvalidProjectKeyError();
    return { role: payload.role };
  } catch {
    throw new InvalidProjectKeyError();
  }
}

/** A project's secrets as the database keeps them: sealed with the master key, bound to the ref (lib/crypto/secret-box.ts). */
export function openProjectSecrets(masterKey: Buffer, p: { ref: string; secrets: string }): ProjectSecrets {
  return JSON.parse(decryptSecrets(masterKey, p.ref, p.secrets)) as ProjectSecrets;
}
