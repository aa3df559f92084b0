// Invitations to an organization (issue 31): a manager invites an address
// with a role; with the installation's SMTP the link is mailed to the
// invitee, without it (or when the mail fails) it is shown once to the
// inviter to pass on; invitations per organization are capped by a rate
// limit (SUPAFLEET_LIMIT_INVITES_ORG); the account with that address accepts it while signed in, once,
// within INVITATION_TTL_MS; a manager may revoke it before. Only the token's
// SHA-256 is stored (lib/tokens/format.ts says why a fast hash is enough for
// 256 random bits).
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { OrgRole } from "@/lib/domain";
import type { Db } from "@/lib/db/client";
import { ConflictError, ForbiddenError, NotFoundError } from "@/lib/errors";
import { parseOrThrow, type SessionUser } from "@/lib/auth/actor";
import { requireRole, roleIn } from "@/lib/orgs/membership";
import { memberChangeAction } from "@/lib/orgs/permissions";
import { inviteSchema, invitationTokenSchema, revokeInvitationSchema } from "@/lib/validations/organization";
import type { Mailer } from "@/lib/mail/mailer";
import { invitationLink, invitationMail } from "@/lib/mail/org-mails";
import type { RateLimiter } from "@/lib/rate-limit/limiter";
import { ORG_ROLE_NAMES } from "@/lib/domain";

/** What invitations need besides the database; each part optional (tests, installations without SMTP). */
export interface InvitationDeps {
  /** The installation's SMTP: invitations are mailed when it is set. */
  mailer?: Mailer;
  /** The public address the link starts with (lib/env.ts publicAppUrl). */
  publicUrl?: string;
  /** With `perOrg`: invitations one organization may send per window. */
  limiter?: RateLimiter;
  perOrg?: { points: number; windowSec: number };
}

export interface InvitationSent {
  id: string;
  /** The link's secret: the caller shows it only when `mailed` is false. */
  token: string;
  link: string;
  expiresAt: string;
  /** The mail reached the installation's SMTP server. */
  mailed: boolean;
}

/** Supabase's invitations are valid for 24 hours (https://supabase.com/docs/guides/platform/access-control). */
export const INVITATION_TTL_MS = 24 * 60 * 60 * 1000;
/** Pending invitations one organization may have at once: invites are a loop its managers can run. */
export const MAX_PENDING_INVITATIONS = 50;

export interface InvitationView {
  id: string;
  email: string;
  role: OrgRole;
  expiresAt: string;
  createdAt: string;
}

const hash = (token: string) => createHash("sha256").update(token).digest("hex");

export class InvitationService {
  constructor(
    private readonly db: Db,
    private readonly deps: InvitationDeps = {},
  ) {}

  /** Invites `email` with `role`, mailing the link when SMTP is set; inviting an Owner is for Owners. */
  async invite(actor: SessionUser, input: unknown, now = new Date()): Promise<InvitationSent> {
    const { slug, email, role } = parseOrThrow(inviteSchema, input);
    const org = await this.organization(actor, slug, role);
    const member = await this.db.membership.findFirst({ where: { organizationId: org.id, user: { email } }, select: { userId: true } });
    if (member) throw new ConflictError("This person is already a member.");
    const pending = await this.db.invitation.count({ where: { organizationId: org.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } } });
    if (pending >= MAX_PENDING_INVITATIONS) throw new ConflictError(`This organization has ${MAX_PENDING_INVITATIONS} open invitations; revoke some first.`);
    const { limiter, perOrg } = this.deps;
    // Per organization, not per inviter: its managers together send at most this many (mail to strangers is a loop they could run).
    if (limiter && perOrg) await limiter.consumeCap("invite-org", org.id, perOrg.points, perOrg.windowSec, "invitations from this organization");
    const token = randomBytes(32).toString("base64url");
    const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
    const row = await this.db.invitation.create({
      data: { id: randomUUID(), organizationId: org.id, email, role, tokenHash: hash(token), invitedById: actor.id, expiresAt },
    });
    const link = invitationLink(this.deps.publicUrl ?? "", token);
    const mailed = await this.mail(actor, org.id, email, role, link, expiresAt);
    return { id: row.id, token, link, expiresAt: expiresAt.toISOString(), mailed };
  }

  /** Mails the link; false without SMTP or when the server refused it (the inviter then gets the link). */
  private async mail(actor: SessionUser, orgId: string, email: string, role: OrgRole, link: string, expiresAt: Date): Promise<boolean> {
    const mailer = this.deps.mailer;
    if (!mailer) return false;
    const org = await this.db.organization.findUniqueOrThrow({ where: { id: orgId }, select: { name: true } });
    const what = { organization: org.name, role: ORG_ROLE_NAMES[role], inviter: actor.name?.trim() || actor.email, expiresAt: expiresAt.toISOString() };
    try {
      await mailer.send(invitationMail(email, link, what));
      return true;
    } catch (err) {
      // The address is the invitee's; the token is not logged.
      console.warn(`[supafleet] invitation mail not sent: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }

  /** The open invitations of an organization, for its managers. */
  async list(actor: SessionUser, slug: string, now = new Date()): Promise<InvitationView[]> {
    const org = await this.organization(actor, slug, null);
    const rows = await this.db.invitation.findMany({
      where: { organizationId: org.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
      orderBy: { createdAt: "desc" },
    });
    return rows.map((r) => ({ id: r.id, email: r.email, role: r.role, expiresAt: r.expiresAt.toISOString(), createdAt: r.createdAt.toISOString() }));
  }

  async revoke(actor: SessionUser, input: unknown): Promise<void> {
    const { slug, id } = parseOrThrow(revokeInvitationSchema, input);
    const inv = await this.db.invitation.findFirst({ where: { id, organization: { slug }, acceptedAt: null, revokedAt: null } });
    if (!inv) throw new NotFoundError("Invitation not found.");
    await this.organization(actor, slug, inv.role);
    await this.db.invitation.update({ where: { id }, data: { revokedAt: new Date() } });
  }

  /** Accepts the invitation for the signed-in account, which must have its address; returns the organization's slug. */
  async accept(actor: SessionUser, input: unknown, now = new Date()): Promise<{ slug: string; role: OrgRole }> {
    const { token } = parseOrThrow(invitationTokenSchema, input);
    return this.db.$transaction(async (tx) => {
      const inv = await tx.invitation.findUnique({ where: { tokenHash: hash(token) }, include: { organization: { select: { slug: true } } } });
      // Used, revoked, expired and unknown links look the same.
      if (!inv || inv.acceptedAt || inv.revokedAt || inv.expiresAt <= now) throw new NotFoundError("This invitation is not valid (any more).");
      if (inv.email !== actor.email.toLowerCase()) throw new ForbiddenError("This invitation is for another address: sign in with the account it was sent to.");
      // Spent first, conditionally: two accepts at once cannot both pass.
      const spent = await tx.invitation.updateMany({ where: { id: inv.id, acceptedAt: null }, data: { acceptedAt: now } });
      if (spent.count !== 1) throw new NotFoundError("This invitation is not valid (any more).");
      if (await roleIn(tx, inv.organizationId, actor.id)) throw new ConflictError("You are already a member of this organization.");
      await tx.membership.create({ data: { organizationId: inv.organizationId, userId: actor.id, role: inv.role } });
      return { slug: inv.organization.slug, role: inv.role };
    });
  }

  /** The organization, if the actor may invite (or revoke) `role` there; `null`: may manage members at all. */
  private async organization(actor: SessionUser, slug: string, role: OrgRole | null) {
    const org = await this.db.organization.findUnique({ where: { slug }, select: { id: true } });
    if (!org) throw new NotFoundError("Organization not found.");
    await requireRole(this.db, org.id, actor.id, memberChangeAction(null, role));
    return org;
  }
}
