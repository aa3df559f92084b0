"use server";
// A signed-in user's password and two-factor settings.
import { runAction, type ActionResult } from "@/lib/actions";
import { requireUser } from "@/lib/auth/session";
import { currentAddress } from "@/lib/rate-limit";
import { getAccountDeps } from "@/lib/users/accounts-runtime";
import { changePassword } from "@/lib/users/password-reset";
import { beginTotpEnrolment, confirmTotpEnrolment, disableTotp, type TotpEnrolment } from "@/lib/users/two-factor";

export async function changePasswordAction(input: { currentPassword: string; newPassword: string }): Promise<ActionResult<{ email: string; ticket: string }>> {
  return runAction(async () => {
    const user = await requireUser();
    const { ticket } = await changePassword(getAccountDeps(), user.id, input, { address: await currentAddress() });
    return { email: user.email, ticket };
  });
}

export async function beginTotpAction(): Promise<ActionResult<TotpEnrolment>> {
  return runAction(async () => {
    const user = await requireUser();
    const deps = getAccountDeps();
    return beginTotpEnrolment(deps.db, deps.masterKey, user.id);
  });
}

export async function confirmTotpAction(code: string): Promise<ActionResult> {
  return runAction(async () => {
    const user = await requireUser();
    const deps = getAccountDeps();
    await confirmTotpEnrolment(deps.db, deps.masterKey, user.id, code);
    return undefined;
  });
}

export async function disableTotpAction(input: { password: string; code: string }): Promise<ActionResult> {
  return runAction(async () => {
    const user = await requireUser();
    const deps = getAccountDeps();
    await disableTotp(deps.db, deps.masterKey, user.id, input);
    return undefined;
  });
}
