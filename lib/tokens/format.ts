// Personal access tokens look exactly like the ones Supabase issues, so tools
// that check the shape before sending anything accept them. The Supabase CLI
// refuses any other shape locally:
//   supabase/cli internal/utils/access_token.go (commit 265726d7c16e793110d4200f6f8b3fbd7a8158b3)
//   AccessTokenPattern = regexp.MustCompile(`^sbp_(oauth_)?[a-f0-9]{40}$`)
// Supafleet issues the personal form: "sbp_" and 40 lowercase hex digits,
// that is 20 bytes (160 bits) from the CSPRNG.
import { createHash, randomBytes } from "node:crypto";

export const TOKEN_PREFIX = "sbp_";
export const TOKEN_PATTERN = /^sbp_[a-f0-9]{40}$/;
const RANDOM_BYTES = 20;

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(RANDOM_BYTES).toString("hex");
}

/**
 * What the database stores. A token carries 160 random bits, so nobody can
 * search the hash for it: a slow password hash (argon2, used for passwords,
 * which people choose and which are guessable) would add only latency. A fast,
 * deterministic hash also lets a request find its token through the unique
 * index in one lookup, instead of checking every row.
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** "sbp_1a2b": shown in lists to tell tokens apart (16 of its 160 bits). */
export function displayPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 4);
}
