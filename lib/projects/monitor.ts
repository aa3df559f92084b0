// One health monitor per app process, started from lib/startup.ts: project
// status changes whether or not anyone has a page open. It follows the
// engine's event stream for this installation's containers (a container that
// dies is seen within a second) and sweeps every project periodically as a
// fallback; it writes the status and an event, and re-applies nginx when
// routing must change. Pages and routes only read.
import { EVENT, isStatusIn, STATUS, WATCHED_STATUSES } from "@/lib/domain";
import type { ProjectStatus } from "@/lib/domain";
import { recordEvent } from "@/lib/projects/events";
import { applyProxy, setStatus, type ProjectContext } from "@/lib/projects/context";
import { describeError } from "@/lib/errors";
import { deriveActiveStatus, expectedServices, unhealthyReason } from "@/lib/projects/status";

export interface MonitorOptions {
  /** Full sweep period, the fallback for missed events. */
  sweepMs?: number;
  /** Events for one ref within this window are checked once. */
  debounceMs?: number;
  /** Longest wait between attempts to reopen the event stream. */
  maxBackoffMs?: number;
}

export const ENGINE_UNREACHABLE = "The Docker engine is not reachable; the project's state is unknown until it answers again.";

export class Monitor {
  private readonly abort = new AbortController();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private engineDown = false;
  private connected = false;
  private readonly sweepMs: number;
  private readonly debounceMs: number;
  private readonly maxBackoffMs: number;

  constructor(
    private readonly ctx: ProjectContext,
    opts: MonitorOptions = {},
  ) {
    this.sweepMs = opts.sweepMs ?? 30_000;
    this.debounceMs = opts.debounceMs ?? 250;
    this.maxBackoffMs = opts.maxBackoffMs ?? 30_000;
  }

  /** True while the engine's event stream is open. */
  get watching(): boolean {
    return this.connected;
  }

  start(): void {
    void this.watchLoop();
    const tick = () => {
      this.sweepTimer = setTimeout(() => void this.sweep().finally(() => !this.abort.signal.aborted && tick()), this.sweepMs);
    };
    tick();
  }

  stop(): void {
    this.abort.abort();
    clearTimeout(this.sweepTimer);
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
  }

  private async watchLoop(): Promise<void> {
    let backoff = 500;
    while (!this.abort.signal.aborted) {
      try {
        const watching = this.ctx.provisioner.watch((ref) => this.schedule(ref), this.abort.signal);
        this.connected = true;
        backoff = 500;
        // Whatever happened while the stream was closed is caught up at once.
        void this.sweep();
        await watching;
      } catch (err) {
        if (!this.engineDown) console.warn(`[supafleet] monitor: engine events unavailable: ${describeError(err)}`);
      }
      this.connected = false;
      if (this.abort.signal.aborted) return;
      // The stream ended: the engine restarted or went away. Sweep (marks
      // projects UNKNOWN while it does not answer) and reconnect with backoff.
      await this.sweep();
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, this.maxBackoffMs);
    }
  }

  private schedule(ref: string): void {
    if (this.pending.has(ref)) return;
    this.pending.set(
      ref,
      setTimeout(() => {
        this.pending.delete(ref);
        void this.check(ref).catch((err: unknown) => console.error(`[supafleet] monitor: ${ref}: ${describeError(err)}`));
      }, this.debounceMs),
    );
  }

  /** Checks every project the monitor watches. */
  async sweep(): Promise<void> {
    if (this.abort.signal.aborted) return;
    const projects = await this.ctx.db.project.findMany({ where: { status: { in: [...WATCHED_STATUSES] } }, select: { ref: true } });
    try {
      await this.ctx.provisioner.listStacks();
      this.engineDown = false;
    } catch (err) {
      if (!this.engineDown) console.warn(`[supafleet] monitor: engine unreachable: ${describeError(err)}`);
      this.engineDown = true;
    }
    for (const p of projects) await this.check(p.ref).catch((err: unknown) => console.error(`[supafleet] monitor: ${p.ref}: ${describeError(err)}`));
  }

  /** Re-derives one project's status from the engine and stores it when it changed. */
  async check(ref: string): Promise<ProjectStatus | null> {
    const { ctx } = this;
    const p = await ctx.db.project.findUnique({ where: { ref } });
    // A running job (create, resume, restart, delete) owns the status meanwhile.
    if (!p || !isStatusIn(p.status, WATCHED_STATUSES) || ctx.jobs.has(ref)) return p?.status ?? null;
    // UNKNOWN for another reason (a failed delete, data volumes gone) is for a person to resolve.
    if (p.status === STATUS.UNKNOWN && p.statusReason !== ENGINE_UNREACHABLE) return p.status;
    let next: ProjectStatus;
    let reason: string | null;
    try {
      const services = await ctx.provisioner.status(ref);
      const expected = expectedServices(ctx, p);
      next = deriveActiveStatus(services, expected);
      reason = next === STATUS.ACTIVE_UNHEALTHY ? unhealthyReason(services, expected) : null;
    } catch (err) {
      next = "UNKNOWN";
      reason = ENGINE_UNREACHABLE;
      if (!this.engineDown) console.warn(`[supafleet] monitor: ${ref}: ${describeError(err)}`);
    }
    if (next === p.status && reason === p.statusReason) return next;
    // The lock keeps the write from racing an owner's pause or delete.
    return ctx.jobs.withLock(ref, async () => {
      const now = await ctx.db.project.findUnique({ where: { ref }, select: { status: true } });
      if (!now || now.status !== p.status || ctx.jobs.has(ref)) return now?.status ?? null;
      await setStatus(ctx, p.id, next, reason);
      if (next !== p.status) {
        const message = next === STATUS.ACTIVE_HEALTHY ? "All services healthy" : (reason ?? next);
        await recordEvent(ctx.db, p, next === STATUS.ACTIVE_HEALTHY ? "INFO" : "WARN", EVENT.healthChanged, message);
        await applyProxy(ctx);
      }
      return next;
    });
  }
}
