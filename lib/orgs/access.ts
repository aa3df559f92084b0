// Who may act on a project: the members of its organization whose role
// allows the action (lib/orgs/permissions.ts). Put into every project query
// (lib/projects/queries.ts scopeWhere), so the database checks it, not a
// later if. A user's personal organization has the user's id: they are its
// Owner for good, whether or not its membership row was written yet (users
// made before a project or by older code get theirs lazily, lib/orgs/personal.ts).
import type { OrgRole } from "@/lib/domain";
import { rolesFor, type OrgAction } from "@/lib/orgs/permissions";

/** A project's organization: a row written without one is in its owner's personal organization (whose id is the owner's). */
export function organizationOf(p: { organizationId?: string | null; ownerId: string }): string {
  return p.organizationId ?? p.ownerId;
}

/** The Prisma where-fragment: projects `userId` may take `action` on. */
export function projectAccessWhere(userId: string, action: OrgAction) {
  return {
    OR: [
      // Their personal organization.
      { organizationId: userId },
      // A row written without an organization counts as its owner's personal one.
      { organizationId: null, ownerId: userId },
      { organization: { memberships: { some: { userId, role: { in: rolesFor(action) } } } } },
    ],
  };
}

/** The role a membership row (or the personal organization's rule) gives; null: not a member. */
export function effectiveRole(organizationId: string, userId: string, membership: { role: OrgRole } | null): OrgRole | null {
  if (organizationId === userId) return "OWNER";
  return membership?.role ?? null;
}
