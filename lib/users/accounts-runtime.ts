// The process's account dependencies (lib/users/account-deps.ts), from the
// environment: the SMTP settings decide whether there is a mailer at all.
import { getEnv, publicAppUrl } from "@/lib/env";
import { mailerFor } from "@/lib/mail/mailer";
import { getMasterKey } from "@/lib/server-keys";
import { getDb, getRateLimiter } from "@/lib/services";
import type { AccountDeps } from "@/lib/users/account-deps";
import { verificationState, type VerificationState } from "@/lib/users/verification";

export function getAccountDeps(): AccountDeps {
  const env = getEnv();
  return { db: getDb(), mailer: mailerFor(env.mail), publicUrl: publicAppUrl(env), masterKey: getMasterKey(env), limiter: getRateLimiter() };
}

/** True when the installation has SMTP settings: addresses are then confirmed. */
export function mailConfigured(): boolean {
  return getEnv().mail !== undefined;
}

/** Whether this user must still confirm their address (the dashboard's banner asks; components never hold the database). */
export function verificationStateOf(userId: string): Promise<VerificationState> {
  return verificationState(getDb(), userId, mailConfigured());
}
