// Organizations and their members (issue 31). Every check is here, on the
// server: the role matrix is lib/orgs/permissions.ts, the membership reads
// lib/orgs/membership.ts. Projects reach organizations through
// lib/orgs/access.ts; this service never touches a project.
//
// An organization's id is also its slug (upstream's OrganizationResponseV1
// reports both, "id" deprecated in favour of "slug"): a user's id for their
// personal organization, 20 random letters for the others.
import { randomInt } from "node:crypto";
import { ORG_ROLES, type OrgRole } from "@/lib/domain";
import type { Db } from "@/lib/db/client";
import { ConflictError, InvalidStateError, LastOwnerError, NotFoundError, OrganizationLimitError } from "@/lib/errors";
import { parseOrThrow, type SessionUser } from "@/lib/auth/actor";
import { ensurePersonalOrganization, requireRole, roleIn, type OrgDb } from "@/lib/orgs/membership";
import { MAX_OWNED_ORGANIZATIONS, memberChangeAction, type OrgAction } from "@/lib/orgs/permissions";
import { chargeAddMember, type MemberLimiter } from "@/lib/orgs/throttle";
import {
  addMemberSchema,
  changeRoleSchema,
  createOrganizationSchema,
  orgSlugSchema,
  removeMemberSchema,
  renameOrganizationSchema,
} from "@/lib/validations/organization";

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

export interface OrganizationView {
  id: string;
  slug: string;
  name: string;
  /** The viewer's role in it. */
  role: OrgRole;
  /** Their personal organization: it cannot be left, and they stay its Owner. */
  personal: boolean;
  createdAt: string;
}

export interface MemberView {
  userId: string;
  email: string;
  name: string | null;
  role: OrgRole;
  mfaEnabled: boolean;
  joinedAt: string;
}

function newSlug(): string {
  let slug = "";
  for (let i = 0; i < 20; i++) slug += LETTERS[randomInt(LETTERS.length)];
  return slug;
}

const byRole = (a: { role: OrgRole }, b: { role: OrgRole }) => ORG_ROLES.indexOf(a.role) - ORG_ROLES.indexOf(b.role);

export class OrganizationService {
  /** limiter: the installation's (lib/services.ts); a test that does not exercise the caps may leave it out. */
  constructor(
    private readonly db: Db,
    private readonly limiter?: MemberLimiter,
  ) {}

  /** Creates an organization; its creator becomes its Owner. */
  async create(actor: SessionUser, input: unknown): Promise<OrganizationView> {
    const { name } = parseOrThrow(createOrganizationSchema, input);
    const owned = await this.db.membership.count({ where: { userId: actor.id, role: "OWNER", organizationId: { not: actor.id } } });
    if (owned >= MAX_OWNED_ORGANIZATIONS) throw new OrganizationLimitError(MAX_OWNED_ORGANIZATIONS);
    const slug = newSlug();
    const org = await this.db.organization.create({
      data: { id: slug, slug, name, memberships: { create: { userId: actor.id, role: "OWNER" } } },
    });
    return { id: org.id, slug: org.slug, name: org.name, role: "OWNER", personal: false, createdAt: org.createdAt.toISOString() };
  }

  /** The organizations the actor belongs to, personal one first. */
  async listMine(actor: SessionUser): Promise<OrganizationView[]> {
    await ensurePersonalOrganization(this.db, actor);
    const rows = await this.db.membership.findMany({ where: { userId: actor.id }, include: { organization: true }, orderBy: { createdAt: "asc" } });
    const views = rows.map((m) => view(m.organization, m.role, actor.id));
    return [...views.filter((v) => v.personal), ...views.filter((v) => !v.personal)];
  }

  /** One organization the actor belongs to, by slug; NotFound for any other. */
  async get(actor: SessionUser, slug: string): Promise<OrganizationView> {
    const org = await this.find(actor, slug, "org.read");
    return view(org, org.role, actor.id);
  }

  /** Renames it: an organization setting, Owners only (the slug stays). */
  async rename(actor: SessionUser, input: unknown): Promise<OrganizationView> {
    const { slug, name } = parseOrThrow(renameOrganizationSchema, input);
    const org = await this.find(actor, slug, "org.update");
    const renamed = await this.db.organization.update({ where: { id: org.id }, data: { name } });
    return view(renamed, org.role, actor.id);
  }

  async listMembers(actor: SessionUser, slug: string): Promise<MemberView[]> {
    const org = await this.find(actor, slug, "members.read");
    const rows = await this.db.membership.findMany({
      where: { organizationId: org.id },
      include: { user: { select: { id: true, email: true, name: true, totpEnabledAt: true } } },
      orderBy: { createdAt: "asc" },
    });
    return rows
      .map((m) => ({
        userId: m.user.id,
        email: m.user.email,
        name: m.user.name,
        role: m.role,
        mfaEnabled: m.user.totpEnabledAt !== null,
        joinedAt: m.createdAt.toISOString(),
      }))
      .sort(byRole);
  }

  /**
   * Adds an existing account as a member (invitations, with the invitee's
   * consent, are to come: issue 31). Administrators add Administrators,
   * Developers and Read-only members; only Owners add Owners.
   */
  async addMember(actor: SessionUser, input: unknown): Promise<MemberView> {
    const { slug, email, role } = parseOrThrow(addMemberSchema, input);
    // Its answer tells whether an address has an account: capped per person and per organization (lib/orgs/throttle.ts).
    if (this.limiter) await chargeAddMember(this.limiter, "user", actor.id);
    const org = await this.find(actor, slug, memberChangeAction(null, role));
    if (this.limiter) await chargeAddMember(this.limiter, "organization", org.id);
    const user = await this.db.user.findUnique({ where: { email }, select: { id: true, email: true, name: true, disabled: true, totpEnabledAt: true } });
    if (!user || user.disabled) throw new NotFoundError("No account with this email.");
    const existing = await roleIn(this.db, org.id, user.id);
    if (existing) throw new ConflictError("This person is already a member.");
    const m = await this.db.membership.create({ data: { organizationId: org.id, userId: user.id, role } });
    return { userId: user.id, email: user.email, name: user.name, role, mfaEnabled: user.totpEnabledAt !== null, joinedAt: m.createdAt.toISOString() };
  }

  /** Changes a member's role: an Owner's role, or making one, is for Owners only; the last Owner stays one. */
  async changeRole(actor: SessionUser, input: unknown): Promise<void> {
    const { slug, userId, role } = parseOrThrow(changeRoleSchema, input);
    await this.changeMembership(actor, slug, userId, role);
  }

  /** Removes a member (or, with their own id, leaves); never the last Owner, nor a user from their personal organization. */
  async removeMember(actor: SessionUser, input: unknown): Promise<void> {
    const { slug, userId } = parseOrThrow(removeMemberSchema, input);
    await this.changeMembership(actor, slug, userId, null);
  }

  private async changeMembership(actor: SessionUser, slug: string, userId: string, to: OrgRole | null): Promise<void> {
    const org = await this.find(actor, slug, "org.read");
    if (org.id === userId) throw new InvalidStateError("A personal organization's owner stays its Owner.");
    await this.db.$transaction(async (tx) => {
      // Writing the organization's row first takes its lock: two Owners
      // demoting each other at once are serialised, and the second sees the count the first left.
      await tx.organization.update({ where: { id: org.id }, data: { name: org.name } });
      const from = await roleIn(tx, org.id, userId);
      if (!from) throw new NotFoundError("Not a member of this organization.");
      // Leaving is always one's own choice; anything else needs the role for it.
      if (!(to === null && userId === actor.id)) await requireRole(tx, org.id, actor.id, memberChangeAction(from, to));
      if (to === null) await tx.membership.delete({ where: { organizationId_userId: { organizationId: org.id, userId } } });
      else await tx.membership.update({ where: { organizationId_userId: { organizationId: org.id, userId } }, data: { role: to } });
      if (from === "OWNER" && to !== "OWNER" && (await tx.membership.count({ where: { organizationId: org.id, role: "OWNER" } })) === 0) {
        throw new LastOwnerError();
      }
    });
  }

  /** The organization, if the actor's role in it allows the action (NotFound for a non-member, Forbidden for a role that does not). */
  async require(actor: SessionUser, slug: string, action: OrgAction): Promise<OrganizationView> {
    const org = await this.find(actor, slug, action);
    return view(org, org.role, actor.id);
  }

  private async find(actor: SessionUser, rawSlug: string, action: OrgAction) {
    const slug = orgSlugSchema.safeParse(rawSlug);
    if (!slug.success) throw new NotFoundError("Organization not found.");
    // The personal organization may not have its row yet (accounts written directly).
    if (slug.data === actor.id) await ensurePersonalOrganization(this.db, actor);
    const org = await this.db.organization.findUnique({ where: { slug: slug.data } });
    if (!org) throw new NotFoundError("Organization not found.");
    const role = await requireRole(this.db as OrgDb, org.id, actor.id, action);
    return { ...org, role };
  }
}

function view(org: { id: string; slug: string; name: string; createdAt: Date }, role: OrgRole, userId: string): OrganizationView {
  return { id: org.id, slug: org.slug, name: org.name, role, personal: org.id === userId, createdAt: org.createdAt.toISOString() };
}
