// Reading projects: ownership-scoped lookups and the views the app shows.
// Nothing here changes state.
import { DISK_READ_ONLY_PERCENT, diskState } from "@/lib/projects/disk-guard";
import type { PortPurpose, ProjectStatus, SleepTier } from "@/lib/domain";
import { sleepTierOf } from "@/lib/projects/sleep-tier";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import { organizationOf, projectAccessWhere } from "@/lib/orgs/access";
import type { OrgAction } from "@/lib/orgs/permissions";
import type { SessionUser } from "@/lib/auth/actor";
import { refSchema } from "@/lib/validations/project";
import { secretsOf, type ProjectContext } from "@/lib/projects/context";
import { projectAddress } from "@/lib/stack/address";
import { upgradeBlocked, upgradeNote, upgradeTarget } from "@/lib/projects/upgrade-plan";
import { STATUS } from "@/lib/domain";
import { orgLimits, orgProjectCount } from "@/lib/projects/org-quota";

export interface ProjectSummary {
  ref: string;
  name: string;
  region: string | null;
  status: ProjectStatus;
  statusReason: string | null;
  createdAt: string;
  apiUrl: string;
  /** The template version the project runs, and the newer one it may upgrade to (null: it runs the newest). */
  stackVersion: string;
  upgradeTo: string | null;
  /** Why upgradeTo cannot be taken (a Postgres major change this runtime cannot carry over); null: it can. */
  upgradeBlocked: string | null;
  /** What taking upgradeTo does beyond new containers (a new Postgres major: the data is copied); null: nothing more. */
  upgradeNote: string | null;
  owner?: { id: string; email: string };
  /** Its organization's id, which is also its slug (lib/orgs/service.ts); a row without one is in its owner's personal organization. */
  organizationId?: string;
  /** How it sleeps when INACTIVE (lib/projects/sleep-tier.ts): frozen or stopped; null when not INACTIVE. */
  sleepTier: SleepTier | null;
  /** The databases' size against the plan's disk quota, once measured (lib/projects/disk-guard.ts). */
  dbDisk?: {
    usedMb: number;
    quotaMb: number;
    readOnly: boolean;
    /** Past the warning line (lib/projects/disk-guard.ts diskState), whether or not read-only yet. */
    warning: boolean;
    /** The line past which the database goes read-only, in percent of the quota. */
    readOnlyPercent: number;
    measuredAt: string;
  };
}

export interface ProjectDetails extends ProjectSummary {
  anonKey: string;
  serviceRoleKey: string;
  /** The new API keys (null on projects created before them, until their upgrade). */
  publishableKey: string | null;
  secretKey: string | null;
  jwksUrl: string;
  dbHost: string;
  /** The project's own session-mode port on this host. */
  dbPort: number | null;
  /** The port session connection strings name: the shared Postgres port when it is on (lib/proxy/pg-router.ts), else dbPort. */
  publicDbPort: number | null;
  poolerPort: number | null;
  /** The gateway's port on the host (127.0.0.1; nginx routes the project's address to it). */
  gatewayPort: number | null;
  dbPassword: string;
  directUrl: string | null;
  poolerUrl: string | null;
  studioUrl: string;
  /** The pooler CA's certificate (PEM) for sslmode=verify-full, when the pooler speaks TLS. */
  dbCaCertificate: string | null;
  dashboardUsername: string;
  dashboardPassword: string;
}

export interface ScopeOptions {
  /** Admin acting on any user's project. */
  asAdmin?: boolean;
  /**
   * What the actor is about to do (lib/orgs/permissions.ts): the project's
   * organization must give them a role that allows it. Unsaid, it is
   * "project.settings" (Owners and Administrators): a call site that forgets
   * to say errs on the strict side.
   */
  action?: OrgAction;
}

/** The where-clause for one project the actor may act on: membership with a fitting role is part of every query. */
export function scopeWhere(actor: SessionUser, ref: string, opts: ScopeOptions = {}) {
  const parsed = refSchema.safeParse(ref);
  if (!parsed.success) throw new NotFoundError("Project not found.");
  // Only an admin acting as admin widens it.
  return opts.asAdmin && actor.role === "ADMIN" ? { ref } : { ref, AND: [projectAccessWhere(actor.id, opts.action ?? "project.settings")] };
}

/**
 * The error for a project the scoped query did not find: Forbidden when the
 * actor may see it (a member whose role does not allow the action), else
 * NotFound, also for "exists but not yours", which says nothing about it.
 */
export async function refusal(ctx: ProjectContext, actor: SessionUser, ref: string): Promise<Error> {
  const seen = await ctx.db.project.findFirst({
    where: { ...scopeWhere(actor, ref, { action: "project.read" }), status: { not: STATUS.REMOVED } },
    select: { id: true },
  });
  return seen ? new ForbiddenError("Your role in this project's organization does not allow that.") : new NotFoundError("Project not found.");
}

/** The live (not removed) project the actor may take opts.action on, or Forbidden / NotFound (refusal). */
export async function findOwned(ctx: ProjectContext, actor: SessionUser, ref: string, opts: ScopeOptions = {}) {
  const p = await ctx.db.project.findFirst({ where: { ...scopeWhere(actor, ref, opts), status: { not: STATUS.REMOVED } } });
  if (!p) throw await refusal(ctx, actor, ref);
  return p;
}

type SummaryRow = {
  ref: string;
  name: string;
  region: string | null;
  status: ProjectStatus;
  statusReason: string | null;
  createdAt: Date;
  stackVersion: string;
  ownerId: string;
  organizationId?: string | null;
  owner?: { id: string; email: string };
  dbSizeMb?: number | null;
  dbSizeAt?: Date | null;
  dbDiskQuotaMb?: number | null;
  dbReadOnly?: boolean;
  frozenAt?: Date | null;
};

export function summary(ctx: ProjectContext, p: SummaryRow): ProjectSummary {
  return {
    ref: p.ref,
    name: p.name,
    region: p.region,
    status: p.status,
    statusReason: p.statusReason,
    createdAt: p.createdAt.toISOString(),
    apiUrl: projectAddress(p.ref, ctx.config).url,
    stackVersion: p.stackVersion,
    upgradeTo: upgradeTarget(p.stackVersion),
    upgradeBlocked: upgradeBlocked(ctx, p.stackVersion),
    upgradeNote: upgradeNote(ctx, p.stackVersion),
    sleepTier: sleepTierOf(p),
    organizationId: organizationOf(p),
    ...(p.owner ? { owner: { id: p.owner.id, email: p.owner.email } } : {}),
    ...(p.dbSizeMb != null && p.dbDiskQuotaMb != null && p.dbSizeAt
      ? {
          dbDisk: {
            usedMb: p.dbSizeMb,
            quotaMb: p.dbDiskQuotaMb,
            readOnly: p.dbReadOnly ?? false,
            warning: diskState(p.dbSizeMb, p.dbDiskQuotaMb) !== "ok",
            readOnlyPercent: DISK_READ_ONLY_PERCENT,
            measuredAt: p.dbSizeAt.toISOString(),
          },
        }
      : {}),
  };
}

/** Every live project of every organization the actor belongs to (opts.organizationId: of that one only). */
export async function listProjects(ctx: ProjectContext, actor: SessionUser, opts: { organizationId?: string } = {}): Promise<ProjectSummary[]> {
  const rows = await ctx.db.project.findMany({
    where: {
      AND: [projectAccessWhere(actor.id, "project.read")],
      status: { not: STATUS.REMOVED },
      ...(opts.organizationId ? { organizationId: opts.organizationId } : {}),
    },
    orderBy: { createdAt: "desc" },
  });
  return rows.map((r) => summary(ctx, r));
}

/** "2 of 3 projects": what the user has and may have. */
/** Projects in the actor's personal organization against its quota (the dashboard's figure; lib/projects/org-quota.ts). */
export async function quotaFor(ctx: ProjectContext, actor: SessionUser): Promise<{ used: number; limit: number }> {
  const limits = await orgLimits(ctx.db, actor.id);
  return { used: await orgProjectCount(ctx.db, actor.id, limits.personal), limit: limits.projectQuota };
}

export async function listAllProjects(
  ctx: ProjectContext,
  actor: SessionUser,
  opts: { query?: string; take?: number; skip?: number } = {},
): Promise<{ total: number; projects: ProjectSummary[] }> {
  if (actor.role !== "ADMIN") throw new NotFoundError();
  const q = opts.query?.trim();
  const where = {
    status: { not: STATUS.REMOVED },
    ...(q ? { OR: [{ ref: { contains: q } }, { name: { contains: q } }, { owner: { email: { contains: q.toLowerCase() } } }] } : {}),
  };
  const [total, rows] = await Promise.all([
    ctx.db.project.count({ where }),
    ctx.db.project.findMany({
      where,
      orderBy: { createdAt: "desc" },
      take: opts.take ?? 50,
      skip: opts.skip ?? 0,
      include: { owner: { select: { id: true, email: true } } },
    }),
  ]);
  return { total, projects: rows.map((r) => summary(ctx, r)) };
}

/** Keys and connection strings: members whose role may reveal secrets (never the admin console). */
export async function getProjectDetails(ctx: ProjectContext, actor: SessionUser, ref: string): Promise<ProjectDetails> {
  const p = await ctx.db.project.findFirst({
    where: { ...scopeWhere(actor, ref, { action: "project.secrets" }), status: { not: STATUS.REMOVED } },
    include: { ports: true },
  });
  if (!p) throw await refusal(ctx, actor, ref);
  const s = secretsOf(ctx, p);
  const port = (purpose: PortPurpose) => p.ports.find((l) => l.purpose === purpose)?.port ?? null;
  const dbPort = port("POSTGRES");
  const poolerPort = port("POOLER");
  // The shared port routes by TLS server name to this project's session pooler.
  const publicDbPort = dbPort && ctx.config.pgRouterPort && ctx.config.poolerCa ? ctx.config.pgRouterPort : dbPort;
  const { host, url } = projectAddress(p.ref, ctx.config);
  const pw = encodeURIComponent(s.postgresPassword);
  // With the pooler CA the pooler speaks TLS; clients should insist on it.
  const params = ctx.config.poolerCa ? "?sslmode=require" : "";
  return {
    ...summary(ctx, p),
    anonKey: s.anonKey,
    serviceRoleKey: s.serviceRoleKey,
    publishableKey: s.apiKeys?.publishableKey ?? null,
    secretKey: s.apiKeys?.secretKey ?? null,
    // Served by Auth through the gateway (upstream's open route /auth/v1/.well-known/jwks.json).
    jwksUrl: `${url}/auth/v1/.well-known/jwks.json`,
    dbHost: host,
    dbPort,
    publicDbPort,
    poolerPort,
    gatewayPort: port("KONG_HTTP"),
    dbPassword: s.postgresPassword,
    // Both go through Supavisor, as upstream publishes them: session mode
    // (5432, behaves like a direct connection) and transaction mode (6543).
    directUrl: publicDbPort ? `postgresql://postgres.${p.ref}:${pw}@${host}:${publicDbPort}/postgres${params}` : null,
    poolerUrl: poolerPort ? `postgresql://postgres.${p.ref}:${pw}@${host}:${poolerPort}/postgres${params}` : null,
    studioUrl: url,
    dbCaCertificate: ctx.config.poolerCa?.certPem ?? null,
    dashboardUsername: s.dashboardUsername,
    dashboardPassword: s.dashboardPassword,
  };
}

export async function listEvents(ctx: ProjectContext, actor: SessionUser, ref: string, opts: ScopeOptions & { afterId?: number; take?: number } = {}) {
  const p = await ctx.db.project.findFirst({ where: scopeWhere(actor, ref, { ...opts, action: "project.read" }), select: { id: true } });
  if (!p) throw new NotFoundError("Project not found.");
  const rows = await ctx.db.projectEvent.findMany({
    where: { projectId: p.id, ...(opts.afterId ? { id: { gt: opts.afterId } } : {}) },
    orderBy: { id: "desc" },
    take: opts.take ?? 200,
  });
  return rows.reverse().map((r) => ({
    id: r.id,
    ref,
    at: r.at.toISOString(),
    level: r.level,
    kind: r.kind,
    message: r.message,
    data: r.data ? (JSON.parse(r.data) as Record<string, unknown>) : undefined,
  }));
}
