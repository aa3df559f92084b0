// Per-project secrets, all from the CSPRNG. The anon and service_role keys are
// HS256 JWTs signed with the project's own JWT secret, exactly as Supabase's
// self-hosting guide generates them, so every service of the project accepts
// them and no other project does.
import { randomBytes } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
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

export async function generateProjectSecrets(): Promise<ProjectSecrets> {
  const jwtSecret = alnum(48);
  return {
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
