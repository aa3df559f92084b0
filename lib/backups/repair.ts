// The start-up repair of backups and restores, run before the projects'
// reconcile (lib/projects/reconcile.ts) so that it finds every project on
// the generation its database records:
// - a backup RUNNING when Supafleet stopped is marked FAILED and its object
//   (complete or not) removed: no half backup is ever marked good;
// - a restore RUNNING is rolled back: its new volumes (and any containers on
//   them) go, the project goes back to what it was (a resume is left to the
//   reconcile: RESTORING projects are started again there);
// - a restore that SUCCEEDED but had not yet removed the generation it
//   replaced removes it now; its metadata is written again.
import { rm } from "node:fs/promises";
import { EVENT, STATUS } from "@/lib/domain";
import { PROJECT_FOR_SPEC, sealedMetadataOf } from "@/lib/projects/context";
import { recordEvent } from "@/lib/projects/events";
import { repairAttempt } from "@/lib/projects/reconcile";
import type { BackupContext } from "@/lib/backups/context";
import { LocalStore } from "@/lib/backups/store";
import { rollBackRestore } from "@/lib/backups/restore";
import type { ProjectStatus } from "@/lib/domain";
import { dataOpsOf } from "@/lib/stack/runtime-port";

export interface BackupRepairReport {
  repaired: string[];
  errors: string[];
}

export async function repairBackups(b: BackupContext): Promise<BackupRepairReport> {
  const { db, provisioner } = b;
  const report: BackupRepairReport = { repaired: [], errors: [] };
  const attempt = repairAttempt(report);

  for (const backup of await db.backup.findMany({ where: { status: "RUNNING" }, include: { project: { select: { id: true, ref: true } } } })) {
    if (b.running.has(backup.project.ref)) continue;
    await attempt(`backup ${backup.id} of ${backup.project.ref}: interrupted, marked failed`, async () => {
      await b.store.remove(backup.objectKey);
      await db.backup.update({ where: { id: backup.id }, data: { status: "FAILED", error: "Interrupted by a restart of Supafleet.", finishedAt: new Date() } });
      await recordEvent(db, backup.project, "WARN", EVENT.backupFailed, "A backup was interrupted by a restart of Supafleet; it was discarded");
    });
  }
  if (b.store instanceof LocalStore) {
    for (const partial of await b.store.partials()) {
      await attempt(`removed partial backup file ${partial}`, () => rm(partial, { force: true }));
    }
  }

  for (const r of await db.restore.findMany({ where: { status: "RUNNING" }, include: { project: { include: PROJECT_FOR_SPEC } } })) {
    if (b.projects.jobs.has(r.project.ref)) continue;
    const p = r.project;
    await attempt(`${p.ref}: interrupted ${r.kind.toLowerCase()} rolled back`, async () => {
      await recordEvent(db, p, "WARN", EVENT.restoreFailed, "The restore was interrupted by a restart of Supafleet; rolling it back");
      // Back on its recorded generation (started again when it ran before); a clone is left to the create's rollback in the reconcile.
      await rollBackRestore(b, r, { ...p, status: p.status as ProjectStatus }, "Interrupted by a restart of Supafleet.");
      // The metadata may already name the generation that was being filled.
      if (r.kind === "RESTORE") await provisioner.writeMetadata(p.ref, sealedMetadataOf(b.projects, p));
    });
  }

  const stacks = await provisioner.listStacks();
  const done = await db.restore.findMany({ where: { status: "SUCCEEDED" }, include: { project: { include: PROJECT_FOR_SPEC } } });
  for (const r of done) {
    if (r.fromGeneration === r.toGeneration || r.project.status === STATUS.REMOVED) continue;
    const stack = stacks.find((s) => s.ref === r.project.ref && s.installation === provisioner.installationId);
    const left = stack?.volumes.some((v) => v.key !== "metadata" && v.generation === r.fromGeneration && r.fromGeneration !== r.project.dataGeneration);
    if (!left) continue;
    await attempt(`${r.project.ref}: removed the volumes a restore replaced (generation ${r.fromGeneration})`, async () => {
      await dataOpsOf(provisioner, "backups").removeGeneration(r.project.ref, r.fromGeneration);
      await provisioner.writeMetadata(r.project.ref, sealedMetadataOf(b.projects, r.project));
    });
  }
  return report;
}
