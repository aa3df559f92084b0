// The admin console's operations. Every function checks the actor is an
// admin itself: callers (server actions) also call requireAdmin(), but a
// service that trusts its caller is one forgotten check away from a hole.
import { statfs } from "node:fs/promises";
import { freemem, totalmem, cpus, loadavg } from "node:os";
import type { Db } from "@/lib/db/client";
import { type Role, RUNNING_STATUSES, STATUS } from "@/lib/domain";
import { InvalidStateError, NotFoundError } from "@/lib/errors";
import { getSystemSettings, updateSystemSettings, type SystemSettingsView } from "@/lib/settings/service";
import { commitment, hostResources } from "@/lib/projects/admission";
import { poolSize, type SubnetPool } from "@/lib/net/cidr";
import type { RateLimiter } from "@/lib/rate-limit/limiter";
import { assertAdmin, parseOrThrow, type SessionUser } from "@/lib/auth/actor";
import { PORT_PURPOSES } from "@/lib/stack/types";
import { listOrganizations } from "@/lib/admin/organizations";
import { approveSchema, setDisabledSchema, setQuotaSchema, setRoleSchema, settingsSchema, userSearchSchema } from "@/lib/validations/admin";

export interface AdminUserRow {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  disabled: boolean;
  pendingApproval: boolean;
  projectQuota: number | null;
  effectiveQuota: number;
  projectCount: number;
  /** null: the default plan */
  planId: string | null;
  createdAt: string;
}

const PAGE = 50;

export async function listUsers(db: Db, actor: SessionUser, input: unknown): Promise<{ total: number; page: number; pageSize: number; users: AdminUserRow[] }> {
  assertAdmin(actor);
  const { query, page } = parseOrThrow(userSearchSchema, input ?? {});
  const settings = await getSystemSettings(db);
  const q = query?.toLowerCase();
  const where = q ? { OR: [{ email: { contains: q } }, { name: { contains: query } }] } : {};
  const [total, rows] = await Promise.all([
    db.user.count({ where }),
    db.user.findMany({
      where,
      orderBy: { createdAt: "asc" },
      take: PAGE,
      skip: (page - 1) * PAGE,
      include: { _count: { select: { projects: { where: { status: { not: STATUS.REMOVED } } } } } },
    }),
  ]);
  return {
    total,
    page,
    pageSize: PAGE,
    users: rows.map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.role === "ADMIN" ? "ADMIN" : "USER",
      disabled: u.disabled,
      pendingApproval: u.pendingApproval,
      projectQuota: u.projectQuota,
      effectiveQuota: u.projectQuota ?? settings.defaultProjectQuota,
      projectCount: u._count.projects,
      planId: u.planId,
      createdAt: u.createdAt.toISOString(),
    })),
  };
}

export interface PendingUserRow {
  id: string;
  email: string;
  name: string | null;
  createdAt: string;
}

/** Accounts held for approval, oldest first (bounded: the console shows a page). */
export async function listPendingUsers(db: Db, actor: SessionUser): Promise<{ total: number; users: PendingUserRow[] }> {
  assertAdmin(actor);
  const where = { pendingApproval: true };
  const [total, rows] = await Promise.all([db.user.count({ where }), db.user.findMany({ where, orderBy: { createdAt: "asc" }, take: PAGE })]);
  return { total, users: rows.map((u) => ({ id: u.id, email: u.email, name: u.name, createdAt: u.createdAt.toISOString() })) };
}

/** Lets a held account log in. Idempotent. */
export async function approveUser(db: Db, actor: SessionUser, input: unknown): Promise<void> {
  assertAdmin(actor);
  const { userId } = parseOrThrow(approveSchema, input);
  await existing(db, userId);
  await db.user.update({ where: { id: userId }, data: { pendingApproval: false } });
}

/**
 * Lifts the log-in lock of an account for every client address, with its
 * backoff history: the lock is kept per account and address
 * (lib/users/service.ts authenticate), so this is the way back in for an
 * owner locked out from several places. Idempotent. Returns how many
 * counters were dropped.
 */
export async function unlockAccount(db: Db, actor: SessionUser, input: unknown, limiter: RateLimiter): Promise<number> {
  assertAdmin(actor);
  const { userId } = parseOrThrow(approveSchema, input);
  const user = await existing(db, userId);
  return limiter.resetScope("loginAccount", user.email);
}

async function existing(db: Db, id: string) {
  const u = await db.user.findUnique({ where: { id } });
  if (!u) throw new NotFoundError("User not found.");
  return u;
}

export async function setUserDisabled(db: Db, actor: SessionUser, input: unknown): Promise<void> {
  assertAdmin(actor);
  const { userId, disabled } = parseOrThrow(setDisabledSchema, input);
  if (userId === actor.id && disabled) throw new InvalidStateError("You cannot disable your own account.");
  await existing(db, userId);
  await db.user.update({ where: { id: userId }, data: { disabled } });
}

export async function setUserRole(db: Db, actor: SessionUser, input: unknown): Promise<void> {
  assertAdmin(actor);
  const { userId, role } = parseOrThrow(setRoleSchema, input);
  if (userId === actor.id && role !== "ADMIN") throw new InvalidStateError("You cannot remove your own admin role.");
  await existing(db, userId);
  await db.user.update({ where: { id: userId }, data: { role } });
}

export async function setUserQuota(db: Db, actor: SessionUser, input: unknown): Promise<void> {
  assertAdmin(actor);
  const { userId, projectQuota } = parseOrThrow(setQuotaSchema, input);
  await existing(db, userId);
  await db.user.update({ where: { id: userId }, data: { projectQuota } });
}

export async function getSettings(db: Db, actor: SessionUser): Promise<SystemSettingsView> {
  assertAdmin(actor);
  return getSystemSettings(db);
}

export async function saveSettings(db: Db, actor: SessionUser, input: unknown): Promise<SystemSettingsView> {
  assertAdmin(actor);
  return updateSystemSettings(db, parseOrThrow(settingsSchema, input));
}

export interface HostCapacity {
  memory: { totalBytes: number; freeBytes: number };
  /** Admission: memory running projects commit (their plans) against what the host offers. */
  commitment: { committedMb: number; capacityMb: number; commitPercent: number; minFreeDiskMb: number };
  subnets: { leased: number; poolSize: number; pool: string } | null;
  disk: { path: string; totalBytes: number; freeBytes: number };
  cpu: { cores: number; load1: number };
  projects: Record<string, number>;
  runningProjects: number;
  /** Host ports leased of the range, and how many more projects the rest holds. */
  ports: { leased: number; rangeSize: number; projectsLeft: number };
}

/** How many more projects the port range holds: each one leases a port per purpose (lib/stack/types.ts PORT_PURPOSES). */
export function projectsThatFit(ports: { leased: number; rangeSize: number }): number {
  return Math.max(0, Math.floor((ports.rangeSize - ports.leased) / PORT_PURPOSES.length));
}

export async function getHostCapacity(
  db: Db,
  actor: SessionUser,
  opts: { dataDir: string; portRange: { start: number; end: number }; subnetPool?: SubnetPool },
): Promise<HostCapacity> {
  assertAdmin(actor);
  const [fs, grouped, leased, subnetsLeased, committed] = await Promise.all([
    statfs(opts.dataDir),
    db.project.groupBy({ by: ["status"], _count: { _all: true } }),
    db.portLease.count(),
    db.subnetLease.count(),
    db.$transaction(async (tx) => commitment(tx, await hostResources(opts.dataDir))),
  ]);
  const settings = await getSystemSettings(db);
  const rangeSize = opts.portRange.end - opts.portRange.start + 1;
  const projects: Record<string, number> = {};
  for (const g of grouped) projects[g.status] = g._count._all;
  return {
    memory: { totalBytes: totalmem(), freeBytes: freemem() },
    commitment: {
      committedMb: committed.committedMb,
      capacityMb: committed.capacityMb,
      commitPercent: settings.memoryCommitPercent,
      minFreeDiskMb: settings.minFreeDiskMb,
    },
    subnets: opts.subnetPool
      ? { leased: subnetsLeased, poolSize: poolSize(opts.subnetPool), pool: `${opts.subnetPool.cidr} in /${opts.subnetPool.size}s` }
      : null,
    disk: { path: opts.dataDir, totalBytes: fs.blocks * fs.bsize, freeBytes: fs.bavail * fs.bsize },
    cpu: { cores: cpus().length, load1: loadavg()[0] ?? 0 },
    projects,
    runningProjects: RUNNING_STATUSES.reduce((sum, s) => sum + (projects[s] ?? 0), 0),
    ports: { leased, rangeSize, projectsLeft: projectsThatFit({ leased, rangeSize }) },
  };
}

/** The admin console's operations on the process's database, limiter and host; built by the composition root (lib/services.ts). */
export class AdminService {
  constructor(
    private readonly db: Db,
    private readonly limiter: RateLimiter,
    private readonly host: { dataDir: string; portRange: { start: number; end: number }; subnetPool?: SubnetPool },
  ) {}

  listUsers = (actor: SessionUser, input: unknown) => listUsers(this.db, actor, input);
  listPendingUsers = (actor: SessionUser) => listPendingUsers(this.db, actor);
  approveUser = (actor: SessionUser, input: unknown) => approveUser(this.db, actor, input);
  unlockAccount = (actor: SessionUser, input: unknown) => unlockAccount(this.db, actor, input, this.limiter);
  setUserDisabled = (actor: SessionUser, input: unknown) => setUserDisabled(this.db, actor, input);
  setUserRole = (actor: SessionUser, input: unknown) => setUserRole(this.db, actor, input);
  setUserQuota = (actor: SessionUser, input: unknown) => setUserQuota(this.db, actor, input);
  getSettings = (actor: SessionUser) => getSettings(this.db, actor);
  saveSettings = (actor: SessionUser, input: unknown) => saveSettings(this.db, actor, input);
  hostCapacity = (actor: SessionUser) => getHostCapacity(this.db, actor, this.host);
  listOrganizations = (actor: SessionUser, input: unknown) => listOrganizations(this.db, actor, input);
}
