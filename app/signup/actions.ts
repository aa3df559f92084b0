"use server";
import { runAction, type ActionResult } from "@/lib/actions";
import { currentAddress } from "@/lib/rate-limit";
import { getAccountServices } from "@/lib/services";
import { getAccountDeps } from "@/lib/users/accounts-runtime";
import { sendVerificationMail } from "@/lib/users/verification";

export async function signUpAction(input: {
  name?: string;
  email: string;
  password: string;
}): Promise<ActionResult<{ email: string; pendingApproval: boolean; verificationMailed: boolean }>> {
  return runAction(async () => {
    const address = await currentAddress();
    const user = await getAccountServices().users.signUp(input, address);
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
