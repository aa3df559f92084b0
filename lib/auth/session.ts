// The guards every page, server action and route handler calls itself;
// layouts are not trusted to have checked.
import { getServerSession } from "next-auth";
import { getAuthOptions } from "@/lib/auth/options";
import { getDb } from "@/lib/db/client";
import { isAppError, UnauthenticatedError } from "@/lib/errors";
import { loadActiveUser } from "@/lib/users/service";
import { assertAdmin, type SessionUser } from "@/lib/auth/actor";

/** The signed-in user, re-read from the database (role, disabled) each call. */
export async function getCurrentUser(): Promise<SessionUser | null> {
  const session = await getServerSession(getAuthOptions());
  const id = session?.user?.id;
  if (!id) return null;
  try {
    return await loadActiveUser(getDb(), id);
  } catch (err) {
    if (isAppError(err, "account_disabled") || isAppError(err, "account_pending") || isAppError(err, "not_found")) return null;
    throw err;
  }
}

export async function requireUser(): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) throw new UnauthenticatedError();
  return user;
}

export async function requireAdmin(): Promise<SessionUser> {
  const user = await requireUser();
  assertAdmin(user);
  return user;
}

/** For long-lived responses (streams): is this user still allowed in? Re-read from the database. */
export async function isStillActive(id: string): Promise<boolean> {
  try {
    await loadActiveUser(getDb(), id);
    return true;
  } catch (err) {
    if (isAppError(err, "account_disabled") || isAppError(err, "account_pending") || isAppError(err, "not_found")) return false;
    throw err;
  }
}
