// Usage you can see: every 5 minutes the sampler records each running
// project's CPU, memory and network (and, hourly, its volumes' size) from the
// engine's counters; 24 hours are kept, older samples are pruned. The project
// page draws them; the admin console lists the top consumers.
import { ACTIVE_STATUSES, STATUS } from "@/lib/domain";
import { describeError } from "@/lib/errors";
import { assertAdmin, type SessionUser } from "@/lib/auth/actor";
import { type ProjectContext } from "@/lib/projects/context";
import { findOwned } from "@/lib/projects/queries";

export interface UsageOptions {
  stepMs?: number;
  diskEveryMs?: number;
  keepMs?: number;
}

export interface UsagePoint {
  at: string;
  cpuPercent: number;
  memoryMb: number;
  netRxKb: number;
  netTxKb: number;
  diskMb: number | null;
}

const DAY_MS = 24 * 3600_000;

export class UsageSampler {
  private timer: NodeJS.Timeout | undefined;
  private readonly lastNet = new Map<string, { rx: number; tx: number }>();
  private lastDiskAt = 0;
  private readonly stepMs: number;
  private readonly diskEveryMs: number;
  private readonly keepMs: number;

  constructor(
    private readonly ctx: ProjectContext,
    opts: UsageOptions = {},
  ) {
    this.stepMs = opts.stepMs ?? 300_000;
    this.diskEveryMs = opts.diskEveryMs ?? 3_600_000;
    this.keepMs = opts.keepMs ?? DAY_MS;
  }

  start(): void {
    const tick = () => {
      this.timer = setTimeout(
        () =>
          void this.sampleOnce()
            .catch((err: unknown) => console.error(`[supafleet] usage: ${describeError(err)}`))
            .finally(tick),
        this.stepMs,
      );
    };
    tick();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  /** One sample of every running project, then the prune. */
  async sampleOnce(now = new Date()): Promise<number> {
    const { ctx } = this;
    const projects = await ctx.db.project.findMany({ where: { status: { in: [...ACTIVE_STATUSES] } }, select: { id: true, ref: true } });
    const disk = now.getTime() - this.lastDiskAt >= this.diskEveryMs ? await ctx.provisioner.volumeSizes() : null;
    if (disk) this.lastDiskAt = now.getTime();
    let written = 0;
    for (const p of projects) {
      const u = await ctx.provisioner.usage(p.ref);
      if (!u) continue;
      // Counters restart with their containers; a drop means a restart, not negative traffic.
      const prev = this.lastNet.get(p.ref);
      const rx = prev && u.netRxBytes >= prev.rx ? u.netRxBytes - prev.rx : 0;
      const tx = prev && u.netTxBytes >= prev.tx ? u.netTxBytes - prev.tx : 0;
      this.lastNet.set(p.ref, { rx: u.netRxBytes, tx: u.netTxBytes });
      await ctx.db.usageSample.create({
        data: {
          projectId: p.id,
          at: now,
          cpuCentiPct: Math.round(u.cpuPercent * 100),
          memoryMb: Math.round(u.memoryBytes / 1024 / 1024),
          netRxKb: Math.round(rx / 1024),
          netTxKb: Math.round(tx / 1024),
          diskMb: disk ? Math.round((disk[p.ref] ?? 0) / 1024 / 1024) : null,
        },
      });
      written++;
    }
    await ctx.db.usageSample.deleteMany({ where: { at: { lt: new Date(now.getTime() - this.keepMs) } } });
    return written;
  }
}

function point(s: { at: Date; cpuCentiPct: number; memoryMb: number; netRxKb: number; netTxKb: number; diskMb: number | null }): UsagePoint {
  return { at: s.at.toISOString(), cpuPercent: s.cpuCentiPct / 100, memoryMb: s.memoryMb, netRxKb: s.netRxKb, netTxKb: s.netTxKb, diskMb: s.diskMb };
}

/** The project's last 24 hours, oldest first (owner only). */
export async function usageOf(ctx: ProjectContext, actor: SessionUser, ref: string): Promise<UsagePoint[]> {
  return usageSeries(ctx, (await findOwned(ctx, actor, ref, { action: "project.read" })).id);
}

/** A project's last 24 hours by its id: for callers that checked ownership already. */
export async function usageSeries(ctx: ProjectContext, projectId: string): Promise<UsagePoint[]> {
  const rows = await ctx.db.usageSample.findMany({
    where: { projectId, at: { gte: new Date(Date.now() - DAY_MS) } },
    orderBy: { at: "asc" },
    take: 2000,
  });
  return rows.map(point);
}

export interface Consumer extends UsagePoint {
  ref: string;
  name: string;
  ownerEmail: string;
}

/** Admin: each project's latest sample, the biggest memory users first. */
export async function topConsumers(ctx: ProjectContext, actor: SessionUser, take = 10): Promise<Consumer[]> {
  assertAdmin(actor);
  const latest = await ctx.db.usageSample.groupBy({ by: ["projectId"], _max: { at: true }, where: { at: { gte: new Date(Date.now() - DAY_MS) } } });
  const rows = await Promise.all(
    latest.map((l) =>
      ctx.db.usageSample.findFirst({
        where: { projectId: l.projectId, at: l._max.at ?? undefined },
        include: { project: { select: { ref: true, name: true, status: true, owner: { select: { email: true } } } } },
      }),
    ),
  );
  return rows
    .filter((r): r is NonNullable<typeof r> => r !== null && r.project.status !== STATUS.REMOVED)
    .map((r) => ({ ...point(r), ref: r.project.ref, name: r.project.name, ownerEmail: r.project.owner.email }))
    .sort((a, b) => b.memoryMb - a.memoryMb || b.cpuPercent - a.cpuPercent)
    .slice(0, take);
}
