// What the backup service shows beyond one project: the owner's deleted
// projects that can come back, the projects whose last scheduled backup
// failed, and the admin console's backups panel. Read-only views over the
// database and the store's kind; BackupService (lib/backups/service.ts) is
// their one caller and checks nothing twice.
import { STATUS } from "@/lib/domain";
import { projectAccessWhere } from "@/lib/orgs/access";
import { summary, type ProjectSummary } from "@/lib/projects/queries";
import { getSystemSettings } from "@/lib/settings/service";
import { assertAdmin, type SessionUser } from "@/lib/auth/actor";
import type { BackupContext } from "@/lib/backups/context";
import { walProblems } from "@/lib/backups/pitr/admin";

export interface DeletedProjectView extends ProjectSummary {
  removedAt: string;
  purgeAt: string;
  backups: number;
}

export interface BackupAdminView {
  storedBytes: number;
  backups: number;
  target: string;
  failing: Array<{ ref: string; name: string; ownerEmail: string; at: string; error: string }>;
  settings: { backupRetentionDays: number; softDeleteDays: number };
  plans: Array<{ id: string; name: string; backupRetentionDays: number | null }>;
  deleted: DeletedProjectView[];
}

/** Deleted projects within the soft-delete window that a backup can bring back, for those who may. */
export async function listDeletedProjects(ctx: BackupContext, actor: SessionUser): Promise<DeletedProjectView[]> {
  const settings = await getSystemSettings(ctx.db);
  const since = new Date(Date.now() - settings.softDeleteDays * 86_400_000);
  const rows = await ctx.db.project.findMany({
    where: {
      status: "REMOVED",
      removedAt: { gte: since },
      backups: { some: { status: "SUCCEEDED" } },
      // Who may bring one back: its organization's Owners and Administrators (an undelete is a restore).
      ...(actor.role === "ADMIN" ? {} : { AND: [projectAccessWhere(actor.id, "project.settings")] }),
    },
    include: { owner: { select: { id: true, email: true } }, _count: { select: { backups: { where: { status: "SUCCEEDED" } } } } },
    orderBy: { removedAt: "desc" },
    take: 100,
  });
  return rows.map((p) => ({
    ...summary(ctx.projects, p),
    removedAt: p.removedAt!.toISOString(),
    purgeAt: new Date(p.removedAt!.getTime() + settings.softDeleteDays * 86_400_000).toISOString(),
    backups: p._count.backups,
  }));
}

/** The actor's projects whose latest scheduled backup failed. */
export async function failingBackupsOf(ctx: BackupContext, actor: SessionUser): Promise<Array<{ ref: string; name: string; at: string; error: string }>> {
  const projects = await ctx.db.project.findMany({
    where: { AND: [projectAccessWhere(actor.id, "project.read")], status: { not: STATUS.REMOVED } },
    select: { id: true, ref: true, name: true },
  });
  const out = [];
  for (const p of projects) {
    const last = await ctx.db.backup.findFirst({
      where: { projectId: p.id, kind: "SCHEDULED", status: { not: "RUNNING" } },
      orderBy: { startedAt: "desc" },
    });
    if (last?.status === "FAILED") out.push({ ref: p.ref, name: p.name, at: last.startedAt.toISOString(), error: last.error ?? "failed" });
  }
  return out;
}

/** The admin console's backups panel: space used, failures, settings, plans' retention, deleted projects. */
export async function backupAdminView(ctx: BackupContext, actor: SessionUser): Promise<BackupAdminView> {
  assertAdmin(actor);
  const { db } = ctx;
  const [sum, settings, deleted, plans] = await Promise.all([
    db.backup.aggregate({ where: { status: "SUCCEEDED" }, _sum: { sizeBytes: true }, _count: true }),
    getSystemSettings(db),
    listDeletedProjects(ctx, actor),
    db.plan.findMany({ orderBy: { memoryMb: "asc" }, select: { id: true, name: true, backupRetentionDays: true } }),
  ]);
  const projects = await db.project.findMany({
    where: { status: { not: STATUS.REMOVED }, backups: { some: { status: "FAILED" } } },
    include: { owner: { select: { email: true } } },
    take: 200,
  });
  const failing = [];
  for (const p of projects) {
    const last = await db.backup.findFirst({ where: { projectId: p.id, status: { not: "RUNNING" } }, orderBy: { startedAt: "desc" } });
    const lastFailure = await db.backup.findFirst({ where: { projectId: p.id, status: "FAILED" }, orderBy: { startedAt: "desc" } });
    if (lastFailure)
      failing.push({
        ref: p.ref,
        name: p.name,
        ownerEmail: p.owner.email,
        at: lastFailure.startedAt.toISOString(),
        error: `${lastFailure.error ?? "failed"}${last?.status === "SUCCEEDED" ? " (a later backup succeeded)" : ""}`,
      });
  }
  // Continuous archiving's gaps and shipping failures are listed with the failing backups.
  failing.push(...(await walProblems(ctx)));
  return {
    storedBytes: Number(sum._sum.sizeBytes ?? 0n),
    backups: sum._count,
    target: ctx.store.kind,
    failing,
    settings: { backupRetentionDays: settings.backupRetentionDays, softDeleteDays: settings.softDeleteDays },
    plans,
    deleted,
  };
}
