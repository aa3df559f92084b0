// Project lifecycle: the one place that ties the database (projects, leases,
// quota, events), the runtime (Provisioner) and the proxy together. Every
// multi-step operation undoes its partial work on failure and can be retried.
import { randomInt, randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import type { Prisma } from "@/lib/generated/prisma-sqlite/client";
import type { PortPurpose, ProjectStatus } from "@/lib/generated/prisma-sqlite/enums";
import {
  AccountDisabledError,
  isAppError,
  InvalidStateError,
  NoFreePortError,
  NotFoundError,
  QuotaExceededError,
} from "@/lib/errors";
import { getSystemSettings } from "@/lib/settings/service";
import type { SessionUser } from "@/lib/users/service";
import { parseOrThrow } from "@/lib/users/service";
import { createProjectSchema, deleteProjectSchema, refSchema } from "@/lib/validations/project";
import { generateRef } from "@/lib/projects/ref";
import { isHostPortFree } from "@/lib/projects/host-ports";
import { defaultMaxParallelStarts, Slots, type Release } from "@/lib/projects/slots";
import { eventBus, publishProgress, recordEvent } from "@/lib/projects/events";
import type { Provisioner, ProvisionEvent, ServiceStatus, LogLine } from "@/lib/projects/provisioner";
import type { ServiceName, StackSpec } from "@/lib/stack/types";
import { SERVICE_NAMES } from "@/lib/stack/types";
import { buildStackSpec, STACK_VERSION } from "@/lib/stack/build-stack-spec";
import { generateProjectSecrets, type ProjectSecrets } from "@/lib/stack/secrets";
import { decryptSecrets, encryptSecrets } from "@/lib/crypto/secret-box";

type Tx = Prisma.TransactionClient;

export interface ProjectServiceConfig {
  portRange: { start: number; end: number };
  masterKey: Buffer;
  rootDomain: string;
  publicScheme: "http" | "https";
  publicPort?: number;
  imageOverrides: Record<string, string>;
  dockerSocket: string;
  /** Stacks that may start at once; default defaultMaxParallelStarts(). See lib/projects/slots.ts. */
  maxParallelStarts?: number;
}

export interface ProxyNotifier {
  /** Re-render and reload the proxy from the database's current state. */
  apply(): Promise<unknown>;
}

export interface ProjectSummary {
  ref: string;
  name: string;
  region: string | null;
  status: ProjectStatus;
  statusReason: string | null;
  createdAt: string;
  apiUrl: string;
  owner?: { id: string; email: string };
}

export interface ProjectDetails extends ProjectSummary {
  anonKey: string;
  serviceRoleKey: string;
  dbHost: string;
  dbPort: number | null;
  poolerPort: number | null;
  dbPassword: string;
  directUrl: string | null;
  poolerUrl: string | null;
  studioUrl: string;
  dashboardUsername: string;
  dashboardPassword: string;
}

export interface ReconcileReport {
  drift: string[];
  repaired: string[];
  errors: string[];
}

const PURPOSES: PortPurpose[] = ["KONG_HTTP", "POSTGRES", "POOLER"];
const ACTIVE: ProjectStatus[] = ["ACTIVE_HEALTHY", "ACTIVE_UNHEALTHY"];

/** A message safe for users and logs: our own errors speak for themselves; others are cut short. */
export function describeError(err: unknown): string {
  if (isAppError(err)) return err.publicMessage;
  const msg = err instanceof Error ? err.message : String(err);
  return msg.length > 500 ? `${msg.slice(0, 500)}…` : msg;
}

interface ScopeOptions {
  /** Admin acting on any user's project. */
  asAdmin?: boolean;
}

export class ProjectService {
  private readonly jobs = new Map<string, { promise: Promise<void>; abort: AbortController }>();
  private readonly starts: Slots;
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly db: Db,
    private readonly provisioner: Provisioner,
    private readonly proxy: ProxyNotifier,
    private readonly config: ProjectServiceConfig,
  ) {
    this.starts = new Slots(config.maxParallelStarts ?? defaultMaxParallelStarts());
  }

  // ---- reading ---------------------------------------------------------------

  apiUrl(ref: string): string {
    const { publicScheme, rootDomain, publicPort } = this.config;
    const defaultPort = publicScheme === "https" ? 443 : 80;
    return `${publicScheme}://${ref}.${rootDomain}${publicPort && publicPort !== defaultPort ? `:${publicPort}` : ""}`;
  }

  private where(actor: SessionUser, ref: string, opts: ScopeOptions = {}) {
    const parsed = refSchema.safeParse(ref);
    if (!parsed.success) throw new NotFoundError("Project not found.");
    // Ownership is part of every query; only an admin acting as admin widens it.
    return opts.asAdmin && actor.role === "ADMIN" ? { ref } : { ref, ownerId: actor.id };
  }

  private summary(p: { ref: string; name: string; region: string | null; status: ProjectStatus; statusReason: string | null; createdAt: Date; owner?: { id: string; email: string } }): ProjectSummary {
    return {
      ref: p.ref,
      name: p.name,
      region: p.region,
      status: p.status,
      statusReason: p.statusReason,
      createdAt: p.createdAt.toISOString(),
      apiUrl: this.apiUrl(p.ref),
      ...(p.owner ? { owner: { id: p.owner.id, email: p.owner.email } } : {}),
    };
  }

  async listProjects(actor: SessionUser): Promise<ProjectSummary[]> {
    const rows = await this.db.project.findMany({
      where: { ownerId: actor.id, status: { not: "REMOVED" } },
      orderBy: { createdAt: "desc" },
    });
    return rows.map((r) => this.summary(r));
  }

  /** "2 of 3 projects": what the user has and may have. */
  async quotaFor(actor: SessionUser): Promise<{ used: number; limit: number }> {
    const [user, settings, used] = await Promise.all([
      this.db.user.findUniqueOrThrow({ where: { id: actor.id }, select: { projectQuota: true } }),
      getSystemSettings(this.db),
      this.db.project.count({ where: { ownerId: actor.id, status: { not: "REMOVED" } } }),
    ]);
    return { used, limit: user.projectQuota ?? settings.defaultProjectQuota };
  }

  async listAllProjects(actor: SessionUser, opts: { query?: string; take?: number; skip?: number } = {}): Promise<{ total: number; projects: ProjectSummary[] }> {
    if (actor.role !== "ADMIN") throw new NotFoundError();
    const q = opts.query?.trim();
    const where = {
      status: { not: "REMOVED" as const },
      ...(q ? { OR: [{ ref: { contains: q } }, { name: { contains: q } }, { owner: { email: { contains: q.toLowerCase() } } }] } : {}),
    };
    const [total, rows] = await Promise.all([
      this.db.project.count({ where }),
      this.db.project.findMany({ where, orderBy: { createdAt: "desc" }, take: opts.take ?? 50, skip: opts.skip ?? 0, include: { owner: { select: { id: true, email: true } } } }),
    ]);
    return { total, projects: rows.map((r) => this.summary(r)) };
  }

  async getProject(actor: SessionUser, ref: string, opts: ScopeOptions = {}): Promise<ProjectSummary> {
    const p = await this.db.project.findFirst({ where: { ...this.where(actor, ref, opts), status: { not: "REMOVED" } } });
    if (!p) throw new NotFoundError("Project not found.");
    return this.summary(p);
  }

  /** Keys and connection strings: the owner only (never the admin console). */
  async getProjectDetails(actor: SessionUser, ref: string): Promise<ProjectDetails> {
    const p = await this.db.project.findFirst({ where: { ...this.where(actor, ref), status: { not: "REMOVED" } }, include: { ports: true } });
    if (!p) throw new NotFoundError("Project not found.");
    const s = this.secretsOf(p);
    const port = (purpose: PortPurpose) => p.ports.find((l) => l.purpose === purpose)?.port ?? null;
    const dbPort = port("POSTGRES");
    const poolerPort = port("POOLER");
    const host = `${p.ref}.${this.config.rootDomain}`;
    const pw = encodeURIComponent(s.postgresPassword);
    return {
      ...this.summary(p),
      anonKey: s.anonKey,
      serviceRoleKey: s.serviceRoleKey,
      dbHost: host,
      dbPort,
      poolerPort,
      dbPassword: s.postgresPassword,
      // Both go through Supavisor, as upstream publishes them: session mode
      // (5432, behaves like a direct connection) and transaction mode (6543).
      directUrl: dbPort ? `postgresql://postgres.${p.ref}:${pw}@${host}:${dbPort}/postgres` : null,
      poolerUrl: poolerPort ? `postgresql://postgres.${p.ref}:${pw}@${host}:${poolerPort}/postgres` : null,
      studioUrl: this.apiUrl(p.ref),
      dashboardUsername: s.dashboardUsername,
      dashboardPassword: s.dashboardPassword,
    };
  }

  async listEvents(actor: SessionUser, ref: string, opts: ScopeOptions & { afterId?: number; take?: number } = {}) {
    const p = await this.db.project.findFirst({ where: this.where(actor, ref, opts), select: { id: true } });
    if (!p) throw new NotFoundError("Project not found.");
    const rows = await this.db.projectEvent.findMany({
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

  async serviceStatus(actor: SessionUser, ref: string, opts: ScopeOptions = {}): Promise<ServiceStatus[]> {
    await this.getProject(actor, ref, opts);
    return this.provisioner.status(ref);
  }

  async logs(actor: SessionUser, ref: string, service: string, opts: { tail: number; follow: boolean; signal?: AbortSignal }): Promise<AsyncIterable<LogLine>> {
    await this.getProject(actor, ref);
    if (!(SERVICE_NAMES as readonly string[]).includes(service)) throw new NotFoundError("Unknown service.");
    return this.provisioner.logs(ref, service as ServiceName, opts);
  }

  // ---- create ----------------------------------------------------------------

  async createProject(actor: SessionUser, input: unknown): Promise<ProjectSummary> {
    const data = parseOrThrow(createProjectSchema, input);
    const settings = await getSystemSettings(this.db);
    const secrets = await generateProjectSecrets();
    for (let attempt = 0; ; attempt++) {
      const ref = generateRef();
      try {
        const project = await this.db.$transaction(async (tx) => {
          // Bumping the owner's row first takes its write lock: a second
          // create by the same user waits here, then counts this project.
          const user = await tx.user.update({ where: { id: actor.id }, data: { quotaVersion: { increment: 1 } } });
          if (user.disabled) throw new AccountDisabledError();
          const limit = user.projectQuota ?? settings.defaultProjectQuota;
          const count = await tx.project.count({ where: { ownerId: actor.id, status: { not: "REMOVED" } } });
          if (count >= limit) throw new QuotaExceededError(limit);
          const created = await tx.project.create({
            data: {
              id: randomUUID(),
              ref,
              name: data.name,
              region: data.region ?? null,
              ownerId: actor.id,
              status: "COMING_UP",
              stackVersion: STACK_VERSION,
              secrets: encryptSecrets(this.config.masterKey, ref, JSON.stringify(secrets)),
            },
          });
          await this.leasePorts(tx, created.id);
          return created;
        });
        await recordEvent(this.db, project, "INFO", "create.requested", `Project “${project.name}” requested`);
        this.startJob(project.ref, (signal) => this.runProvision(project.id, "create", signal));
        return this.summary(project);
      } catch (err) {
        // A ref or port taken by a parallel create: try again with fresh ones.
        if (isUniqueViolation(err) && attempt < 8) continue;
        throw err;
      }
    }
  }

  /** INIT_FAILED → COMING_UP again, with fresh port leases. */
  async retryProject(actor: SessionUser, ref: string, opts: ScopeOptions = {}): Promise<ProjectSummary> {
    return this.withLock(ref, async () => {
      const p = await this.db.project.findFirst({ where: { ...this.where(actor, ref, opts), status: { not: "REMOVED" } } });
      if (!p) throw new NotFoundError("Project not found.");
      if (p.status !== "INIT_FAILED") throw new InvalidStateError("Only a project whose creation failed can be retried.");
      for (let attempt = 0; ; attempt++) {
        try {
          await this.db.$transaction(async (tx) => {
            await tx.portLease.deleteMany({ where: { projectId: p.id } });
            await this.leasePorts(tx, p.id);
            await tx.project.update({ where: { id: p.id }, data: { status: "COMING_UP", statusReason: null } });
          });
          break;
        } catch (err) {
          if (isUniqueViolation(err) && attempt < 8) continue;
          throw err;
        }
      }
      await recordEvent(this.db, p, "INFO", "create.retry", "Retrying project creation");
      this.startJob(p.ref, (signal) => this.runProvision(p.id, "create", signal));
      return this.summary({ ...p, status: "COMING_UP", statusReason: null });
    });
  }

  private async leasePorts(tx: Tx, projectId: string): Promise<void> {
    const { start, end } = this.config.portRange;
    const size = end - start + 1;
    const taken = new Set((await tx.portLease.findMany({ select: { port: true } })).map((l) => l.port));
    // A random starting point keeps parallel creates in other processes from
    // all probing the same first free port.
    const offset = randomInt(size);
    let i = 0;
    for (const purpose of PURPOSES) {
      let leased = false;
      for (; i < size * 2 && !leased; i++) {
        const port = start + ((offset + i) % size);
        if (taken.has(port)) continue;
        if (!(await isHostPortFree(port))) continue;
        await tx.portLease.create({ data: { port, projectId, purpose } });
        taken.add(port);
        leased = true;
      }
      if (!leased) throw new NoFreePortError(`${start}-${end}`);
    }
  }

  // ---- lifecycle ---------------------------------------------------------------

  async pauseProject(actor: SessionUser, ref: string, opts: ScopeOptions = {}): Promise<ProjectSummary> {
    return this.withLock(ref, async () => {
      const p = await this.findOwned(actor, ref, opts);
      if (!ACTIVE.includes(p.status)) throw new InvalidStateError(`A project that is ${p.status} cannot be paused.`);
      await this.setStatus(p.id, "PAUSING", null);
      await recordEvent(this.db, p, "INFO", "pause.started", "Pausing: stopping containers, keeping data");
      await this.applyProxy();
      try {
        await this.provisioner.pause(p.ref);
      } catch (err) {
        const reason = describeError(err);
        await recordEvent(this.db, p, "ERROR", "pause.failed", reason);
        await this.setStatus(p.id, "ACTIVE_UNHEALTHY", `Pause failed: ${reason}`);
        await this.applyProxy();
        throw err;
      }
      await this.setStatus(p.id, "INACTIVE", null);
      await recordEvent(this.db, p, "INFO", "pause.succeeded", "Project paused");
      await this.applyProxy();
      return this.summary({ ...p, status: "INACTIVE", statusReason: null });
    });
  }

  async resumeProject(actor: SessionUser, ref: string, opts: ScopeOptions = {}): Promise<ProjectSummary> {
    return this.withLock(ref, async () => {
      const p = await this.findOwned(actor, ref, opts);
      if (p.status !== "INACTIVE") throw new InvalidStateError(`A project that is ${p.status} cannot be resumed.`);
      await this.setStatus(p.id, "RESTORING", null);
      await recordEvent(this.db, p, "INFO", "resume.requested", "Resuming project");
      this.startJob(p.ref, (signal) => this.runProvision(p.id, "resume", signal));
      return this.summary({ ...p, status: "RESTORING", statusReason: null });
    });
  }

  async restartProject(actor: SessionUser, ref: string, opts: ScopeOptions = {}): Promise<ProjectSummary> {
    return this.withLock(ref, async () => {
      const p = await this.findOwned(actor, ref, opts);
      if (!ACTIVE.includes(p.status)) throw new InvalidStateError(`A project that is ${p.status} cannot be restarted.`);
      await this.setStatus(p.id, "RESTORING", null);
      await recordEvent(this.db, p, "INFO", "restart.requested", "Restarting all services");
      this.startJob(p.ref, (signal) => this.runProvision(p.id, "restart", signal));
      return this.summary({ ...p, status: "RESTORING", statusReason: null });
    });
  }

  async deleteProject(actor: SessionUser, input: { ref: string; confirmRef: string }, opts: ScopeOptions = {}): Promise<void> {
    const { ref } = parseOrThrow(deleteProjectSchema, input);
    const p = await this.findOwned(actor, ref, opts);
    // This event is also the durable intent: a restart that finds it as the
    // project's last delete event finishes the delete (see reconcile).
    await recordEvent(this.db, p, "INFO", "delete.started", "Deleting project: containers, volumes, network, ports");
    // A create or resume in flight is cancelled first; it rolls itself back.
    const job = this.jobs.get(ref);
    if (job) {
      job.abort.abort();
      await job.promise;
    }
    await this.withLock(ref, async () => {
      try {
        await this.finishDelete(p);
      } catch (err) {
        const reason = describeError(err);
        await recordEvent(this.db, p, "ERROR", "delete.failed", reason);
        await this.setStatus(p.id, "UNKNOWN", `Delete failed, try again: ${reason}`);
        throw err;
      }
      await this.applyProxy();
    });
  }

  /** Removes everything labelled with the ref, frees the leases and marks the row REMOVED. Idempotent. */
  private async finishDelete(p: { id: string; ref: string }): Promise<void> {
    await this.provisioner.destroy(p.ref);
    await this.db.$transaction(async (tx) => {
      await tx.portLease.deleteMany({ where: { projectId: p.id } });
      // Removed projects keep their history but no secrets.
      await tx.project.update({ where: { id: p.id }, data: { status: "REMOVED", statusReason: null, removedAt: new Date(), secrets: "" } });
    });
    await recordEvent(this.db, p, "INFO", "delete.succeeded", "Project deleted");
    eventBus.clear(p.ref);
  }

  /** Projects whose last delete event is "delete.started": the app died while deleting them. */
  private async interruptedDeletes(projectIds: string[]): Promise<Set<string>> {
    const rows = await this.db.projectEvent.findMany({
      where: { projectId: { in: projectIds }, kind: { in: ["delete.started", "delete.failed", "delete.succeeded"] } },
      orderBy: { id: "asc" },
      select: { projectId: true, kind: true },
    });
    const last = new Map<string, string>();
    for (const r of rows) last.set(r.projectId, r.kind);
    return new Set([...last].filter(([, kind]) => kind === "delete.started").map(([id]) => id));
  }

  /** Re-reads container state for an active project and stores the derived status. */
  async refreshStatus(ref: string): Promise<ProjectStatus | null> {
    const p = await this.db.project.findUnique({ where: { ref } });
    if (!p || !ACTIVE.includes(p.status) || this.jobs.has(ref)) return p?.status ?? null;
    const services = await this.provisioner.status(ref);
    const next = deriveActiveStatus(services);
    if (next !== p.status) {
      await this.setStatus(p.id, next, next === "ACTIVE_UNHEALTHY" ? unhealthyReason(services) : null);
      await recordEvent(this.db, p, next === "ACTIVE_HEALTHY" ? "INFO" : "WARN", "health.changed", next === "ACTIVE_HEALTHY" ? "All services healthy" : unhealthyReason(services));
      await this.applyProxy();
    }
    return next;
  }

  // ---- reconcile -----------------------------------------------------------------

  /**
   * Start-up reconcile: compares what the engine runs (by label) with the
   * database, reports every difference and repairs it:
   * - resources of a ref the database does not know (or removed) are deleted;
   * - an interrupted create is rolled back to INIT_FAILED (retry available);
   * - an interrupted pause is finished; an interrupted resume/restart re-run;
   * - an active project with containers gone is converged again;
   * - a paused project with running containers is stopped again;
   * - leftovers of failed creates and leases of removed projects are freed.
   */
  async reconcile(): Promise<ReconcileReport> {
    const report: ReconcileReport = { drift: [], repaired: [], errors: [] };
    const managed = await this.provisioner.listManaged();
    const projects = await this.db.project.findMany({ where: { status: { not: "REMOVED" } }, include: { ports: true } });
    const known = new Map(projects.map((p) => [p.ref, p]));
    const attempt = async (what: string, fn: () => Promise<void>) => {
      try {
        await fn();
        report.repaired.push(what);
      } catch (err) {
        report.errors.push(`${what}: ${describeError(err)}`);
      }
    };

    for (const m of managed) {
      if (known.has(m.ref)) continue;
      report.drift.push(`${m.ref}: ${m.containers.length} container(s), ${m.volumes.length} volume(s), ${m.networks.length} network(s) on the engine but no live project in the database`);
      await attempt(`${m.ref}: removed orphaned resources`, async () => {
        await this.provisioner.destroy(m.ref);
      });
    }

    const orphanLeases = await this.db.portLease.deleteMany({ where: { project: { status: "REMOVED" } } });
    if (orphanLeases.count) report.repaired.push(`released ${orphanLeases.count} lease(s) of removed projects`);

    const deleting = await this.interruptedDeletes(projects.map((p) => p.id));
    for (const p of projects) {
      if (this.jobs.has(p.ref)) continue;
      // The owner asked for the delete; whatever state it was caught in, finish it.
      if (deleting.has(p.id)) {
        report.drift.push(`${p.ref}: delete was interrupted`);
        await attempt(`${p.ref}: finished delete`, () => this.finishDelete(p));
        continue;
      }
      const onEngine = managed.find((m) => m.ref === p.ref);
      switch (p.status) {
        case "COMING_UP":
          report.drift.push(`${p.ref}: create was interrupted`);
          await attempt(`${p.ref}: rolled back interrupted create`, async () => {
            const reason = "Creation was interrupted by a restart of Supafleet. Retry to create it again.";
            // Never leave it COMING_UP with no job behind it: if the clean-up
            // fails it still fails now, keeps its leases (its containers may
            // still hold the ports) and the INIT_FAILED branch cleans up at the
            // next start or retry.
            let cleanupError: unknown = null;
            try {
              await this.provisioner.destroy(p.ref);
              await this.db.portLease.deleteMany({ where: { projectId: p.id } });
            } catch (err) {
              cleanupError = err;
            }
            await this.setStatus(p.id, "INIT_FAILED", cleanupError ? `${reason} Cleaning up failed: ${describeError(cleanupError)}` : reason);
            await recordEvent(this.db, p, "ERROR", "create.failed", reason);
            if (cleanupError) throw cleanupError;
          });
          break;
        case "INIT_FAILED":
          if (onEngine || p.ports.length) {
            report.drift.push(`${p.ref}: failed create left resources or leases behind`);
            await attempt(`${p.ref}: cleaned up failed create`, async () => {
              await this.provisioner.destroy(p.ref);
              await this.db.portLease.deleteMany({ where: { projectId: p.id } });
            });
          }
          break;
        case "PAUSING":
          report.drift.push(`${p.ref}: pause was interrupted`);
          await attempt(`${p.ref}: finished pause`, async () => {
            await this.provisioner.pause(p.ref);
            await this.setStatus(p.id, "INACTIVE", null);
            await recordEvent(this.db, p, "INFO", "pause.succeeded", "Pause finished after a restart of Supafleet");
          });
          break;
        case "RESTORING":
          report.drift.push(`${p.ref}: resume/restart was interrupted`);
          await attempt(`${p.ref}: resuming again`, async () => {
            await recordEvent(this.db, p, "INFO", "resume.requested", "Resuming again after a restart of Supafleet");
            this.startJob(p.ref, (signal) => this.runProvision(p.id, "resume", signal));
          });
          break;
        case "INACTIVE": {
          const services = await this.provisioner.status(p.ref);
          const running = services.filter((s) => s.state === "running").map((s) => s.service);
          if (running.length) {
            report.drift.push(`${p.ref}: paused but running ${running.join(", ")}`);
            await attempt(`${p.ref}: stopped again`, () => this.provisioner.pause(p.ref));
          }
          break;
        }
        case "ACTIVE_HEALTHY":
        case "ACTIVE_UNHEALTHY":
        case "UNKNOWN": {
          const services = await this.provisioner.status(p.ref);
          const missing = SERVICE_NAMES.filter((name) => !services.some((s) => s.service === name && s.state !== "missing"));
          const stopped = services.filter((s) => s.state !== "running" && s.state !== "missing").map((s) => s.service);
          if (missing.length || stopped.length) {
            report.drift.push(`${p.ref}: ${[missing.length ? `container(s) gone: ${missing.join(", ")}` : "", stopped.length ? `not running: ${stopped.join(", ")}` : ""].filter(Boolean).join("; ")}`);
            await attempt(`${p.ref}: converging the stack again`, async () => {
              await this.setStatus(p.id, "RESTORING", null);
              await recordEvent(this.db, p, "WARN", "reconcile.repair", "Containers were missing or stopped; bringing the stack back");
              this.startJob(p.ref, (signal) => this.runProvision(p.id, "resume", signal));
            });
          } else {
            const next = deriveActiveStatus(services);
            if (next !== p.status) await this.setStatus(p.id, next, next === "ACTIVE_UNHEALTHY" ? unhealthyReason(services) : null);
          }
          break;
        }
        default:
          break;
      }
    }
    await this.applyProxy();
    return report;
  }

  // ---- jobs ---------------------------------------------------------------------

  /** Resolves when no background job runs for the ref (tests, shutdown). */
  async waitForIdle(ref: string): Promise<void> {
    await this.jobs.get(ref)?.promise;
  }

  async waitForAllJobs(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((j) => j.promise));
  }

  private startJob(ref: string, run: (signal: AbortSignal) => Promise<void>): void {
    const abort = new AbortController();
    const promise = this.withLock(ref, () => run(abort.signal))
      .catch((err: unknown) => {
        // runProvision records its own failures; this only catches bugs.
        console.error(`[supafleet] job for ${ref} crashed: ${describeError(err)}`);
      })
      .finally(() => {
        if (this.jobs.get(ref)?.promise === promise) this.jobs.delete(ref);
      });
    this.jobs.set(ref, { promise, abort });
  }

  /** One operation per project at a time, in arrival order. */
  private async withLock<T>(ref: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(ref) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    const tail = next.catch(() => undefined);
    this.locks.set(ref, tail);
    try {
      return await next;
    } finally {
      if (this.locks.get(ref) === tail) this.locks.delete(ref);
    }
  }

  private async runProvision(projectId: string, mode: "create" | "resume" | "restart", signal: AbortSignal): Promise<void> {
    const p = await this.db.project.findUniqueOrThrow({ where: { id: projectId }, include: { ports: true } });
    let started = Date.now();
    let release: Release | undefined;
    try {
      if (this.starts.running >= this.starts.size) {
        await recordEvent(this.db, p, "INFO", `${mode}.queued`, `Queued: ${this.starts.running} stacks are starting on this host (${this.starts.waiting} waiting before this one); it starts when one finishes`);
      }
      release = await this.starts.acquire(signal);
      started = Date.now();
      await recordEvent(this.db, p, "INFO", `${mode}.started`, mode === "create" ? "Provisioning: images, network, volumes, services" : mode === "resume" ? "Starting services" : "Restarting services");
      const spec = this.specFor(p);
      const onEvent = (e: ProvisionEvent) => void this.onProvisionEvent(p, e);
      if (mode === "restart") await this.provisioner.restart(spec, { onEvent, signal });
      else await this.provisioner.up(spec, { onEvent, signal });
      if (signal.aborted) throw new InvalidStateError("Cancelled.");
      await this.setStatus(p.id, "ACTIVE_HEALTHY", null);
      await recordEvent(this.db, p, "INFO", `${mode}.succeeded`, `All services healthy in ${((Date.now() - started) / 1000).toFixed(1)} s`, { durationMs: Date.now() - started });
    } catch (err) {
      const reason = signal.aborted ? "Cancelled by delete." : describeError(err);
      await recordEvent(this.db, p, "ERROR", `${mode}.failed`, reason);
      if (mode === "create") {
        // Undo everything the create made; keep the row (and its secrets) for a retry.
        try {
          await this.provisioner.destroy(p.ref);
          await this.db.portLease.deleteMany({ where: { projectId: p.id } });
          await recordEvent(this.db, p, "INFO", "create.rolled_back", "Removed everything the failed create made");
        } catch (cleanupErr) {
          // Leases stay so the ports are not handed out while containers may
          // still hold them; start-up reconcile finishes the cleanup.
          await recordEvent(this.db, p, "ERROR", "create.rollback_failed", describeError(cleanupErr));
        }
        await this.setStatus(p.id, "INIT_FAILED", reason);
      } else {
        // Data stays: a failed resume/restart leaves the project running what it can.
        await this.setStatus(p.id, "ACTIVE_UNHEALTHY", reason);
      }
    } finally {
      release?.();
      eventBus.clear(p.ref);
      await this.applyProxy();
    }
  }

  private async onProvisionEvent(p: { id: string; ref: string }, e: ProvisionEvent): Promise<void> {
    const data: Record<string, unknown> = {};
    for (const k of ["service", "image", "percent", "status"] as const) if (e[k] !== undefined) data[k] = e[k];
    const message = e.message ?? [e.kind, e.service ?? e.image].filter(Boolean).join(" ");
    try {
      if (e.kind === "image.pull") publishProgress(p.ref, e.kind, message, data);
      else await recordEvent(this.db, p, e.kind.endsWith("failed") ? "ERROR" : e.kind.endsWith("unhealthy") ? "WARN" : "INFO", e.kind, message, data);
    } catch (err) {
      console.error(`[supafleet] could not record event for ${p.ref}: ${describeError(err)}`);
    }
  }

  // ---- helpers -------------------------------------------------------------------

  private async findOwned(actor: SessionUser, ref: string, opts: ScopeOptions) {
    const p = await this.db.project.findFirst({ where: { ...this.where(actor, ref, opts), status: { not: "REMOVED" } } });
    if (!p) throw new NotFoundError("Project not found.");
    return p;
  }

  private async setStatus(id: string, status: ProjectStatus, reason: string | null): Promise<void> {
    await this.db.project.update({ where: { id }, data: { status, statusReason: reason } });
  }

  secretsOf(p: { ref: string; secrets: string }): ProjectSecrets {
    return JSON.parse(decryptSecrets(this.config.masterKey, p.ref, p.secrets)) as ProjectSecrets;
  }

  specFor(p: { ref: string; secrets: string; ports: Array<{ purpose: PortPurpose; port: number }> }): StackSpec {
    const port = (purpose: PortPurpose) => {
      const lease = p.ports.find((l) => l.purpose === purpose);
      if (!lease) throw new InvalidStateError(`Project ${p.ref} has no ${purpose} port lease.`);
      return lease.port;
    };
    return buildStackSpec({
      ref: p.ref,
      secrets: this.secretsOf(p),
      ports: { kongHttp: port("KONG_HTTP"), postgres: port("POSTGRES"), pooler: port("POOLER") },
      publicUrl: this.apiUrl(p.ref),
      imageOverrides: this.config.imageOverrides,
      dockerSocketPath: this.config.dockerSocket,
    });
  }

  async applyProxy(): Promise<void> {
    try {
      await this.proxy.apply();
    } catch (err) {
      // The previous config stays live (the applier guarantees it); the
      // lifecycle change itself has happened and must not be reported failed.
      console.error(`[supafleet] proxy apply failed: ${describeError(err)}`);
    }
  }
}

export function deriveActiveStatus(services: ServiceStatus[]): "ACTIVE_HEALTHY" | "ACTIVE_UNHEALTHY" {
  const expected = new Set<string>(SERVICE_NAMES);
  const ok = services.filter((s) => s.state === "running" && (s.health === "healthy" || s.health === "none"));
  return ok.length >= expected.size && [...expected].every((name) => ok.some((s) => s.service === name)) ? "ACTIVE_HEALTHY" : "ACTIVE_UNHEALTHY";
}

function unhealthyReason(services: ServiceStatus[]): string {
  const bad = SERVICE_NAMES.filter((name) => {
    const s = services.find((x) => x.service === name);
    return !s || s.state !== "running" || s.health === "unhealthy";
  });
  return bad.length ? `Not healthy: ${bad.join(", ")}` : "Some services are still starting";
}
