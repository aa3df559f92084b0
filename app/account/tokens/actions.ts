"use server";
import { runAction, type ActionResult } from "@/lib/actions";
import { requireUser } from "@/lib/auth/session";
import { getAccountServices } from "@/lib/services";

/** The token's value is in this answer and nowhere else, ever. */
export async function createTokenAction(input: { name: string; expiresInDays: string; admin?: boolean }): Promise<ActionResult<{ token: string }>> {
  return runAction(async () => {
    const user = await requireUser();
    const { token } = await getAccountServices().tokens.create(user, input);
    return { token };
  });
}

export async function revokeTokenAction(input: { id: string }): Promise<ActionResult> {
  return runAction(async () => {
    const user = await requireUser();
    await getAccountServices().tokens.revoke(user, input);
    return undefined;
  });
}
