// Auto-pause and wake. Idle means no request reached the project through
// nginx (its activity log, lib/proxy/activity.ts) for longer than its idle
// timeout (its own, else the installation's default; 0 = never). The sweep
// pauses such projects, marked as paused for idleness: first frozen where the
// engine can, then stopped after a longer time (lib/projects/sleep-tier.ts);
// an unhealthy one is stopped at once. nginx then asks the
// app's wake gate before each of their requests (lib/projects/wake-gate.ts),
// which starts them again: the first request wakes the project, concurrent
// ones find it waking. A project paused by its owner or an admin stays paused,
// and so does every project of a disabled owner.
import { ACTIVE_STATUSES, EVENT, isStatusIn, STARTING_STATUSES, STATUS } from "@/lib/domain";
import { isAppError, describeError } from "@/lib/errors";
import { type ProjectContext } from "@/lib/projects/context";
import { pauseStack, resumeStack } from "@/lib/projects/lifecycle";
import { freezeProject, freezes, sweepFrozen, thawProject } from "@/lib/projects/sleep-tier";

export interface IdleReport {
  /** projects whose activity time moved */
  seen: number;
  /** refs paused for idleness by this sweep (frozen or stopped) */
  paused: string[];
  /** of those, the refs frozen */
  frozen: string[];
  /** frozen refs stopped by this sweep after their frozen time */
  stopped: string[];
}

/** Minutes of idleness a project is allowed; 0 = never paused. */
export function effectiveIdleMinutes(project: { idleTimeoutMin: number | null }, defaultMin: number): number {
  return project.idleTimeoutMin ?? defaultMin;
}

export async function sweepIdle(ctx: ProjectContext, now = new Date()): Promise<IdleReport> {
  const report: IdleReport = { seen: 0, paused: [], frozen: [], stopped: [] };
  if (ctx.activity) {
    for (const [ref, at] of await ctx.activity.read()) {
      const r = await ctx.db.project.updateMany({
        where: { ref, OR: [{ lastActivityAt: null }, { lastActivityAt: { lt: at } }] },
        data: { lastActivityAt: at },
      });
      report.seen += r.count;
    }
  }
  const settings = await ctx.db.systemSettings.upsert({ where: { id: 1 }, create: { id: 1 }, update: {} });
  const candidates = await ctx.db.project.findMany({
    where: { status: { in: [...ACTIVE_STATUSES] } },
    select: { id: true, ref: true, idleTimeoutMin: true, frozenStopMin: true, lastActivityAt: true, activatedAt: true, createdAt: true },
  });
  for (const p of candidates) {
    const minutes = effectiveIdleMinutes(p, settings.idleTimeoutMin);
    if (minutes <= 0 || ctx.jobs.has(p.ref)) continue;
    const last = p.lastActivityAt ?? p.activatedAt ?? p.createdAt;
    if (now.getTime() - last.getTime() < minutes * 60_000) continue;
    try {
      await ctx.jobs.withLock(p.ref, async () => {
        // Re-read under the lock: a request or an owner may have got there first.
        const fresh = await ctx.db.project.findUnique({ where: { id: p.id } });
        if (!fresh || !isStatusIn(fresh.status, ACTIVE_STATUSES) || (fresh.lastActivityAt && fresh.lastActivityAt > last)) return;
        const message = `Paused after ${formatMinutes(minutes)} without a request; the next request wakes it`;
        // A broken stack is not kept in memory: only a healthy one is frozen.
        if (fresh.status === STATUS.ACTIVE_HEALTHY && freezes(ctx, fresh)) {
          await freezeProject(ctx, fresh, `${message} (frozen: memory kept)`);
          report.frozen.push(p.ref);
        } else await pauseStack(ctx, fresh, "idle", message);
        report.paused.push(p.ref);
      });
    } catch (err) {
      console.error(`[supafleet] idle pause of ${p.ref} failed: ${describeError(err)}`);
    }
  }
  report.stopped = await sweepFrozen(ctx, now);
  return report;
}

export type WakeState = "awake" | "waking" | "paused" | "no_room" | "unavailable" | "not_found";

/** A request for `ref` arrived while it was not running: start it if it only sleeps. Idempotent. */
export async function wakeProject(ctx: ProjectContext, ref: string): Promise<WakeState> {
  const quick = await ctx.db.project.findFirst({
    where: { ref, status: { not: STATUS.REMOVED } },
    select: { status: true, pausedBy: true, owner: { select: { disabled: true } } },
  });
  if (!quick) return "not_found";
  // A disabled owner's projects are never woken by a request.
  if (quick.owner.disabled && !isStatusIn(quick.status, ACTIVE_STATUSES)) return "paused";
  if (isStatusIn(quick.status, ACTIVE_STATUSES)) return "awake";
  if (isStatusIn(quick.status, STARTING_STATUSES)) return "waking";
  if (quick.status !== STATUS.INACTIVE) return "unavailable";
  if (quick.pausedBy !== "idle") return "paused";
  return ctx.jobs.withLock(ref, async (): Promise<WakeState> => {
    // Many requests race here; the first one through the lock wakes it.
    const p = await ctx.db.project.findFirst({ where: { ref, status: { not: STATUS.REMOVED } }, include: { owner: { select: { disabled: true } } } });
    if (!p) return "not_found";
    if (p.status !== STATUS.INACTIVE) return isStatusIn(p.status, ACTIVE_STATUSES) ? "awake" : "waking";
    if (p.pausedBy !== "idle" || p.owner.disabled) return "paused";
    // Frozen: thawed in place, its memory was committed all along.
    if (p.frozenAt && (await thawProject(ctx, p))) return "awake";
    try {
      // nginx already sends the project's requests through the wake gate to
      // its gateway (lib/proxy/render-nginx-config.ts): no reload is needed
      // until the start ends, and the gate lets API requests through as soon
      // as the request path is healthy (lib/projects/wake-gate.ts).
      await resumeStack(ctx, p, EVENT.wakeRequested, "Woken by a request after an idle pause", { wake: true });
      return "waking";
    } catch (err) {
      if (isAppError(err, "capacity_exceeded")) return "no_room";
      throw err;
    }
  });
}

function formatMinutes(m: number): string {
  if (m % 1440 === 0) return `${m / 1440} day${m === 1440 ? "" : "s"}`;
  if (m % 60 === 0) return `${m / 60} hour${m === 60 ? "" : "s"}`;
  return `${m} minute${m === 1 ? "" : "s"}`;
}
