// TOTP two-factor authentication for platform accounts: enrolment (a key
// sealed with the master key, in force once a first code proves the app has
// it), the login step, turning it off, and the admin recovery. Admins must
// have it: lib/auth/session.ts refuses admin powers without it.
import type { Db } from "@/lib/db/client";
import { decryptSecrets, encryptSecrets } from "@/lib/crypto/secret-box";
import { InvalidCredentialsError, InvalidStateError, InvalidTotpError, NotFoundError, TotpRequiredError } from "@/lib/errors";
import { verifyPassword } from "@/lib/auth/password";
import { matchTotp, newTotpKey, totpKeyFromText, totpKeyText, totpUri } from "@/lib/auth/totp";
import type { RateLimiter } from "@/lib/rate-limit/limiter";
import { consumeAccountToken } from "@/lib/users/account-tokens";
import { accountLockKey } from "@/lib/users/service";

export const TOTP_ISSUER = "Supafleet";

// The user id is the envelope's associated data: a key copied onto another
// account's row does not decrypt.
const aad = (userId: string) => `totp:${userId}`;

function sealKey(masterKey: Buffer, userId: string, key: Uint8Array): string {
  return encryptSecrets(masterKey, aad(userId), totpKeyText(key));
}

function openKey(masterKey: Buffer, userId: string, sealed: string): Uint8Array {
  return totpKeyFromText(decryptSecrets(masterKey, aad(userId), sealed));
}

export interface TotpEnrolment {
  /** base32, for typing into an app */
  key: string;
  /** otpauth:// URI, for apps that take a link or a QR code */
  uri: string;
}

/** Starts (or restarts) enrolment: a new key, not yet in force. */
export async function beginTotpEnrolment(db: Db, masterKey: Buffer, userId: string): Promise<TotpEnrolment> {
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user) throw new NotFoundError("Account not found.");
  if (user.totpEnabledAt) throw new InvalidStateError("Two-factor authentication is already on. Turn it off first to use a new key.");
  const key = newTotpKey();
  await db.user.update({ where: { id: userId }, data: { totpSecret: sealKey(masterKey, userId, key), totpLastStep: null } });
  return { key: totpKeyText(key), uri: totpUri(TOTP_ISSUER, user.email, key) };
}

/** The first code from the app turns it on; the code is spent. */
export async function confirmTotpEnrolment(db: Db, masterKey: Buffer, userId: string, code: string): Promise<void> {
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user) throw new NotFoundError("Account not found.");
  if (user.totpEnabledAt) throw new InvalidStateError("Two-factor authentication is already on.");
  if (!user.totpSecret) throw new InvalidStateError("Start the set-up first.");
  const step = matchTotp(openKey(masterKey, userId, user.totpSecret), code);
  if (step === null) throw new InvalidTotpError();
  const done = await db.user.updateMany({
    where: { id: userId, totpEnabledAt: null, totpSecret: user.totpSecret },
    data: { totpEnabledAt: new Date(), totpLastStep: step },
  });
  if (done.count !== 1) throw new InvalidStateError("The set-up changed meanwhile; start again.");
}

/**
 * Checks a login code and spends it: the step must be later than the last
 * accepted one, written in one conditional update, so a code seen once (over
 * a shoulder, in a proxy log) never works again, even in parallel.
 */
export async function spendTotpCode(db: Db, masterKey: Buffer, userId: string, code: string, nowMs = Date.now()): Promise<void> {
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user?.totpEnabledAt || !user.totpSecret) throw new InvalidTotpError();
  const step = matchTotp(openKey(masterKey, userId, user.totpSecret), code, nowMs);
  if (step === null) throw new InvalidTotpError();
  const spent = await db.user.updateMany({
    where: { id: userId, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
    data: { totpLastStep: step },
  });
  if (spent.count !== 1) throw new InvalidTotpError();
}

/**
 * The login's second step, after the password was right. A re-login ticket
 * (from this browser's own password change) stands in for the code. Wrong
 * codes count against the same account lock as wrong passwords. Returns the
 * session version to write into the new session.
 */
export async function secondFactor(
  deps: { db: Db; masterKey: Buffer; limiter: RateLimiter },
  userId: string,
  proof: { code?: string; ticket?: string },
  client: { address: string },
): Promise<{ sessionVersion: number }> {
  const user = await deps.db.user.findUnique({ where: { id: userId } });
  if (!user) throw new InvalidCredentialsError();
  if (proof.ticket) {
    const owner = await consumeAccountToken(deps.db, proof.ticket, "relogin");
    if (owner !== userId) throw new InvalidCredentialsError();
    return { sessionVersion: user.sessionVersion };
  }
  if (!user.totpEnabledAt) return { sessionVersion: user.sessionVersion };
  if (!proof.code) throw new TotpRequiredError();
  const lock = accountLockKey(user.email, client.address);
  await deps.limiter.consume("loginIp", client.address);
  await deps.limiter.consume("loginAccount", lock);
  await spendTotpCode(deps.db, deps.masterKey, userId, proof.code);
  await deps.limiter.reset("loginAccount", lock);
  await deps.limiter.refund("loginIp", client.address);
  return { sessionVersion: user.sessionVersion };
}

/** A user turns it off with their password and a current code. Admins cannot: they must have it. */
export async function disableTotp(db: Db, masterKey: Buffer, userId: string, input: { password: string; code: string }): Promise<void> {
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user) throw new NotFoundError("Account not found.");
  if (user.role === "ADMIN") throw new InvalidStateError("Administrators must keep two-factor authentication on.");
  if (!user.totpEnabledAt) throw new InvalidStateError("Two-factor authentication is off.");
  if (!(await verifyPassword(user.passwordHash, input.password))) throw new InvalidCredentialsError();
  await spendTotpCode(db, masterKey, userId, input.code);
  await db.user.update({ where: { id: userId }, data: { totpSecret: null, totpEnabledAt: null, totpLastStep: null } });
}

/**
 * Recovery for a locked-out owner (scripts/reset-two-factor.ts, run by the
 * operator on the host): turns TOTP off and signs out every session. The next
 * admin login is sent to set it up again.
 */
export async function resetTotpByOperator(db: Db, email: string): Promise<{ id: string; role: string }> {
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!user) throw new NotFoundError(`No account with the email ${email}.`);
  await db.user.update({
    where: { id: user.id },
    data: { totpSecret: null, totpEnabledAt: null, totpLastStep: null, sessionVersion: { increment: 1 } },
  });
  return { id: user.id, role: user.role };
}

/** Whether a user has TOTP in force (the admin gate, the security page). */
export async function totpEnabled(db: Db, userId: string): Promise<boolean> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { totpEnabledAt: true } });
  return Boolean(user?.totpEnabledAt);
}
