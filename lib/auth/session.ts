// The guards every page, server action and route handler calls itself (on
// the composition root's user service, lib/services.ts);
// layouts are not trusted to have checked.
import { getServerSession } from "next-auth";
import { getAuthOptions } from "@/lib/auth/options";
import { ForbiddenError, isAppError, UnauthenticatedError } from "@/lib/errors";
import { getAccountServices } from "@/lib/services";
import type { SessionUser } from "@/lib/users/service";

/** The signed-in user, re-read from the database (role, disabled) each call. */
export async function getCurrentUser(): Promise<SessionUser | null> {
  const session = await getServerSession(getAuthOptions());
  const id = session?.user?.id;
  if (!id) return null;
  try {
    return await getAccountServices().users.loadActiveUser(id);
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
  if (user.role !== "ADMIN") throw new ForbiddenError("Administrators only.");
  return user;
}

/** For long-lived responses (streams): is this user still allowed in? Re-read from the database. */
export async function isStillActive(id: string): Promise<boolean> {
  try {
    await getAccountServices().users.loadActiveUser(id);
    return true;
  } catch (err) {
    if (isAppError(err, "account_disabled") || isAppError(err, "account_pending") || isAppError(err, "not_found")) return false;
    throw err;
  }
}
