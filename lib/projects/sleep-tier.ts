// The two sleep tiers of an idle project (lib/projects/idle.ts decides when):
// - frozen: its containers are suspended by the engine's freezer (Docker:
//   `docker pause`, the cgroup freezer). No CPU, no health checks, memory
//   kept; a request thaws it in about a tenth of a second.
// - stopped: its containers are stopped as an owner's pause does; memory freed,
//   a request starts it again (seconds).
// Both are the status INACTIVE, paused for idleness (Supabase's own status
// words, lib/domain.ts); `frozenAt` tells the tiers apart. It is written
// before the containers are suspended and cleared only once they are thawed
// or stopped, so a frozen stack always has its record (the reconcile at start
// settles one caught half way, lib/projects/reconcile.ts).
//
// A frozen project keeps its memory, so admission counts it as committed
// (lib/projects/admission.ts); a create or start that does not fit first
// stops the longest-frozen projects (makeRoom), so nothing is refused for
// memory a sleeping project holds. An engine without a freezer (Swarm)
// declares none (lib/stack/runtime-port.ts) and idle projects are stopped.
import { EVENT, STATUS, type SleepTier } from "@/lib/domain";
import { describeError } from "@/lib/errors";
import { budgetOf, commitment, hostResources } from "@/lib/projects/admission";
import type { ProjectCore } from "@/lib/projects/context";
import { eventBus, recordEvent } from "@/lib/projects/events";

/** Installation default of minutes frozen before stopped (SUPAFLEET_FROZEN_STOP_MIN). */
export const DEFAULT_FROZEN_STOP_MIN = 1440;

/** The tier a project sleeps in; null when it is not paused. */
export function sleepTierOf(p: { status: string; frozenAt?: Date | null }): SleepTier | null {
  if (p.status !== STATUS.INACTIVE) return null;
  return p.frozenAt ? "frozen" : "stopped";
}

/** Minutes a project stays frozen before it is stopped: its own, else the installation's; 0 = never frozen. */
export function frozenStopMinutes(ctx: ProjectCore, p: { frozenStopMin?: number | null }): number {
  return p.frozenStopMin ?? ctx.config.frozenStopMin ?? DEFAULT_FROZEN_STOP_MIN;
}

/** Whether an idle project sleeps frozen here: the engine has a freezer and the tier is on for it. */
export function freezes(ctx: ProjectCore, p: { frozenStopMin?: number | null }): boolean {
  return ctx.provisioner.freezer !== undefined && frozenStopMinutes(ctx, p) > 0;
}

function applyProxyQuietly(ctx: ProjectCore): Promise<void> {
  return ctx.proxy.apply().then(
    () => undefined,
    // The previous config stays live (the applier guarantees it).
    (err: unknown) => console.error(`[supafleet] proxy apply failed: ${describeError(err)}`),
  );
}

/**
 * Freezes an idle, healthy project (call under its lock). The record comes
 * first and nginx sends its requests to the wake gate before the containers
 * are suspended: a request meanwhile waits for the lock and thaws it again.
 * On failure nothing stays suspended and the project runs on.
 */
export async function freezeProject(ctx: ProjectCore, p: { id: string; ref: string }, message: string): Promise<void> {
  const freezer = ctx.provisioner.freezer;
  if (!freezer) throw new Error(`The ${ctx.provisioner.engineName} engine has no freezer.`);
  const at = new Date();
  await ctx.db.project.update({ where: { id: p.id }, data: { status: "INACTIVE", statusReason: null, pausedBy: "idle", pausedAt: at, frozenAt: at } });
  eventBus.publishStatus(p.ref, { status: "INACTIVE", statusReason: null });
  await applyProxyQuietly(ctx);
  try {
    await freezer.freeze(p.ref);
  } catch (err) {
    await ctx.db.project.update({ where: { id: p.id }, data: { status: "ACTIVE_HEALTHY", pausedBy: null, pausedAt: null, frozenAt: null } });
    eventBus.publishStatus(p.ref, { status: "ACTIVE_HEALTHY", statusReason: null });
    await recordEvent(ctx.db, p, "WARN", EVENT.sleepFailed, `Could not freeze it; it keeps running: ${describeError(err)}`);
    await applyProxyQuietly(ctx);
    throw err;
  }
  await recordEvent(ctx.db, p, "INFO", EVENT.sleepFrozen, message);
}

/**
 * Thaws a frozen project for a request (call under its lock). Its memory is
 * committed already, so no admission runs. Returns false, with the record
 * cleared (the stopped tier), when its stack was not frozen whole any more
 * (e.g. the engine restarted): the caller starts it as a stopped one.
 */
export async function thawProject(ctx: ProjectCore, p: { id: string; ref: string }): Promise<boolean> {
  const freezer = ctx.provisioner.freezer;
  if (!freezer || !(await freezer.thawWhole(p.ref))) {
    await ctx.db.project.update({ where: { id: p.id }, data: { frozenAt: null } });
    await recordEvent(ctx.db, p, "WARN", EVENT.sleepStopped, "Its frozen stack was no longer whole; starting it as a stopped one");
    return false;
  }
  // Healthy when frozen (only healthy projects are), and Docker's health checks resume now; the monitor watches it again.
  await ctx.db.project.update({
    where: { id: p.id },
    data: { status: "ACTIVE_HEALTHY", statusReason: null, pausedBy: null, pausedAt: null, frozenAt: null, lastActivityAt: new Date() },
  });
  eventBus.publishStatus(p.ref, { status: "ACTIVE_HEALTHY", statusReason: null });
  await recordEvent(ctx.db, p, "INFO", EVENT.sleepThawed, "Thawed by a request");
  // The gate passes its requests meanwhile: nginx need not be reloaded before the answer.
  void applyProxyQuietly(ctx);
  return true;
}

/** Stops a frozen project, freeing its memory (call under its lock). The record goes only once every container stopped. */
export async function stopFrozen(ctx: ProjectCore, p: { id: string; ref: string }, message: string): Promise<void> {
  // The engine's stop thaws first, so every service shuts down cleanly.
  await ctx.provisioner.pause(p.ref);
  await ctx.db.project.update({ where: { id: p.id }, data: { frozenAt: null } });
  await recordEvent(ctx.db, p, "INFO", EVENT.sleepStopped, message);
}

/** Stops the projects frozen longer than their limit; returns their refs. */
export async function sweepFrozen(ctx: ProjectCore, now = new Date()): Promise<string[]> {
  const stopped: string[] = [];
  const frozen = await ctx.db.project.findMany({
    where: { status: STATUS.INACTIVE, frozenAt: { not: null } },
    select: { id: true, ref: true, frozenAt: true, frozenStopMin: true },
  });
  for (const p of frozen) {
    const minutes = frozenStopMinutes(ctx, p);
    if (!p.frozenAt || ctx.jobs.has(p.ref) || now.getTime() - p.frozenAt.getTime() < minutes * 60_000) continue;
    try {
      const done = await ctx.jobs.withLock(p.ref, async () => {
        const fresh = await ctx.db.project.findUnique({ where: { id: p.id }, select: { status: true, frozenAt: true } });
        if (fresh?.status !== STATUS.INACTIVE || !fresh.frozenAt) return false;
        await stopFrozen(ctx, p, `Stopped after ${minutes} minute${minutes === 1 ? "" : "s"} frozen; its memory is free, the next request starts it`);
        return true;
      });
      if (done) stopped.push(p.ref);
    } catch (err) {
      console.error(`[supafleet] stopping frozen ${p.ref} failed: ${describeError(err)}`);
    }
  }
  return stopped;
}

/**
 * Before an admission of `needMb` (a create, a start): when it would not fit,
 * stops the longest-frozen projects until it does. Refs stopped are
 * returned; what still does not fit is refused by the admission itself.
 * Never waits on a project a job works on; the caller's own project
 * (`excludeId`) is never a candidate.
 */
export async function makeRoom(ctx: ProjectCore, needMb: number, excludeId?: string): Promise<string[]> {
  const host = await hostResources(ctx.config.diskPath);
  const c = await ctx.db.$transaction((tx) => commitment(tx, host, excludeId));
  let over = c.committedMb + needMb - c.capacityMb;
  if (over <= 0) return [];
  const frozen = await ctx.db.project.findMany({
    where: { status: STATUS.INACTIVE, frozenAt: { not: null }, ...(excludeId ? { id: { not: excludeId } } : {}) },
    orderBy: { frozenAt: "asc" },
    select: { id: true, ref: true, memoryMb: true, milliCpus: true },
  });
  const stopped: string[] = [];
  for (const p of frozen) {
    if (over <= 0) break;
    if (ctx.jobs.has(p.ref)) continue;
    try {
      const done = await ctx.jobs.withLock(p.ref, async () => {
        const fresh = await ctx.db.project.findUnique({ where: { id: p.id }, select: { status: true, frozenAt: true } });
        if (fresh?.status !== STATUS.INACTIVE || !fresh.frozenAt) return false;
        await stopFrozen(ctx, p, "Stopped to make room on this host for another project; the next request starts it");
        return true;
      });
      if (done) {
        over -= budgetOf(p).memoryMb;
        stopped.push(p.ref);
      }
    } catch (err) {
      console.error(`[supafleet] stopping frozen ${p.ref} for room failed: ${describeError(err)}`);
    }
  }
  return stopped;
}

/**
 * Before work that needs the stack either running or stopped (a backup, an
 * upgrade, a restore): a frozen project is stopped. Takes its lock only when
 * it is frozen; a caller holding the lock (a delete) calls stopFrozen itself first.
 */
export async function settleFrozen(ctx: ProjectCore, p: { id: string; ref: string }): Promise<void> {
  const frozen = async () => Boolean((await ctx.db.project.findUnique({ where: { id: p.id }, select: { frozenAt: true } }))?.frozenAt);
  if (!(await frozen())) return;
  await ctx.jobs.withLock(p.ref, async () => {
    if (await frozen()) await stopFrozen(ctx, p, "Stopped from its frozen sleep for a backup, upgrade or restore");
  });
}
