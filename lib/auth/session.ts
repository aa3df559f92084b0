// The guards every page, server action and route handler calls itself (on
// the composition root's user service, lib/services.ts);
// layouts are not trusted to have checked.
import { getServerSession } from "next-auth";
import { getAuthOptions } from "@/lib/auth/options";
import { redirect } from "next/navigation";
import { isAppError, TotpSetupRequiredError, UnauthenticatedError } from "@/lib/errors";
import { getAccountServices, getDb } from "@/lib/services";
import { assertAdmin, type SessionUser } from "@/lib/auth/actor";
import { totpEnabled } from "@/lib/users/two-factor";

/** Where an administrator without two-factor authentication is sent. */
export const TOTP_SETUP_PATH = "/account/security?required=totp";

/**
 * The signed-in user, re-read from the database (role, disabled) each call.
 * A session older than the account's last password change or reset (its
 * session version is lower) is signed out: null, as if there were none.
 */
export async function getCurrentUser(): Promise<SessionUser | null> {
  const session = await getServerSession(getAuthOptions());
  const id = session?.user?.id;
  if (!id) return null;
  try {
    const row = await getDb().user.findUnique({ where: { id }, select: { sessionVersion: true } });
    if (!row || row.sessionVersion !== (session.user.sv ?? 0)) return null;
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

/** An administrator with two-factor authentication on: admin powers need both. */
export async function requireAdmin(): Promise<SessionUser> {
  const user = await requireUser();
  assertAdmin(user);
  if (!(await totpEnabled(getDb(), user.id))) throw new TotpSetupRequiredError();
  return user;
}

/** For admin pages: an administrator without two-factor authentication is sent to set it up first. */
export async function redirectAdminWithoutTotp(user: SessionUser): Promise<void> {
  if (user.role === "ADMIN" && !(await totpEnabled(getDb(), user.id))) redirect(TOTP_SETUP_PATH);
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
