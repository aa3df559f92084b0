// A project's database disk is a quota, not a share of the host's disk. As
// Supabase's platform does when a database's disk is nearly full, each
// running project's databases are measured regularly; at 80 % of its plan's
// quota the owner is warned, at 95 % the database goes read-only
// (default_transaction_read_only for the `postgres` database, where the
// project's data lives), and it is writable again once its size is back
// under the line or the quota grows.
//
// Read-only is Postgres' own default for new transactions, so reads work as
// before, and a session may turn it off for itself to delete data
// (`SET default_transaction_read_only = off`), as Supabase documents for its
// read-only mode. Sessions open at the switch keep their old default, so
// they are ended (the services reconnect) and pick up the new one.
// Measured with pg_database_size through the runtime's superuser session;
// runtimes without one (Swarm) are not measured, and say so.
import { EVENT, isStatusIn, ACTIVE_STATUSES } from "@/lib/domain";
import type { Db } from "@/lib/db/client";
import { secretsOf, type ProjectContext } from "@/lib/projects/context";
import { describeError } from "@/lib/errors";
import { recordEvent } from "@/lib/projects/events";
import { effectivePlan } from "@/lib/projects/admission";
import { dataOpsOf } from "@/lib/stack/runtime-port";

export const DISK_WARN_PERCENT = 80;
export const DISK_READ_ONLY_PERCENT = 95;

export type DiskState = "ok" | "warn" | "read_only";

/** Where a database of `usedMb` stands against `quotaMb` (pure). */
export function diskState(usedMb: number, quotaMb: number): DiskState {
  const pct = (usedMb * 100) / quotaMb;
  if (pct >= DISK_READ_ONLY_PERCENT) return "read_only";
  if (pct >= DISK_WARN_PERCENT) return "warn";
  return "ok";
}

/** Every database of the cluster: the data, and Supabase's own `_supabase`. */
const SIZE_SQL = "SELECT sum(pg_database_size(oid))::bigint FROM pg_database;";

// Ends the sessions opened under the old default (clients of the project's
// services and users); Supafleet's own superuser session stays.
const END_SESSIONS =
  "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = 'postgres' AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND usename <> 'supabase_admin';";

// Supafleet's own session starts read-only too once the database is: it turns that off for itself first.
const OWN_SESSION_WRITABLE = "SET default_transaction_read_only = off;";
export const READ_ONLY_SQL = `${OWN_SESSION_WRITABLE} ALTER DATABASE postgres SET default_transaction_read_only = on; ${END_SESSIONS}`;
export const WRITABLE_SQL = `${OWN_SESSION_WRITABLE} ALTER DATABASE postgres RESET default_transaction_read_only; ${END_SESSIONS}`;

/** The database disk quota (MiB) of a user's projects: their plan's, else the installation's default. */
export async function dbDiskQuotaMb(db: Db, ownerId: string, defaultDbDiskMb: number): Promise<number> {
  return (await effectivePlan(db, ownerId))?.dbDiskMb ?? defaultDbDiskMb;
}

export interface DiskCheckReport {
  measured: number;
  readOnly: string[];
  writable: string[];
  warned: string[];
  errors: string[];
}

/** Measures every running project's databases and applies the quota's lines. */
export async function checkDisks(ctx: ProjectContext, now = new Date()): Promise<DiskCheckReport> {
  const report: DiskCheckReport = { measured: 0, readOnly: [], writable: [], warned: [], errors: [] };
  // Measuring runs SQL in the project's database: an engine without data operations (Swarm) has nothing to check.
  if (!ctx.provisioner.data) return report;
  const projects = await ctx.db.project.findMany({ where: { status: { in: [...ACTIVE_STATUSES] } } });
  // Read once per pass: the installation's default quota for plans without their own.
  const { defaultDbDiskMb } = await ctx.db.systemSettings.upsert({ where: { id: 1 }, create: { id: 1 }, update: {}, select: { defaultDbDiskMb: true } });
  for (const p of projects) {
    try {
      await checkOne(ctx, p, now, defaultDbDiskMb, report);
    } catch (err) {
      report.errors.push(`${p.ref}: ${describeError(err)}`);
    }
  }
  return report;
}

type ProjectRow = Awaited<ReturnType<ProjectContext["db"]["project"]["findMany"]>>[number];

async function checkOne(ctx: ProjectContext, p: ProjectRow, now: Date, defaultDbDiskMb: number, report: DiskCheckReport): Promise<void> {
  const password = secretsOf(ctx, p).postgresPassword;
  const out = await dataOpsOf(ctx.provisioner, "backups").runSql(p.ref, SIZE_SQL, { password });
  const bytes = Number(out.trim().split("\n").pop());
  if (!Number.isFinite(bytes) || bytes <= 0) throw new Error(`unexpected size answer: ${JSON.stringify(out.slice(0, 100))}`);
  const usedMb = Math.ceil(bytes / 1024 / 1024);
  const quotaMb = await dbDiskQuotaMb(ctx.db, p.ownerId, defaultDbDiskMb);
  const state = diskState(usedMb, quotaMb);
  report.measured++;
  const pct = Math.round((usedMb * 100) / quotaMb);
  const data: { dbSizeMb: number; dbSizeAt: Date; dbDiskQuotaMb: number; dbReadOnly?: boolean; dbDiskWarnedAt?: Date | null } = {
    dbSizeMb: usedMb,
    dbSizeAt: now,
    dbDiskQuotaMb: quotaMb,
  };
  if (state === "read_only" && !p.dbReadOnly) {
    // The project may have stopped since the list was read: only a running one is switched.
    const fresh = await ctx.db.project.findUnique({ where: { id: p.id }, select: { status: true } });
    if (!fresh || !isStatusIn(fresh.status, ACTIVE_STATUSES)) return;
    await dataOpsOf(ctx.provisioner, "backups").runSql(p.ref, READ_ONLY_SQL, { password });
    data.dbReadOnly = true;
    report.readOnly.push(p.ref);
    await recordEvent(
      ctx.db,
      p,
      "ERROR",
      EVENT.diskReadOnly,
      `The database uses ${usedMb} MiB, ${pct} % of its ${quotaMb} MiB disk quota: it is read-only now (reads work; to delete data, run SET default_transaction_read_only = off in your session). It becomes writable again below ${DISK_READ_ONLY_PERCENT} %, or with a larger plan.`,
    );
  } else if (state !== "read_only" && p.dbReadOnly) {
    await dataOpsOf(ctx.provisioner, "backups").runSql(p.ref, WRITABLE_SQL, { password });
    data.dbReadOnly = false;
    report.writable.push(p.ref);
    await recordEvent(ctx.db, p, "INFO", EVENT.diskWritable, `The database uses ${usedMb} MiB, ${pct} % of its ${quotaMb} MiB disk quota: writable again.`);
  }
  if (state !== "ok" && !p.dbDiskWarnedAt) {
    data.dbDiskWarnedAt = now;
    report.warned.push(p.ref);
    if (state === "warn")
      await recordEvent(
        ctx.db,
        p,
        "WARN",
        EVENT.diskWarning,
        `The database uses ${usedMb} MiB, ${pct} % of its ${quotaMb} MiB disk quota. At ${DISK_READ_ONLY_PERCENT} % it becomes read-only.`,
      );
  } else if (state === "ok" && p.dbDiskWarnedAt) {
    data.dbDiskWarnedAt = null;
  }
  await ctx.db.project.update({ where: { id: p.id }, data });
}

/** Runs checkDisks every `everyMs` until stopped (one per process, beside the monitor). */
export class DiskGuard {
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private readonly ctx: ProjectContext,
    private readonly everyMs = 60_000,
  ) {}

  start(): void {
    const tick = () => {
      this.timer = setTimeout(
        () =>
          void checkDisks(this.ctx)
            .then((r) => {
              for (const e of r.errors) console.error(`[supafleet] disk check: ${e}`);
            })
            .catch((err: unknown) => console.error(`[supafleet] disk check: ${describeError(err)}`))
            .finally(tick),
        this.everyMs,
      );
    };
    tick();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
