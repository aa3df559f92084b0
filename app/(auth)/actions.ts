"use server";
// The signed-out account flows: confirm an address, ask for and use a reset link.
import { runAction, type ActionResult } from "@/lib/actions";
import { requireUser } from "@/lib/auth/session";
import { currentAddress } from "@/lib/rate-limit";
import { getAccountDeps } from "@/lib/users/accounts-runtime";
import { requestPasswordReset, resetPassword } from "@/lib/users/password-reset";
import { confirmEmail, sendVerificationMail } from "@/lib/users/verification";

export async function confirmEmailAction(token: string): Promise<ActionResult<{ email: string }>> {
  return runAction(async () => confirmEmail(getAccountDeps().db, token));
}

export async function resendVerificationAction(): Promise<ActionResult<{ sent: boolean; alreadyVerified: boolean }>> {
  return runAction(async () => {
    const user = await requireUser();
    return sendVerificationMail(getAccountDeps(), user.id, { address: await currentAddress() });
  });
}

export async function requestPasswordResetAction(input: { email: string }): Promise<ActionResult> {
  return runAction(async () => {
    const { delivery } = await requestPasswordReset(getAccountDeps(), input, { address: await currentAddress() });
    // Answered before the lookup and the mail: a failure is logged, never shown (it would tell the account exists).
    delivery.catch((err: unknown) => console.warn("[supafleet] password reset mail failed:", err instanceof Error ? err.message : err));
    return undefined;
  });
}

export async function resetPasswordAction(input: { token: string; password: string }): Promise<ActionResult<{ email: string }>> {
  return runAction(async () => resetPassword(getAccountDeps().db, input));
}
