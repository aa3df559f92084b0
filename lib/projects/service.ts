// The project service: a thin façade over the modules that do the work, so
// callers (app/, tests, benches) have one object to hold. Each module has one
// job: queries (reading), lifecycle (owner actions), provision (background
// starts and rollback), reconcile (start-up repair), recovery (unknown stacks
// and quarantine), leases, jobs.
import type { Db } from "@/lib/db/client";
import { LATEST_STACK_VERSION } from "@/lib/stack/template";
import type { ProjectStatus } from "@/lib/domain";
import { InvalidStateError, NotFoundError, describeError, isAppError } from "@/lib/errors";
import type { OrgAction } from "@/lib/orgs/permissions";
import { SERVICE_NAMES, type ServiceName } from "@/lib/stack/types";
import type { SessionUser } from "@/lib/auth/actor";
import { assertAdmin, parseOrThrow } from "@/lib/auth/actor";
import { adoptionCandidateSchema, adoptStackSchema, frozenStopSchema, idleTimeoutSchema, nodeDrainSchema, purgeStackSchema } from "@/lib/validations/project";
import { sweepIdle, wakeProject } from "@/lib/projects/idle";
import { wakeGate, type GateRequest } from "@/lib/projects/wake-gate";
import { pgRoute } from "@/lib/projects/pg-route";
import { chargeAttempt, type CallOptions, type ClientOptions } from "@/lib/projects/throttle";
import {
  applyProxy,
  secretsOf,
  specFor,
  type ProjectContext,
  type ProjectCore,
  type ProjectHooks,
  type ProjectServiceConfig,
  type ProxyNotifier,
} from "@/lib/projects/context";
import { projectCore, type ProjectServiceOptions } from "@/lib/projects/core";
import * as lifecycle from "@/lib/projects/lifecycle";
import * as upgrade from "@/lib/projects/upgrade";
import * as authSettings from "@/lib/projects/auth-settings";
import * as functionSecrets from "@/lib/projects/function-secrets";
import * as edgeFunctions from "@/lib/projects/edge-functions";
import * as projectSettings from "@/lib/projects/project-settings";
import * as loginRoles from "@/lib/projects/login-roles";
import * as postgresSettings from "@/lib/projects/postgres-settings";
import type { LogLine, NodeView, Provisioner, ServiceStatus } from "@/lib/projects/provisioner";
import * as queries from "@/lib/projects/queries";
import { eventFeed } from "@/lib/projects/event-feed";
import { reconcile, type ReconcileReport } from "@/lib/projects/reconcile";
import {
  adoptionCandidate,
  adoptQuarantined,
  engineView,
  purgeQuarantined,
  type AdoptionCandidate,
  type EngineView,
  type RecoveryOutcome,
} from "@/lib/projects/recovery";
import { Monitor, type MonitorOptions } from "@/lib/projects/monitor";
import { topConsumers, UsageSampler, usageOf, type UsageOptions } from "@/lib/projects/usage";
import { checkDisks, DiskGuard } from "@/lib/projects/disk-guard";
import { assertMayCreateProjects } from "@/lib/users/verification";
import { STATUS } from "@/lib/domain";
import { projectPageView } from "@/lib/projects/page-view";

export { deriveActiveStatus } from "@/lib/projects/status";
export type { ProjectCore, ProjectHooks, ProjectServiceConfig, ProxyNotifier } from "@/lib/projects/context";
export type { ProjectDetails, ProjectSummary } from "@/lib/projects/queries";
export type { ReconcileReport } from "@/lib/projects/reconcile";
export type { CallOptions, ClientOptions } from "@/lib/projects/throttle";
export type { EngineView } from "@/lib/projects/recovery";

type Scope = queries.ScopeOptions;

export class ProjectService {
  private readonly ctx: ProjectContext;
  private monitor: Monitor | undefined;
  private sampler: UsageSampler | undefined;
  private diskGuard: DiskGuard | undefined;
  private manualSampler: UsageSampler | undefined;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(db: Db, provisioner: Provisioner, proxy: ProxyNotifier, config: ProjectServiceConfig, opts: ProjectServiceOptions = {}) {
    this.ctx = { ...projectCore(db, provisioner, proxy, config, opts), ...opts.hooks };
  }

  get installationId(): string {
    return this.ctx.provisioner.installationId;
  }

  get config(): ProjectServiceConfig {
    return this.ctx.config;
  }

  /**
   * For a sibling service built by hand on this one (tests, benches: `new
   * BackupService(projects, store)`): its hooks run inside this service's
   * deletes and upgrades from now on, and it gets the parts the two share.
   * The composition root passes both to the constructors instead.
   */
  attach(hooks: ProjectHooks): ProjectCore {
    Object.assign(this.ctx, hooks);
    const { db, provisioner, proxy, config, jobs, activity, limiter } = this.ctx;
    return { db, provisioner, proxy, config, jobs, activity, limiter };
  }

  // ---- reading ------------------------------------------------------------------

  listProjects = (actor: SessionUser, opts?: { organizationId?: string }) => queries.listProjects(this.ctx, actor, opts);
  quotaFor = (actor: SessionUser) => queries.quotaFor(this.ctx, actor);
  listAllProjects = (actor: SessionUser, opts?: { query?: string; take?: number; skip?: number }) => queries.listAllProjects(this.ctx, actor, opts);
  getProjectDetails = (actor: SessionUser, ref: string) => queries.getProjectDetails(this.ctx, actor, ref);
  /** The same, asked for to show a person the keys ("Reveal"): the audit log records these (lib/audit/recorders.ts), not every check that reads them. */
  revealSecrets = (actor: SessionUser, ref: string) => queries.getProjectDetails(this.ctx, actor, ref);
  listEvents = (actor: SessionUser, ref: string, opts?: Scope & { afterId?: number; take?: number }) => queries.listEvents(this.ctx, actor, ref, opts);
  /** The project page's live feed: the project, stored events after `afterId`, then live progress and status changes. */
  eventFeed = (actor: SessionUser, ref: string, opts?: { afterId?: number }) => eventFeed(this.ctx, actor, ref, opts);

  async getProject(actor: SessionUser, ref: string, opts: Scope = {}): Promise<queries.ProjectSummary> {
    return queries.summary(this.ctx, await queries.findOwned(this.ctx, actor, ref, { action: "project.read", ...opts }));
  }

  /** Whether the actor may still take `action` on the project: an open stream asks this again and again, so a removed member's ends. */
  async mayStill(actor: SessionUser, ref: string, action: OrgAction): Promise<boolean> {
    return queries.findOwned(this.ctx, actor, ref, { action }).then(
      () => true,
      (err: unknown) => {
        if (isAppError(err, "not_found") || isAppError(err, "forbidden")) return false;
        throw err;
      },
    );
  }

  async serviceStatus(actor: SessionUser, ref: string, opts: Scope = {}): Promise<ServiceStatus[]> {
    await queries.findOwned(this.ctx, actor, ref, { ...opts, action: "project.read" });
    return this.ctx.provisioner.status(ref);
  }

  async logs(actor: SessionUser, ref: string, service: string, opts: { tail: number; follow: boolean; signal?: AbortSignal }): Promise<AsyncIterable<LogLine>> {
    // Logs may carry what the project's users send: content, not for Read-only members.
    await queries.findOwned(this.ctx, actor, ref, { action: "project.content" });
    if (!(SERVICE_NAMES as readonly string[]).includes(service)) throw new NotFoundError("Unknown service.");
    return this.ctx.provisioner.logs(ref, service as ServiceName, opts);
  }

  // ---- lifecycle ----------------------------------------------------------------

  // Every entry point comes through here, so the throttles are charged here
  // (lib/projects/throttle.ts), before any work; pass the client's address.

  async createProject(actor: SessionUser, input: unknown, opts: ClientOptions = {}): Promise<queries.ProjectSummary> {
    await assertMayCreateProjects(this.ctx.db, actor.id, this.ctx.config.requireVerifiedEmail ?? false);
    await chargeAttempt(this.ctx.limiter, "create", actor, opts);
    return lifecycle.createProject(this.ctx, actor, input);
  }

  async retryProject(actor: SessionUser, ref: string, opts: CallOptions = {}): Promise<queries.ProjectSummary> {
    await chargeAttempt(this.ctx.limiter, "lifecycle", actor, opts);
    return lifecycle.retryProject(this.ctx, actor, ref, opts);
  }

  /** Admin: a disabled owner's projects stop serving and no request wakes them (lib/projects/lifecycle.ts). */
  async pauseOwnerProjects(actor: SessionUser, ownerId: string): Promise<{ paused: string[]; failed: string[] }> {
    assertAdmin(actor);
    return lifecycle.pauseOwnerProjects(this.ctx, actor, ownerId);
  }

  /** Not throttled: a pause only stops containers, and the resume that undoes it is. */
  pauseProject = (actor: SessionUser, ref: string, opts?: CallOptions) => lifecycle.pauseProject(this.ctx, actor, ref, opts);

  async resumeProject(actor: SessionUser, ref: string, opts: CallOptions = {}): Promise<queries.ProjectSummary> {
    await chargeAttempt(this.ctx.limiter, "lifecycle", actor, opts);
    return lifecycle.resumeProject(this.ctx, actor, ref, opts);
  }

  async restartProject(actor: SessionUser, ref: string, opts: CallOptions = {}): Promise<queries.ProjectSummary> {
    await chargeAttempt(this.ctx.limiter, "lifecycle", actor, opts);
    return lifecycle.restartProject(this.ctx, actor, ref, opts);
  }

  async deleteProject(actor: SessionUser, input: { ref: string; confirmRef: string }, opts: CallOptions = {}): Promise<void> {
    await chargeAttempt(this.ctx.limiter, "lifecycle", actor, opts);
    return lifecycle.deleteProject(this.ctx, actor, input, opts);
  }

  // ---- template upgrades and Auth settings ----------------------------------------

  /** Owner (or admin with asAdmin): move a running or paused project to the newest template, rolling back if it is not healthy. */
  upgradeProject = (actor: SessionUser, ref: string, opts?: Scope) => upgrade.upgradeProject(this.ctx, actor, ref, opts);
  /** Admin: upgrade every running or paused project that is not on the newest template. */
  upgradeAllProjects = (actor: SessionUser) => upgrade.upgradeAllProjects(this.ctx, actor);

  /** Admin: live projects still on an older template version than the newest. */
  async projectsBehindLatest(actor: SessionUser): Promise<number> {
    assertAdmin(actor);
    return this.ctx.db.project.count({ where: { status: { not: STATUS.REMOVED }, stackVersion: { not: LATEST_STACK_VERSION } } });
  }
  renameProject = (actor: SessionUser, input: unknown) => projectSettings.renameProject(this.ctx, actor, input);
  transferProject = (actor: SessionUser, input: unknown) => projectSettings.transferProject(this.ctx, actor, input);
  storageLimits = (actor: SessionUser, ref: string) => projectSettings.storageLimits(this.ctx, actor, ref);
  /** Owner only: a temporary database login for the Supabase CLI (lib/projects/login-roles.ts). */
  createLoginRole = (actor: SessionUser, ref: string, readOnly: boolean) => loginRoles.createLoginRole(this.ctx, actor, ref, readOnly);
  deleteLoginRoles = (actor: SessionUser, ref: string) => loginRoles.deleteLoginRoles(this.ctx, actor, ref);
  /** Owner only: Storage's file size limit within the plan's (restarts storage alone), and the allow-listed Postgres settings. */
  setFileSizeLimit = (actor: SessionUser, ref: string, bytes: number) => projectSettings.setFileSizeLimit(this.ctx, actor, ref, bytes);
  applyPostgresSettings = (actor: SessionUser, ref: string, values: postgresSettings.PostgresTenantValues) =>
    postgresSettings.applyPostgresSettings(this.ctx, actor, ref, values);
  getAuthSettings = (actor: SessionUser, ref: string) => authSettings.getAuthSettings(this.ctx, actor, ref);
  saveAuthSettings = (actor: SessionUser, ref: string, input: unknown) => authSettings.saveAuthSettings(this.ctx, actor, ref, input);
  // Edge Functions and their secrets: owner only, as Auth settings.
  listFunctionSecrets = (actor: SessionUser, ref: string) => functionSecrets.listFunctionSecrets(this.ctx, actor, ref);
  setFunctionSecrets = (actor: SessionUser, ref: string, items: Array<{ name: string; value: string }>) =>
    functionSecrets.setFunctionSecrets(this.ctx, actor, ref, items);
  deleteFunctionSecrets = (actor: SessionUser, ref: string, names: string[]) => functionSecrets.deleteFunctionSecrets(this.ctx, actor, ref, names);
  /** The owner's project, for checks before a deploy's body is read. */
  getFunctionsProject = (actor: SessionUser, ref: string) => queries.findOwned(this.ctx, actor, ref, { action: "project.content" }).then(() => undefined);
  listFunctions = (actor: SessionUser, ref: string) => edgeFunctions.listFunctions(this.ctx, actor, ref);
  getFunction = (actor: SessionUser, ref: string, slug: string) => edgeFunctions.getFunction(this.ctx, actor, ref, slug);
  readFunctionFiles = (actor: SessionUser, ref: string, slug: string, maxBytes: number) =>
    edgeFunctions.readFunctionFiles(this.ctx, actor, ref, slug, maxBytes);
  deployFunction = (actor: SessionUser, ref: string, deploy: edgeFunctions.FunctionDeploy) => edgeFunctions.deployFunction(this.ctx, actor, ref, deploy);
  updateFunction = (actor: SessionUser, ref: string, slug: string, patch: edgeFunctions.FunctionPatch) =>
    edgeFunctions.updateFunction(this.ctx, actor, ref, slug, patch);
  deleteFunction = (actor: SessionUser, ref: string, slug: string) => edgeFunctions.deleteFunction(this.ctx, actor, ref, slug);

  /** Re-reads one project's state from the engine now and stores the derived status (the monitor's check). */
  refreshStatus(ref: string): Promise<ProjectStatus | null> {
    return (this.monitor ?? new Monitor(this.ctx)).check(ref);
  }

  /** Starts the process's health monitor (lib/projects/monitor.ts), usage sampler and idle sweep; one each per service. */
  startMonitor(opts?: MonitorOptions, usage?: UsageOptions, idleEveryMs = 60_000): Monitor {
    if (!this.monitor) {
      this.monitor = new Monitor(this.ctx, opts);
      this.monitor.start();
      this.sampler = new UsageSampler(this.ctx, usage);
      this.sampler.start();
      this.diskGuard = new DiskGuard(this.ctx);
      this.diskGuard.start();
      this.idleTimer = setInterval(
        () => void this.sweepIdle().catch((err: unknown) => console.error(`[supafleet] idle sweep: ${describeError(err)}`)),
        idleEveryMs,
      );
    }
    return this.monitor;
  }

  stopMonitor(): void {
    this.monitor?.stop();
    this.sampler?.stop();
    this.diskGuard?.stop();
    this.diskGuard = undefined;
    clearInterval(this.idleTimer);
    this.monitor = undefined;
    this.sampler = undefined;
  }

  /** Pauses the projects idle past their timeout (lib/projects/idle.ts). */
  sweepIdle = (now?: Date) => sweepIdle(this.ctx, now);
  /** A request arrived for a sleeping project: wake it if it sleeps for idleness. */
  wakeProject = (ref: string) => wakeProject(this.ctx, ref);
  /** nginx asks before each request to a project asleep or waking: pass it to the gateway, or not (yet). */
  wakeGate = (ref: string, req: GateRequest, holdMs?: number) => wakeGate(this.ctx, ref, req, holdMs);
  /** The shared Postgres port asks where a TLS server name leads (lib/projects/pg-route.ts); a sleeping project is woken. */
  pgRoute = (serverName: string, upstreamHost: string, wakeMs?: number) => pgRoute(this.ctx, serverName, upstreamHost, wakeMs);

  /** The project's own idle timeout (null: the default). */
  async idleTimeoutOf(actor: SessionUser, ref: string): Promise<number | null> {
    return (await queries.findOwned(this.ctx, actor, ref, { action: "project.read" })).idleTimeoutMin;
  }

  /** The owner's (or admin's) idle timeout for a project: minutes, 0 = never, null = the default. */
  async setIdleTimeout(actor: SessionUser, input: unknown, opts: Scope = {}): Promise<void> {
    const { ref, minutes } = parseOrThrow(idleTimeoutSchema, input);
    const p = await queries.findOwned(this.ctx, actor, ref, opts);
    await this.ctx.db.project.update({ where: { id: p.id }, data: { idleTimeoutMin: minutes } });
  }

  /** The owner's (or admin's) frozen time for a project: minutes frozen before it is stopped, 0 = stopped at once, null = the default. */
  async setFrozenStop(actor: SessionUser, input: unknown, opts: Scope = {}): Promise<void> {
    const { ref, minutes } = parseOrThrow(frozenStopSchema, input);
    const p = await queries.findOwned(this.ctx, actor, ref, opts);
    await this.ctx.db.project.update({ where: { id: p.id }, data: { frozenStopMin: minutes } });
  }

  /** Measures every running project's databases against their disk quota now (the disk guard's step). */
  checkDisks = (now?: Date) => checkDisks(this.ctx, now);
  /** One usage sample of every running project now (the sampler's step; tests, benches). */
  sampleUsage = (now?: Date) => (this.sampler ?? (this.manualSampler ??= new UsageSampler(this.ctx))).sampleOnce(now);
  usageOf = (actor: SessionUser, ref: string) => usageOf(this.ctx, actor, ref);
  /** A project page's section: the summary, and on request usage and the idle setting, behind one ownership check. */
  pageView = (actor: SessionUser, ref: string, want?: { usage?: boolean; idle?: boolean }) => projectPageView(this.ctx, actor, ref, want);
  topConsumers = (actor: SessionUser, take?: number) => topConsumers(this.ctx, actor, take);

  // ---- the engine ---------------------------------------------------------------

  /** Start-up repair (see lib/projects/reconcile.ts). */
  reconcile(): Promise<ReconcileReport> {
    // An interrupted delete keeps its final backup too (ctx.beforeDelete) before it finishes.
    return reconcile(this.ctx, async (p) => {
      await this.ctx.beforeDelete?.(p);
      await lifecycle.finishDelete(this.ctx, p);
    });
  }

  /** Admin: what is on the engine besides this installation's projects. */
  async engineView(actor: SessionUser): Promise<EngineView> {
    assertAdmin(actor);
    return engineView(this.ctx);
  }

  /** Admin: the runtime's nodes (capacity, projects, state); null when it has none (one Docker engine). */
  async nodes(actor: SessionUser): Promise<NodeView[] | null> {
    assertAdmin(actor);
    return this.ctx.provisioner.placement ? this.ctx.provisioner.placement.nodes() : null;
  }

  /** Admin: a drained node keeps its projects and takes no new ones. */
  async setNodeDrained(actor: SessionUser, input: unknown): Promise<void> {
    assertAdmin(actor);
    const { nodeId, drained } = parseOrThrow(nodeDrainSchema, input);
    const placement = this.ctx.provisioner.placement;
    if (!placement) throw new InvalidStateError("This installation runs on one Docker engine: it has no nodes to drain (SUPAFLEET_ENGINE=swarm).");
    await placement.setNodeDrained(nodeId, drained);
  }

  /** Admin: give a quarantined stack back to an owner by account id (rebuilt from its sealed metadata). */
  async adoptStack(actor: SessionUser, input: unknown): Promise<RecoveryOutcome> {
    assertAdmin(actor);
    const { ref, ownerId } = parseOrThrow(adoptStackSchema, input);
    return this.ctx.jobs.withLock(ref, () => adoptQuarantined(this.ctx, ref, ownerId));
  }

  /** Admin: the account an email belongs to, shown before a quarantined stack is given to it. */
  async findAdoptionCandidate(actor: SessionUser, input: unknown): Promise<AdoptionCandidate> {
    assertAdmin(actor);
    const { ref, ownerEmail } = parseOrThrow(adoptionCandidateSchema, input);
    return adoptionCandidate(this.ctx, ref, ownerEmail);
  }

  /** Admin: remove a quarantined stack and its data, for good. */
  async purgeStack(actor: SessionUser, input: unknown): Promise<void> {
    assertAdmin(actor);
    const { ref } = parseOrThrow(purgeStackSchema, input);
    await this.ctx.jobs.withLock(ref, () => purgeQuarantined(this.ctx, ref));
  }

  // ---- jobs and helpers -----------------------------------------------------------

  waitForIdle = (ref: string) => this.ctx.jobs.waitForIdle(ref);
  waitForAllJobs = () => this.ctx.jobs.waitForAll();
  secretsOf = (p: { ref: string; secrets: string }) => secretsOf(this.ctx, p);
  specFor = (p: Parameters<typeof specFor>[1]) => specFor(this.ctx, p);
  applyProxy = () => applyProxy(this.ctx);

  // ---- Management API (lib/api) ---------------------------------------------------

  /** getProject plus the owner (the API names every project's organization: summary.organizationId). */
  async getProjectWithOwner(actor: SessionUser, ref: string, opts: Scope = {}): Promise<queries.ProjectSummary & { owner: { id: string; email: string } }> {
    const p = await queries.findOwned(this.ctx, actor, ref, { action: "project.read", ...opts });
    const owner = await this.ctx.db.user.findUniqueOrThrow({ where: { id: p.ownerId }, select: { id: true, email: true } });
    return { ...queries.summary(this.ctx, p), owner };
  }
}
