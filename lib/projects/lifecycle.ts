// The owner's (or admin's) lifecycle actions: create, retry, pause, resume,
// restart, delete. Each checks ownership and state, records its intent, and
// hands the long part to a background job (lib/projects/provision.ts).
import { ACTIVE_STATUSES, EVENT, isStatusIn, startEvent, STATUS } from "@/lib/domain";
import { ForbiddenError, InvalidStateError, describeError } from "@/lib/errors";
import { LATEST_STACK_VERSION } from "@/lib/stack/template";
import type { SessionUser } from "@/lib/auth/actor";
import { parseOrThrow } from "@/lib/auth/actor";
import { createProjectSchema, deleteProjectSchema } from "@/lib/validations/project";
import type { EventKind, PausedBy } from "@/lib/domain";
import { eventBus, recordEvent } from "@/lib/projects/events";
import { applyProxy, setStatus, type ProjectContext } from "@/lib/projects/context";
import { leasePorts, retryOnUnique } from "@/lib/projects/leases";
import { admit, budgetOf, hostResources } from "@/lib/projects/admission";
import { leaseSubnet } from "@/lib/projects/subnets";
import { startProvision } from "@/lib/projects/provision";
import { findOwned, summary, type ProjectSummary, type ScopeOptions } from "@/lib/projects/queries";
import { insertNewProject } from "@/lib/projects/new-project";
import { makeRoom, stopFrozen, thawProject } from "@/lib/projects/sleep-tier";

export async function createProject(ctx: ProjectContext, actor: SessionUser, input: unknown): Promise<ProjectSummary> {
  const data = parseOrThrow(createProjectSchema, input);
  const project = await insertNewProject(
    ctx,
    actor.id,
    // New projects get the newest template (unless configured otherwise); they keep it until upgraded.
    {
      name: data.name,
      region: data.region ?? null,
      stackVersion: ctx.config.newProjectStackVersion ?? LATEST_STACK_VERSION,
      organizationId: data.organization,
    },
    { checkPlacement: true },
  );
  await recordEvent(ctx.db, project, "INFO", EVENT.createRequested, `Project “${project.name}” requested`);
  startProvision(ctx, project, "create");
  return summary(ctx, project);
}

/** INIT_FAILED → COMING_UP again, with fresh port leases. */
export async function retryProject(ctx: ProjectContext, actor: SessionUser, ref: string, opts: ScopeOptions = {}): Promise<ProjectSummary> {
  return ctx.jobs.withLock(ref, async () => {
    const p = await findOwned(ctx, actor, ref, { ...opts, action: "project.run" });
    if (p.status !== STATUS.INIT_FAILED) throw new InvalidStateError("Only a project whose creation failed can be retried.");
    // A retry makes an empty project; a failed clone must be cloned again instead.
    if (await ctx.db.restore.findFirst({ where: { projectId: p.id, kind: "CLONE" } }))
      throw new InvalidStateError("A clone that failed cannot be retried: delete it and clone the backup again.");
    await makeRoom(ctx, budgetOf(p).memoryMb, p.id);
    const [held, subnetsInUse, host] = await Promise.all([
      ctx.provisioner.usedHostPorts(),
      ctx.config.subnetPool ? ctx.provisioner.usedSubnets() : [],
      hostResources(ctx.config.diskPath),
    ]);
    await retryOnUnique(() =>
      ctx.db.$transaction(async (tx) => {
        await admit(tx, host, budgetOf(p).memoryMb, p.id);
        await tx.portLease.deleteMany({ where: { projectId: p.id } });
        await tx.subnetLease.deleteMany({ where: { projectId: p.id } });
        await leasePorts(tx, p.id, ctx.config.portRange, held);
        if (ctx.config.subnetPool) await leaseSubnet(tx, p.id, ctx.config.subnetPool, subnetsInUse);
        await tx.project.update({ where: { id: p.id }, data: { status: "COMING_UP", statusReason: null } });
      }),
    );
    eventBus.publishStatus(p.ref, { status: "COMING_UP", statusReason: null });
    await recordEvent(ctx.db, p, "INFO", EVENT.createRetry, "Retrying project creation");
    startProvision(ctx, p, "create");
    return summary(ctx, { ...p, status: "COMING_UP", statusReason: null });
  });
}

export async function pauseProject(ctx: ProjectContext, actor: SessionUser, ref: string, opts: ScopeOptions = {}): Promise<ProjectSummary> {
  return ctx.jobs.withLock(ref, async () => {
    const p = await findOwned(ctx, actor, ref, { ...opts, action: "project.run" });
    if (!isStatusIn(p.status, ACTIVE_STATUSES)) throw new InvalidStateError(`A project that is ${p.status} cannot be paused.`);
    const by: PausedBy = opts.asAdmin && actor.role === "ADMIN" && p.ownerId !== actor.id ? "admin" : "owner";
    await pauseStack(ctx, p, by, by === "admin" ? "Paused by an administrator" : "Project paused");
    return summary(ctx, { ...p, status: "INACTIVE", statusReason: null });
  });
}

/**
 * Stops the stack, keeps its data, and records who paused it: only a pause
 * for idleness is undone by the project's next request (lib/projects/idle.ts).
 * Call under the project's lock, on an active project.
 */
export async function pauseStack(ctx: ProjectContext, p: { id: string; ref: string }, by: PausedBy, message: string): Promise<void> {
  await setStatus(ctx, p.id, "PAUSING", null);
  await recordEvent(ctx.db, p, "INFO", EVENT.pauseStarted, "Pausing: stopping containers, keeping data");
  await applyProxy(ctx);
  try {
    await ctx.provisioner.pause(p.ref);
  } catch (err) {
    const reason = describeError(err);
    await recordEvent(ctx.db, p, "ERROR", EVENT.pauseFailed, reason);
    await setStatus(ctx, p.id, "ACTIVE_UNHEALTHY", `Pause failed: ${reason}`);
    await applyProxy(ctx);
    throw err;
  }
  await ctx.db.project.update({ where: { id: p.id }, data: { pausedBy: by, pausedAt: new Date() } });
  await setStatus(ctx, p.id, "INACTIVE", null);
  await recordEvent(ctx.db, p, "INFO", by === "idle" ? EVENT.pauseIdle : EVENT.pauseSucceeded, message);
  await applyProxy(ctx);
}

async function startAgain(ctx: ProjectContext, actor: SessionUser, ref: string, opts: ScopeOptions, mode: "resume" | "restart"): Promise<ProjectSummary> {
  return ctx.jobs.withLock(ref, async () => {
    const p = await findOwned(ctx, actor, ref, { ...opts, action: "project.run" });
    const allowed = mode === "resume" ? p.status === STATUS.INACTIVE : isStatusIn(p.status, ACTIVE_STATUSES);
    if (!allowed) throw new InvalidStateError(`A project that is ${p.status} cannot be ${mode === "resume" ? "resumed" : "restarted"}.`);
    // An administrator's pause sticks: only an administrator undoes it.
    if (mode === "resume" && p.pausedBy === "admin" && !(opts.asAdmin && actor.role === "ADMIN"))
      throw new ForbiddenError("An administrator paused this project: only an administrator can resume it.");
    // A frozen one is thawed in place (lib/projects/sleep-tier.ts); one no longer frozen whole starts as a stopped one.
    if (mode === "resume" && p.frozenAt && (await thawProject(ctx, p))) return summary(ctx, { ...p, status: "ACTIVE_HEALTHY", statusReason: null });
    if (mode === "resume") {
      await resumeStack(ctx, p, startEvent("resume", "requested"), "Resuming project");
    } else {
      await setStatus(ctx, p.id, "RESTORING", null);
      await recordEvent(ctx.db, p, "INFO", startEvent(mode, "requested"), "Restarting all services");
      startProvision(ctx, p, mode);
    }
    return summary(ctx, { ...p, status: "RESTORING", statusReason: null });
  });
}

/**
 * Starts a paused project again (call under its lock). A paused project
 * commits nothing, so its start must fit like a create: admission runs in the
 * same transaction that marks it RESTORING, and refuses before anything runs.
 */
export async function resumeStack(
  ctx: ProjectContext,
  p: { id: string; ref: string; memoryMb: number | null; milliCpus: number | null },
  kind: EventKind,
  message: string,
  opts: { wake?: boolean } = {},
): Promise<void> {
  // Frozen projects hold memory a start may need: the longest-frozen are stopped first.
  await makeRoom(ctx, budgetOf(p).memoryMb, p.id);
  const host = await hostResources(ctx.config.diskPath);
  await ctx.db.$transaction(async (tx) => {
    await admit(tx, host, budgetOf(p).memoryMb, p.id);
    // A wake keeps "paused for idleness" until its start ends: nginx keeps the
    // project behind the wake gate meanwhile (lib/projects/wake-gate.ts).
    const paused = opts.wake ? {} : { pausedBy: null, pausedAt: null };
    await tx.project.update({ where: { id: p.id }, data: { status: "RESTORING", statusReason: null, ...paused, lastActivityAt: new Date() } });
  });
  eventBus.publishStatus(p.ref, { status: "RESTORING", statusReason: null });
  await recordEvent(ctx.db, p, "INFO", kind, message);
  startProvision(ctx, p, "resume");
}

/**
 * Admin: a disabled owner's projects stop serving. Running ones are paused as
 * by an administrator, one asleep for idleness becomes paused by an
 * administrator (no request wakes it any more), and one starting is paused
 * once its start ends. Each project on its own: one that fails to pause does
 * not keep the others running. Returns the refs paused and those that failed.
 */
export async function pauseOwnerProjects(ctx: ProjectContext, actor: SessionUser, ownerId: string): Promise<{ paused: string[]; failed: string[] }> {
  const out = { paused: [] as string[], failed: [] as string[] };
  const projects = await ctx.db.project.findMany({ where: { ownerId, status: { not: STATUS.REMOVED } }, select: { ref: true } });
  for (const { ref } of projects) {
    try {
      await ctx.jobs.waitForIdle(ref);
      const p = await ctx.db.project.findFirst({ where: { ref, status: { not: STATUS.REMOVED } } });
      if (!p) continue;
      if (isStatusIn(p.status, ACTIVE_STATUSES)) {
        await pauseProject(ctx, actor, ref, { asAdmin: true });
        out.paused.push(ref);
      } else if (p.status === STATUS.INACTIVE && p.pausedBy !== "admin") {
        await ctx.jobs.withLock(ref, () => ctx.db.project.update({ where: { id: p.id }, data: { pausedBy: "admin" } }));
        out.paused.push(ref);
      }
    } catch (err) {
      console.error(`[supafleet] pausing ${ref} of a disabled owner failed: ${describeError(err)}`);
      out.failed.push(ref);
    }
  }
  return out;
}

export function resumeProject(ctx: ProjectContext, actor: SessionUser, ref: string, opts: ScopeOptions = {}): Promise<ProjectSummary> {
  return startAgain(ctx, actor, ref, opts, "resume");
}

export function restartProject(ctx: ProjectContext, actor: SessionUser, ref: string, opts: ScopeOptions = {}): Promise<ProjectSummary> {
  return startAgain(ctx, actor, ref, opts, "restart");
}

export async function deleteProject(
  ctx: ProjectContext,
  actor: SessionUser,
  input: { ref: string; confirmRef: string },
  opts: ScopeOptions = {},
): Promise<void> {
  const { ref } = parseOrThrow(deleteProjectSchema, input);
  const p = await findOwned(ctx, actor, ref, { ...opts, action: "project.delete" });
  await recordEvent(ctx.db, p, "INFO", EVENT.deleteIntent, "Deleting project: containers, volumes, network, ports");
  // A create or resume in flight is cancelled first; it rolls itself back.
  await ctx.jobs.cancel(ref);
  await ctx.jobs.withLock(ref, async () => {
    try {
      // Its final backup reads a stopped database: a frozen one is stopped first (we hold its lock).
      if (p.frozenAt) await stopFrozen(ctx, p, "Stopped from its frozen sleep to be deleted");
      await ctx.beforeDelete?.(p);
      await finishDelete(ctx, p);
    } catch (err) {
      const reason = describeError(err);
      await recordEvent(ctx.db, p, "ERROR", EVENT.deleteFailed, reason);
      await setStatus(ctx, p.id, "UNKNOWN", `Delete failed, try again: ${reason}`);
      throw err;
    }
    await applyProxy(ctx);
  });
}

/**
 * The owner asked for it: removes everything labelled with the ref by this
 * installation, volumes included, frees the leases and marks the row
 * REMOVED. The only path (with the rollback of a never-active create) that
 * removes a project's volumes. Idempotent.
 */
export async function finishDelete(ctx: ProjectContext, p: { id: string; ref: string }): Promise<void> {
  await ctx.provisioner.destroy(p.ref);
  await ctx.db.$transaction(async (tx) => {
    await tx.portLease.deleteMany({ where: { projectId: p.id } });
    await tx.subnetLease.deleteMany({ where: { projectId: p.id } });
    // Removed projects keep their history but no secrets.
    await tx.project.update({ where: { id: p.id }, data: { status: "REMOVED", statusReason: null, removedAt: new Date(), secrets: "" } });
  });
  eventBus.publishStatus(p.ref, { status: "REMOVED", statusReason: null });
  await recordEvent(ctx.db, p, "INFO", EVENT.deleteSucceeded, "Project deleted");
  eventBus.clear(p.ref);
}
