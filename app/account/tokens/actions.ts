"use server";
import { runAction, type ActionResult } from "@/lib/actions";
import { requireUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { createToken, revokeToken } from "@/lib/tokens/service";

/** The token's value is in this answer and nowhere else, ever. */
export async function createTokenAction(input: { name: string; expiresInDays: string; admin?: boolean }): Promise<ActionResult<{ token: string }>> {
  return runAction(async () => {
    const user = await requireUser();
    const { token } = await createToken(getDb(), user, input);
    return { token };
  });
}

export async function revokeTokenAction(input: { id: string }): Promise<ActionResult> {
  return runAction(async () => {
    const user = await requireUser();
    await revokeToken(getDb(), user, input);
    return undefined;
  });
}
