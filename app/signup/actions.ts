"use server";
import { runAction, type ActionResult } from "@/lib/actions";
import { currentAddress } from "@/lib/rate-limit";
import { getAccountServices } from "@/lib/services";

export async function signUpAction(input: {
  name?: string;
  email: string;
  password: string;
}): Promise<ActionResult<{ email: string; pendingApproval: boolean }>> {
  return runAction(async () => {
    const user = await getAccountServices().users.signUp(input, await currentAddress());
    return { email: user.email, pendingApproval: user.pendingApproval };
  });
}
