// Email confirmation for platform accounts. With SMTP settings, a new account
// gets a single-use link (lib/users/account-tokens.ts) and cannot create
// projects until it is used; without them (the one-command default) accounts
// stay unverified and nothing is refused, and the admin console says so.
import type { Db } from "@/lib/db/client";
import { EmailUnverifiedError, MailNotConfiguredError, NotFoundError } from "@/lib/errors";
import { verificationMail } from "@/lib/mail/account-mails";
import type { AccountDeps } from "@/lib/users/account-deps";
import { consumeAccountToken, issueAccountToken } from "@/lib/users/account-tokens";

export type VerificationState = "not_required" | "verified" | "unverified";

export async function verificationState(db: Db, userId: string, mailConfigured: boolean): Promise<VerificationState> {
  if (!mailConfigured) return "not_required";
  const user = await db.user.findUnique({ where: { id: userId }, select: { emailVerifiedAt: true } });
  if (!user) throw new NotFoundError("Account not found.");
  return user.emailVerifiedAt ? "verified" : "unverified";
}

/** The project service's gate: with SMTP settings, only confirmed addresses create projects. */
export async function assertMayCreateProjects(db: Db, userId: string, mailConfigured: boolean): Promise<void> {
  if ((await verificationState(db, userId, mailConfigured)) === "unverified") throw new EmailUnverifiedError();
}

/**
 * Mails a fresh confirmation link (the older one stops working). `address` is
 * the client's, for the per-client throttle; the recipient is throttled too,
 * so nobody floods one inbox. The sign-up's own first mail passes
 * `charge: false`: sign-ups have their own limits.
 */
export async function sendVerificationMail(
  deps: AccountDeps,
  userId: string,
  opts: { address: string; charge?: boolean },
): Promise<{ sent: boolean; alreadyVerified: boolean }> {
  if (!deps.mailer) throw new MailNotConfiguredError();
  const user = await deps.db.user.findUnique({ where: { id: userId } });
  if (!user) throw new NotFoundError("Account not found.");
  if (user.emailVerifiedAt) return { sent: false, alreadyVerified: true };
  if (opts.charge !== false) {
    await deps.limiter.consume("mailIp", opts.address);
    await deps.limiter.consume("mailAccount", user.email);
  }
  const token = await issueAccountToken(deps.db, user.id, "verify_email");
  await deps.mailer.send(verificationMail(user.email, deps.publicUrl, token));
  return { sent: true, alreadyVerified: false };
}

/** Spends a confirmation link; returns the confirmed address. */
export async function confirmEmail(db: Db, token: string): Promise<{ email: string }> {
  const userId = await consumeAccountToken(db, token, "verify_email");
  const user = await db.user.update({ where: { id: userId }, data: { emailVerifiedAt: new Date() } });
  return { email: user.email };
}
