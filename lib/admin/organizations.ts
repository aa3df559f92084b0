// The admin console's list of organizations (issue 31): each with its
// members, live projects and Owners, counted here so the page only shows them.
// Read-only: an admin changes an organization through its Owners, not here.
import type { Db } from "@/lib/db/client";
import { STATUS } from "@/lib/domain";
import { assertAdmin, parseOrThrow, type SessionUser } from "@/lib/auth/actor";
import { userSearchSchema } from "@/lib/validations/admin";

export interface AdminOrganizationRow {
  slug: string;
  name: string;
  /** A user's personal organization (its id is theirs). */
  personal: boolean;
  memberCount: number;
  projectCount: number;
  owners: string[];
  createdAt: string;
}

const PAGE = 50;
const LIVE = { status: { not: STATUS.REMOVED } };

export async function listOrganizations(
  db: Db,
  actor: SessionUser,
  input: unknown,
): Promise<{ total: number; page: number; pageSize: number; organizations: AdminOrganizationRow[] }> {
  assertAdmin(actor);
  const { query, page } = parseOrThrow(userSearchSchema, input ?? {});
  const where = query ? { OR: [{ slug: { contains: query.toLowerCase() } }, { name: { contains: query } }] } : {};
  const [total, rows] = await Promise.all([
    db.organization.count({ where }),
    db.organization.findMany({
      where,
      orderBy: { createdAt: "asc" },
      take: PAGE,
      skip: (page - 1) * PAGE,
      include: {
        _count: { select: { memberships: true, projects: { where: LIVE } } },
        memberships: { where: { role: "OWNER" }, select: { user: { select: { email: true } } }, orderBy: { createdAt: "asc" } },
      },
    }),
  ]);
  // A project row written without an organization is in its owner's personal one (lib/orgs/access.ts).
  const ids = rows.map((o) => o.id);
  const unfiled = await db.project.groupBy({ by: ["ownerId"], where: { ...LIVE, organizationId: null, ownerId: { in: ids } }, _count: { _all: true } });
  const extra = new Map(unfiled.map((g) => [g.ownerId, g._count._all]));
  const personal = new Set((await db.user.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((u) => u.id));
  return {
    total,
    page,
    pageSize: PAGE,
    organizations: rows.map((o) => ({
      slug: o.slug,
      name: o.name,
      personal: personal.has(o.id),
      memberCount: o._count.memberships,
      projectCount: o._count.projects + (extra.get(o.id) ?? 0),
      owners: o.memberships.map((m) => m.user.email),
      createdAt: o.createdAt.toISOString(),
    })),
  };
}
