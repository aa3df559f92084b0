// Single-use account tokens: the link that confirms an address, the link that
// resets a password, and the re-login ticket after a password change. A token
// is 32 bytes from the CSPRNG (256 bits, base64url); only its SHA-256 is
// stored, as for API tokens (lib/tokens/format.ts says why a fast hash is
// enough for random values), and it is found through the unique index.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { InvalidAccountTokenError } from "@/lib/errors";

export type AccountTokenPurpose = "verify_email" | "reset_password" | "relogin";

/** How long each kind stays good. */
export const TOKEN_TTL_SEC: Record<AccountTokenPurpose, number> = {
  verify_email: 24 * 3600,
  // Short: a reset link is a password in a mailbox.
  reset_password: 30 * 60,
  // Used by the same browser right after the password change.
  relogin: 120,
};

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function hashAccountToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/**
 * A new token for the user and purpose. Earlier unused tokens of the same
 * purpose are dropped in the same transaction: only the newest link works.
 */
export async function issueAccountToken(db: Db, userId: string, purpose: AccountTokenPurpose, now = new Date()): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await db.$transaction([
    db.accountToken.deleteMany({ where: { userId, purpose, usedAt: null } }),
    // Expired and used rows of anyone are of no further use.
    db.accountToken.deleteMany({ where: { expiresAt: { lt: now } } }),
    db.accountToken.create({
      data: {
        id: randomUUID(),
        userId,
        purpose,
        tokenHash: hashAccountToken(token),
        expiresAt: new Date(now.getTime() + TOKEN_TTL_SEC[purpose] * 1000),
      },
    }),
  ]);
  return token;
}

/**
 * Spends a token: returns its user id, or throws InvalidAccountTokenError for
 * an unknown, expired, already used or other-purpose token. The use is one
 * conditional update, so two parallel uses cannot both succeed.
 */
export async function consumeAccountToken(db: Db, token: string, purpose: AccountTokenPurpose, now = new Date()): Promise<string> {
  const what = purpose === "relogin" ? "ticket" : "link";
  if (!TOKEN_PATTERN.test(token)) throw new InvalidAccountTokenError(what);
  const tokenHash = hashAccountToken(token);
  const row = await db.accountToken.findUnique({ where: { tokenHash } });
  if (!row || row.purpose !== purpose) throw new InvalidAccountTokenError(what);
  const spent = await db.accountToken.updateMany({ where: { id: row.id, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
  if (spent.count !== 1) throw new InvalidAccountTokenError(what);
  return row.userId;
}

/** Without spending it: is this token good right now (the reset form checks before asking for a password)? */
export async function peekAccountToken(db: Db, token: string, purpose: AccountTokenPurpose, now = new Date()): Promise<boolean> {
  if (!TOKEN_PATTERN.test(token)) return false;
  const row = await db.accountToken.findUnique({ where: { tokenHash: hashAccountToken(token) } });
  return Boolean(row && row.purpose === purpose && row.usedAt === null && row.expiresAt > now);
}
