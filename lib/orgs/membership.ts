// The membership rows every check reads: a user's personal organization
// (made lazily for accounts that predate it), and the role a user holds.
import type { OrgRole } from "@/lib/domain";
import type { Db } from "@/lib/db/client";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import { effectiveRole } from "@/lib/orgs/access";
import { allows, type OrgAction } from "@/lib/orgs/permissions";

/** The client or a transaction: only the two tables this needs. */
export type OrgDb = Pick<Db, "organization" | "membership">;

export interface OrgUser {
  id: string;
  email: string;
  name: string | null;
}

/**
 * The user's personal organization, made if missing: id and slug are the
 * user's id, the user its Owner. The migration made one for every account
 * that existed; sign-up makes one for each new account; this covers the rest
 * (accounts written directly, e.g. by an operator's script).
 */
export async function ensurePersonalOrganization(db: OrgDb, user: OrgUser): Promise<void> {
  await db.organization.upsert({
    where: { id: user.id },
    create: { id: user.id, slug: user.id, name: user.name?.trim() || user.email },
    update: {},
  });
  await db.membership.upsert({
    where: { organizationId_userId: { organizationId: user.id, userId: user.id } },
    create: { organizationId: user.id, userId: user.id, role: "OWNER" },
    update: { role: "OWNER" },
  });
}

/** The user's role in the organization; null: not a member. */
export async function roleIn(db: OrgDb, organizationId: string, userId: string): Promise<OrgRole | null> {
  const m = await db.membership.findUnique({ where: { organizationId_userId: { organizationId, userId } }, select: { role: true } });
  return effectiveRole(organizationId, userId, m);
}

/** The role, if it allows the action: NotFound for a non-member (it says nothing of the organization), Forbidden for a role that does not allow it. */
export async function requireRole(db: OrgDb, organizationId: string, userId: string, action: OrgAction): Promise<OrgRole> {
  const role = await roleIn(db, organizationId, userId);
  if (!role) throw new NotFoundError("Organization not found.");
  if (!allows(role, action)) throw new ForbiddenError("Your role in this organization does not allow that.");
  return role;
}
