// The one hook point of the audit log: the composition root (lib/services.ts)
// wraps each service whose calls the log records, and the table below says,
// per method, what a successful call becomes in the organization's log. The
// services themselves know nothing of it, and app/ calls them as before.
// A failed call records nothing (it changed nothing); a call that succeeded
// but could not be recorded is logged to the console and still returns: the
// work is done and cannot be undone.
//
// Input is re-read with the services' own schemas (it passed them, or the call
// would have failed); only names, ids and roles are recorded, never a secret
// (an invitation's token, a key, a password).
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { SessionUser } from "@/lib/auth/actor";
import { describeError } from "@/lib/errors";
import type { JsonValue } from "@/lib/audit/chain";
import type { AuditAction } from "@/lib/audit/actions";
import type { AuditDraft, AuditLog } from "@/lib/audit/log";
import type { ProjectService } from "@/lib/projects/service";
import type { BackupService } from "@/lib/backups/service";
import type { ManagementApi } from "@/lib/api/management-api";
import type { CustomDomainService } from "@/lib/domains/service";
import type { OrganizationService } from "@/lib/orgs/service";
import type { InvitationService } from "@/lib/orgs/invitations";
import {
  addMemberSchema,
  changeRoleSchema,
  inviteSchema,
  removeMemberSchema,
  renameOrganizationSchema,
  revokeInvitationSchema,
} from "@/lib/validations/organization";
import { renameProjectSchema, transferProjectSchema } from "@/lib/validations/project";
import { cloneBackupSchema, projectRefInput } from "@/lib/validations/backup";
import { organizationOf } from "@/lib/orgs/access";

type Args = readonly unknown[];
interface Rule {
  /** Who acted: the first argument (a SessionUser) unless said otherwise. */
  actor?: (args: Args) => SessionUser;
  /** Read before the call what it may remove or move (a project's organization, a member's address). */
  before?: (db: Db, args: Args) => Promise<unknown>;
  after: (db: Db, args: Args, result: unknown, before: unknown) => Promise<AuditDraft[]>;
}
type Rules<T> = Partial<Record<keyof T & string, Rule>>;

const refArg = (args: Args) => z.string().parse(args[1]);
const refIn = (args: Args) => projectRefInput.parse(args[1]).ref;
const refOut = (result: unknown) => z.object({ ref: z.string() }).parse(result).ref;

/** A project's organization (a row without one is in its owner's personal organization). */
async function orgOfRef(db: Db, ref: string): Promise<string | null> {
  const p = await db.project.findUnique({ where: { ref }, select: { organizationId: true, ownerId: true } });
  return p ? organizationOf(p) : null;
}

async function orgOfSlug(db: Db, slug: string): Promise<string | null> {
  return (await db.organization.findUnique({ where: { slug }, select: { id: true } }))?.id ?? null;
}

async function emailOf(db: Db, userId: string): Promise<string | null> {
  return (await db.user.findUnique({ where: { id: userId }, select: { email: true } }))?.email ?? null;
}

const one = (organizationId: string | null, action: AuditAction, target: string | null, data?: { [k: string]: JsonValue | undefined }): AuditDraft[] =>
  organizationId ? [{ organizationId, action, target, data }] : [];

/** A project action: its organization, looked up before the call (a delete or transfer changes it). */
const projectRule = (action: AuditAction, ref: (args: Args) => string): Rule => ({
  before: (db, args) => orgOfRef(db, ref(args)),
  after: async (_db, args, _result, org) => one(org as string | null, action, ref(args)),
});

/** A call that made a project (clone, undelete): recorded where it now is. */
const madeProject = (action: AuditAction, data?: (args: Args) => { [k: string]: JsonValue }): Rule => ({
  after: async (db, args, result) => {
    const ref = refOut(result);
    return one(await orgOfRef(db, ref), action, ref, data?.(args));
  },
});

export const PROJECT_RULES: Rules<ProjectService> = {
  createProject: madeProject("project.created"),
  deleteProject: projectRule("project.deleted", (args) => z.object({ ref: z.string() }).parse(args[1]).ref),
  pauseProject: projectRule("project.paused", refArg),
  resumeProject: projectRule("project.resumed", refArg),
  restartProject: projectRule("project.restarted", refArg),
  revealSecrets: projectRule("project.secrets_revealed", refArg),
  renameProject: {
    before: (db, args) => orgOfRef(db, renameProjectSchema.parse(args[1]).ref),
    after: async (_db, args, _r, org) => {
      const { ref, name } = renameProjectSchema.parse(args[1]);
      return one(org as string | null, "project.renamed", ref, { name });
    },
  },
  transferProject: {
    before: (db, args) => orgOfRef(db, transferProjectSchema.parse(args[1]).ref),
    after: async (_db, args, result, from) => {
      const { ref } = transferProjectSchema.parse(args[1]);
      const to = z.object({ organizationId: z.string() }).parse(result).organizationId;
      if (from === to) return [];
      return [
        ...one(from as string | null, "project.transferred_out", ref, { to }),
        ...one(to, "project.transferred_in", ref, { from: from as string | null }),
      ];
    },
  },
};

/** The Management API's key read (GET /v1/projects/{ref}/api-keys): it hands out the service_role key. The caller is a token's principal. */
export const MANAGEMENT_API_RULES: Rules<ManagementApi> = {
  apiKeys: {
    actor: (args) => z.object({ user: z.custom<SessionUser>((u) => typeof u === "object" && u !== null) }).parse(args[0]).user,
    before: (db, args) => orgOfRef(db, z.string().parse(args[1])),
    after: async (_db, args, _r, org) => one(org as string | null, "project.secrets_revealed", z.string().parse(args[1]), { reveal: args[2] === true }),
  },
};

export const BACKUP_RULES: Rules<BackupService> = {
  createBackup: {
    before: (db, args) => orgOfRef(db, refIn(args)),
    after: async (_db, args, result, org) =>
      one(org as string | null, "backup.created", refIn(args), { backup: z.object({ id: z.string() }).parse(result).id }),
  },
  restoreBackup: {
    before: (db, args) => orgOfRef(db, refIn(args)),
    after: async (_db, args, _r, org) =>
      one(org as string | null, "backup.restored", refIn(args), { backup: z.object({ backupId: z.string() }).parse(args[1]).backupId }),
  },
  restoreToPoint: {
    before: (db, args) => orgOfRef(db, refIn(args)),
    after: async (_db, args, _r, org) =>
      one(org as string | null, "backup.restored_to_point", refIn(args), { targetTime: z.object({ targetTime: z.string() }).parse(args[1]).targetTime }),
  },
  cloneBackup: madeProject("backup.cloned", (args) => {
    const { ref, backupId } = cloneBackupSchema.parse(args[1]);
    return { from: ref, backup: backupId };
  }),
  undeleteProject: madeProject("project.undeleted"),
};

const hostname = (result: unknown) => z.object({ hostname: z.string() }).parse(result).hostname;

export const DOMAIN_RULES: Rules<CustomDomainService> = {
  initialize: {
    before: (db, args) => orgOfRef(db, refArg(args)),
    after: async (_db, args, result, org) => one(org as string | null, "domain.added", refArg(args), { hostname: hostname(result) }),
  },
  activate: {
    before: (db, args) => orgOfRef(db, refArg(args)),
    after: async (_db, args, result, org) => one(org as string | null, "domain.activated", refArg(args), { hostname: hostname(result) }),
  },
  remove: {
    before: async (db, args) => ({
      org: await orgOfRef(db, refArg(args)),
      hostname: (await db.customDomain.findUnique({ where: { ref: refArg(args) }, select: { hostname: true } }))?.hostname ?? null,
    }),
    after: async (_db, args, _r, pre) => {
      const { org, hostname } = pre as { org: string | null; hostname: string | null };
      return one(org, "domain.removed", refArg(args), { hostname });
    },
  },
};

/** A member's address and role before the change, and the organization's id. */
const memberBefore = async (db: Db, slug: string, userId: string) => {
  const org = await orgOfSlug(db, slug);
  const m = org ? await db.membership.findUnique({ where: { organizationId_userId: { organizationId: org, userId } }, select: { role: true } }) : null;
  return { org, email: await emailOf(db, userId), role: m?.role ?? null };
};
type MemberBefore = Awaited<ReturnType<typeof memberBefore>>;

export const ORGANIZATION_RULES: Rules<OrganizationService> = {
  create: {
    after: async (_db, _args, result) => {
      const { id, name } = z.object({ id: z.string(), name: z.string() }).parse(result);
      return one(id, "organization.created", id, { name });
    },
  },
  rename: {
    after: async (db, args) => {
      const { slug, name } = renameOrganizationSchema.parse(args[1]);
      return one(await orgOfSlug(db, slug), "organization.renamed", slug, { name });
    },
  },
  addMember: {
    after: async (db, args) => {
      const { slug, email, role } = addMemberSchema.parse(args[1]);
      return one(await orgOfSlug(db, slug), "member.added", email, { role });
    },
  },
  changeRole: {
    before: (db, args) => {
      const { slug, userId } = changeRoleSchema.parse(args[1]);
      return memberBefore(db, slug, userId);
    },
    after: async (_db, args, _r, pre) => {
      const { role, userId } = changeRoleSchema.parse(args[1]);
      const b = pre as MemberBefore;
      return one(b.org, "member.role_changed", b.email ?? userId, { from: b.role, to: role });
    },
  },
  removeMember: {
    before: (db, args) => {
      const { slug, userId } = removeMemberSchema.parse(args[1]);
      return memberBefore(db, slug, userId);
    },
    after: async (_db, args, _r, pre) => {
      const { userId } = removeMemberSchema.parse(args[1]);
      const b = pre as MemberBefore;
      const self = userId === actorOf(args).id;
      return one(b.org, self ? "member.left" : "member.removed", b.email ?? userId, { role: b.role });
    },
  },
};

export const INVITATION_RULES: Rules<InvitationService> = {
  invite: {
    after: async (db, args, result) => {
      const { slug, email, role } = inviteSchema.parse(args[1]);
      const { id, expiresAt } = z.object({ id: z.string(), expiresAt: z.string() }).parse(result);
      return one(await orgOfSlug(db, slug), "invitation.created", email, { invitation: id, role, expiresAt });
    },
  },
  revoke: {
    before: async (db, args) => {
      const { id } = revokeInvitationSchema.parse(args[1]);
      return db.invitation.findUnique({ where: { id }, select: { organizationId: true, email: true, role: true } });
    },
    after: async (_db, args, _r, pre) => {
      const inv = pre as { organizationId: string; email: string; role: string } | null;
      return inv ? one(inv.organizationId, "invitation.revoked", inv.email, { invitation: revokeInvitationSchema.parse(args[1]).id, role: inv.role }) : [];
    },
  },
  accept: {
    after: async (db, args, result) => {
      const { slug, role } = z.object({ slug: z.string(), role: z.string() }).parse(result);
      return one(await orgOfSlug(db, slug), "invitation.accepted", actorOf(args).email, { role });
    },
  },
};

function actorOf(args: Args): SessionUser {
  return args[0] as SessionUser;
}

/**
 * The service, recording its calls named in `rules` to the log after they
 * succeed. Every other member is the service's own, untouched.
 */
export function audited<T extends object>(service: T, rules: Rules<T>, db: Db, log: AuditLog): T {
  return new Proxy(service, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      const rule = typeof prop === "string" ? (rules as Record<string, Rule | undefined>)[prop] : undefined;
      if (!rule || typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        const before = rule.before
          ? await Promise.resolve(args)
              .then((a) => rule.before!(db, a))
              .catch(() => null)
          : undefined;
        const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        try {
          const actor = (rule.actor ?? actorOf)(args);
          for (const draft of await rule.after(db, args, result, before))
            await log.append({ id: actor.id, email: actor.email, via: actor.via ?? "web" }, draft);
        } catch (err) {
          console.error(`[supafleet] audit: could not record ${String(prop)}: ${describeError(err)}`);
        }
        return result;
      };
    },
  });
}
