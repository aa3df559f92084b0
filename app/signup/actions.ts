"use server";
import { getDb } from "@/lib/db/client";
import { runAction, type ActionResult } from "@/lib/actions";
import { currentAddress, getRateLimiter } from "@/lib/rate-limit";
import { signUp } from "@/lib/users/service";
import { getAccountDeps } from "@/lib/users/accounts-runtime";
import { sendVerificationMail } from "@/lib/users/verification";

export async function signUpAction(input: {
  name?: string;
  email: string;
  password: string;
}): Promise<ActionResult<{ email: string; pendingApproval: boolean; verificationMailed: boolean }>> {
  return runAction(async () => {
    const address = await currentAddress();
    const user = await signUp(getDb(), input, { address, limiter: getRateLimiter() });
    const deps = getAccountDeps();
    let verificationMailed = false;
    if (deps.mailer) {
      // The account exists either way; a mail that fails can be sent again from the dashboard.
      verificationMailed = await sendVerificationMail(deps, user.id, { address, charge: false }).then(
        (r) => r.sent,
        (err: unknown) => {
          console.warn("[supafleet] confirmation mail failed:", err instanceof Error ? err.message : err);
          return false;
        },
      );
    }
    return { email: user.email, pendingApproval: user.pendingApproval, verificationMailed };
  });
}
