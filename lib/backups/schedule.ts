// The daily schedule, retention and purge, as one bounded loop per process:
// every few minutes it removes what retention and the soft-delete window no
// longer keep, then backs up, one at a time, the projects whose last
// scheduled backup is a day old (a failed attempt is tried again after an hour).
import type { Db } from "@/lib/db/client";
import { PROJECT_FOR_SPEC } from "@/lib/projects/context";
import { describeError } from "@/lib/errors";
import { defaultPlanId, getSystemSettings } from "@/lib/settings/service";
import type { BackupContext } from "@/lib/backups/context";
import { takeBackup } from "@/lib/backups/take";
import { pruneWal, windowAnchor } from "@/lib/backups/pitr/prune";
import { BACKUPABLE_STATUSES, STATUS } from "@/lib/domain";

const DAY = 86_400_000;
export const RETRY_AFTER_MS = 3_600_000;
const PER_TICK = 50;

/** Days the project's scheduled and manual backups are kept: its owner's plan's, else the default. */
export async function retentionDays(db: Db, ownerId: string): Promise<number> {
  const settings = await getSystemSettings(db);
  const owner = await db.user.findUnique({ where: { id: ownerId }, include: { plan: true } });
  const fallback = owner?.plan ? null : await defaultPlanId(db);
  const plan = owner?.plan ?? (fallback ? await db.plan.findUnique({ where: { id: fallback } }) : null);
  return plan?.backupRetentionDays ?? settings.backupRetentionDays;
}

async function removeBackup(b: BackupContext, backup: { id: string; objectKey: string }): Promise<void> {
  await b.store.remove(backup.objectKey);
  await b.db.backup.delete({ where: { id: backup.id } });
}

/** Retention for live projects (the newest good backup is always kept) and purge of deleted ones past their window. */
export async function pruneBackups(b: BackupContext, now = new Date()): Promise<{ removed: number; purged: number }> {
  const { db } = b;
  const settings = await getSystemSettings(db);
  let removed = 0;
  let purged = 0;
  const deleted = await db.project.findMany({
    where: {
      status: "REMOVED",
      removedAt: { lt: new Date(now.getTime() - settings.softDeleteDays * DAY) },
      OR: [{ backups: { some: {} } }, { backupKey: { not: null } }],
    },
    take: PER_TICK,
  });
  for (const p of deleted) {
    for (const backup of await db.backup.findMany({ where: { projectId: p.id, status: { not: "RUNNING" } } })) {
      await removeBackup(b, backup);
      purged++;
    }
    await pruneWal(b, p.id, now, true);
    if (!(await db.backup.count({ where: { projectId: p.id } }))) await db.project.update({ where: { id: p.id }, data: { backupKey: null } });
  }
  const live = await db.project.findMany({
    where: { status: { not: STATUS.REMOVED }, backups: { some: { status: { not: "RUNNING" } } } },
    select: { id: true, ownerId: true },
  });
  for (const p of live) {
    const cutoff = new Date(now.getTime() - (await retentionDays(db, p.ownerId)) * DAY);
    const newestGood = await db.backup.findFirst({ where: { projectId: p.id, status: "SUCCEEDED" }, orderBy: { startedAt: "desc" }, select: { id: true } });
    // With point-in-time recovery, the base backup the window starts from stays too (lib/backups/pitr/prune.ts).
    const anchor = b.projects.config.walArchive ? await windowAnchor(b, p.id, cutoff) : null;
    const old = await db.backup.findMany({
      where: { projectId: p.id, status: { not: "RUNNING" }, startedAt: { lt: cutoff }, id: { notIn: [newestGood?.id ?? "", anchor?.id ?? ""] } },
    });
    for (const backup of old) {
      await removeBackup(b, backup);
      removed++;
    }
    await pruneWal(b, p.id, cutoff);
  }
  return { removed, purged };
}

/** Due: no good scheduled backup within a day, and no attempt within the last hour (a failed one is retried then). Pure. */
export function isDue(last: { lastGoodAt: Date | null; lastTryAt: Date | null }, now: Date): boolean {
  if (last.lastGoodAt && now.getTime() - last.lastGoodAt.getTime() < DAY) return false;
  if (last.lastTryAt && now.getTime() - last.lastTryAt.getTime() < RETRY_AFTER_MS) return false;
  return true;
}

/** Live, once-active projects whose last scheduled backup is a day old (or failed over an hour ago). */
export async function dueProjects(db: Db, now = new Date()) {
  const candidates = await db.project.findMany({
    where: { status: { in: [...BACKUPABLE_STATUSES] }, activatedAt: { not: null } },
    include: PROJECT_FOR_SPEC,
    orderBy: { createdAt: "asc" },
  });
  const due = [];
  for (const p of candidates) {
    const lastGood = await db.backup.findFirst({ where: { projectId: p.id, kind: "SCHEDULED", status: "SUCCEEDED" }, orderBy: { startedAt: "desc" } });
    const lastTry = await db.backup.findFirst({ where: { projectId: p.id, kind: "SCHEDULED" }, orderBy: { startedAt: "desc" } });
    if (!isDue({ lastGoodAt: lastGood?.startedAt ?? null, lastTryAt: lastTry?.startedAt ?? null }, now)) continue;
    due.push(p);
    if (due.length >= PER_TICK) break;
  }
  return due;
}

export class BackupScheduler {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | null = null;

  constructor(private readonly b: BackupContext) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.b.config.scheduleEveryMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass: prune, then back up what is due, one after another. Never two passes at once. */
  tick(now = new Date()): Promise<void> {
    this.ticking ??= (async () => {
      try {
        await pruneBackups(this.b, now).catch((err: unknown) => console.error(`[supafleet] backup retention failed: ${describeError(err)}`));
        for (const p of await dueProjects(this.b.db, now)) {
          // Failures are recorded on the backup row and the project's events.
          await takeBackup(this.b, p, "SCHEDULED").catch(() => undefined);
        }
      } catch (err) {
        console.error(`[supafleet] scheduled backups failed: ${describeError(err)}`);
      } finally {
        this.ticking = null;
      }
    })();
    return this.ticking;
  }
}
