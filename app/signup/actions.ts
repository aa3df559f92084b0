"use server";
import { getDb } from "@/lib/db/client";
import { runAction, type ActionResult } from "@/lib/actions";
import { currentAddress, getRateLimiter } from "@/lib/rate-limit";
import { signUp } from "@/lib/users/service";

export async function signUpAction(input: {
  name?: string;
  email: string;
  password: string;
}): Promise<ActionResult<{ email: string; pendingApproval: boolean }>> {
  return runAction(async () => {
    const user = await signUp(getDb(), input, { address: await currentAddress(), limiter: getRateLimiter() });
    return { email: user.email, pendingApproval: user.pendingApproval };
  });
}
