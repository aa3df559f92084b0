// Password reset by email, and the password change of a signed-in user. Both
// bump the account's session version, which signs out every session issued
// before (lib/auth/session.ts checks it on each request).
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { InvalidCredentialsError, MailNotConfiguredError } from "@/lib/errors";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { passwordResetMail } from "@/lib/mail/account-mails";
import type { AccountDeps } from "@/lib/users/account-deps";
import { consumeAccountToken, issueAccountToken } from "@/lib/users/account-tokens";
import { accountLockKey } from "@/lib/users/service";
import { parseOrThrow } from "@/lib/auth/actor";
import { emailSchema, passwordSchema } from "@/lib/validations/auth";

const requestSchema = z.object({ email: emailSchema });
const resetSchema = z.object({ token: z.string().min(1).max(200), password: passwordSchema });
const changeSchema = z.object({ currentPassword: z.string().min(1, "Enter your current password.").max(200), newPassword: passwordSchema });

/**
 * Starts a reset. The answer is the same whether or not the address has an
 * account: both throttles are charged first, and the lookup and the mail run
 * after the answer (`delivery`), so neither the words nor the time tell.
 */
export async function requestPasswordReset(deps: AccountDeps, input: unknown, client: { address: string }): Promise<{ delivery: Promise<void> }> {
  const { email } = parseOrThrow(requestSchema, input);
  const mailer = deps.mailer;
  if (!mailer) throw new MailNotConfiguredError();
  await deps.limiter.consume("mailIp", client.address);
  await deps.limiter.consume("mailAccount", email);
  const delivery = (async () => {
    const user = await deps.db.user.findUnique({ where: { email } });
    // Disabled and held accounts cannot log in, so a new password would not help them.
    if (!user || user.disabled || user.pendingApproval) return;
    const token = await issueAccountToken(deps.db, user.id, "reset_password");
    await mailer.send(passwordResetMail(user.email, deps.publicUrl, token));
  })();
  return { delivery };
}

/** Spends a reset link: the new password, every session signed out, the account lock lifted for the owner. */
export async function resetPassword(db: Db, input: unknown): Promise<{ email: string }> {
  const data = parseOrThrow(resetSchema, input);
  const passwordHash = await hashPassword(data.password);
  const userId = await consumeAccountToken(db, data.token, "reset_password");
  const user = await db.user.update({ where: { id: userId }, data: { passwordHash, sessionVersion: { increment: 1 } } });
  // Whoever else held a reset or re-login token loses it with the old password.
  await db.accountToken.deleteMany({ where: { userId, purpose: { in: ["reset_password", "relogin"] }, usedAt: null } });
  return { email: user.email };
}

/**
 * A signed-in user's password change: the current password is checked (and
 * counted as a log-in attempt), every session is signed out, and a re-login
 * ticket lets this browser sign in again with the new password at once
 * (lib/users/two-factor.ts secondFactor), without a second TOTP code.
 */
export async function changePassword(deps: AccountDeps, userId: string, input: unknown, client: { address: string }): Promise<{ ticket: string }> {
  const data = parseOrThrow(changeSchema, input);
  const user = await deps.db.user.findUnique({ where: { id: userId } });
  if (!user) throw new InvalidCredentialsError();
  const lock = accountLockKey(user.email, client.address);
  await deps.limiter.consume("loginAccount", lock);
  if (!(await verifyPassword(user.passwordHash, data.currentPassword))) throw new InvalidCredentialsError();
  await deps.limiter.reset("loginAccount", lock);
  await deps.db.user.update({ where: { id: userId }, data: { passwordHash: await hashPassword(data.newPassword), sessionVersion: { increment: 1 } } });
  await deps.db.accountToken.deleteMany({ where: { userId, purpose: "reset_password", usedAt: null } });
  return { ticket: await issueAccountToken(deps.db, userId, "relogin") };
}
