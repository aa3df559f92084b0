// Restoring a backup into a project. One rule for every kind (the project's
// own data, a clone, a deleted project brought back): the backup is read into
// a NEW generation of volumes (lib/stack/volumes.ts) while the project
// keeps what it has; the stack moves to the new volumes, and only once it is
// healthy is the new generation recorded (the commit) and the old one removed.
// Any failure before the commit removes the new volumes and starts the project
// on its old ones: a failed restore leaves the project as it was. A restart
// that finds a restore RUNNING does the same (lib/backups/repair.ts).
import { EVENT, startEvent, STATUS } from "@/lib/domain";
import type { Readable } from "node:stream";
import { InvalidStateError, describeError } from "@/lib/errors";
import type { ProjectStatus } from "@/lib/domain";
import { applyProxy, PROJECT_FOR_SPEC, sealedMetadataOf, setStatus, specFor, type ProjectForSpec, secretsOf } from "@/lib/projects/context";
import { eventBus, publishProgress, projectEventSink, recordEvent } from "@/lib/projects/events";
import type { StackSpec } from "@/lib/stack/types";
import type { BackupContext } from "@/lib/backups/context";
import { openBackup, type Manifest } from "@/lib/backups/format";
import { onlyServices } from "@/lib/stack/volumes";
import { rotationScript } from "@/lib/backups/rotate";
import { discardFailedCreate } from "@/lib/projects/provision";
import { dataOpsOf, walArchiveOf, type ImportEntry } from "@/lib/stack/runtime-port";
import { replayFor } from "@/lib/backups/pitr/replay";

export interface BackupRow {
  id: string;
  objectKey: string;
  checksum: string | null;
  sizeBytes: bigint | null;
  stackVersion: string;
  startedAt: Date;
  secrets: string;
  project: { ref: string };
}

type Project = ProjectForSpec & { status: ProjectStatus; statusReason: string | null; name: string };

async function step(b: BackupContext, p: { id: string; ref: string }, message: string): Promise<void> {
  await recordEvent(b.db, p, "INFO", EVENT.restoreStep, message);
}

/** Reads the backup into the spec's (new) volumes; checks every layer and the manifest. */
export async function fillFromBackup(
  b: BackupContext,
  backup: BackupRow,
  spec: StackSpec,
  progressRef: string,
  wrap: (entries: AsyncIterable<ImportEntry>) => AsyncIterable<ImportEntry> = (e) => e,
): Promise<Manifest> {
  const total = Number(backup.sizeBytes ?? 0);
  const label = `Restoring the backup of ${backup.startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  let last = 0;
  const stored: Readable = await b.store.read(backup.objectKey);
  try {
    const opened = await openBackup(stored, b.projects.config.masterKey, backup.project.ref, { id: backup.id, checksum: backup.checksum }, (bytes) => {
      if (Date.now() - last < 1000) return;
      last = Date.now();
      // Shown as a progress bar on the project page (the same channel as image pulls).
      publishProgress(progressRef, EVENT.restoreProgress, label, {
        image: label,
        percent: total ? Math.min(99, Math.floor((bytes / total) * 100)) : 0,
        status: "restoring",
      });
    });
    if (opened.manifest.stackVersion !== backup.stackVersion)
      throw new InvalidStateError("The backup's manifest names another template version than its record.");
    await dataOpsOf(b.provisioner, "backups").importData(spec, wrap(opened.entries));
    await opened.finish();
    publishProgress(progressRef, EVENT.restoreProgress, label, { image: label, percent: 100, status: "restored" });
    return opened.manifest;
  } finally {
    stored.destroy();
  }
}

async function startStack(b: BackupContext, p: { id: string; ref: string }, spec: StackSpec, signal: AbortSignal): Promise<void> {
  const release = await b.projects.jobs.starts.acquire(signal);
  try {
    await b.provisioner.up(spec, { onEvent: projectEventSink(b.db, p), signal });
    if (signal.aborted) throw new InvalidStateError("Cancelled.");
  } finally {
    release();
  }
}

/** Whether the engine still has the database volume of a generation of the ref. */
async function hasDatabase(b: BackupContext, ref: string, generation: number): Promise<boolean> {
  const stacks = await b.provisioner.listStacks();
  const mine = stacks.find((s) => s.ref === ref && s.installation === b.provisioner.installationId);
  return mine?.volumes.some((v) => v.key === "db-data" && v.generation === generation) ?? false;
}

/**
 * Takes an uncommitted restore back: the new generation's containers and
 * volumes go, and the project runs on its old generation again (or stays
 * stopped, if it was). Used on failure and by the restart repair.
 */
export async function rollBackRestore(
  b: BackupContext,
  r: { id: string; kind: string; fromGeneration: number; toGeneration: number; previousStatus: ProjectStatus },
  p: Project,
  reason: string,
  signal?: AbortSignal,
): Promise<void> {
  const { db, provisioner } = b;
  await db.restore.update({ where: { id: r.id }, data: { status: "FAILED", error: reason.slice(0, 2000), finishedAt: new Date() } });
  if (r.kind === "CLONE") return; // a clone is a create: the create's own rollback takes it away
  if (r.kind === "UNDELETE") {
    // Its volumes are copies of the backup, which stays: the project goes back to deleted.
    await provisioner.destroy(p.ref);
    await db.$transaction([
      db.portLease.deleteMany({ where: { projectId: p.id } }),
      db.subnetLease.deleteMany({ where: { projectId: p.id } }),
      db.project.update({ where: { id: p.id }, data: { status: "REMOVED", statusReason: null, secrets: "", removedAt: new Date() } }),
    ]);
    eventBus.publishStatus(p.ref, { status: "REMOVED", statusReason: null });
    await recordEvent(db, p, "WARN", EVENT.restoreRolledBack, "Bringing the project back failed; it stays deleted and its final backup is kept");
    return;
  }
  if (r.toGeneration !== r.fromGeneration) {
    await provisioner.removeContainers(p.ref);
    await dataOpsOf(provisioner, "backups").removeGeneration(p.ref, r.toGeneration);
  }
  if (r.previousStatus === STATUS.INACTIVE || r.previousStatus === STATUS.UNKNOWN || !(await hasDatabase(b, p.ref, r.fromGeneration))) {
    // Stopped before, or its data was already missing: nothing to start, and never an empty database in its place.
    const status: ProjectStatus = r.previousStatus === STATUS.INACTIVE ? "INACTIVE" : "UNKNOWN";
    await setStatus(b.projects, p.id, status, status === STATUS.UNKNOWN ? (p.statusReason ?? `Restore failed: ${reason}`) : null);
    await recordEvent(db, p, "WARN", EVENT.restoreRolledBack, "The restored volumes were removed; the project's data is as it was");
    return;
  }
  try {
    await startStack(b, p, specFor(b.projects, p, { generation: r.fromGeneration }), signal ?? new AbortController().signal);
    await setStatus(b.projects, p.id, "ACTIVE_HEALTHY", null);
    await recordEvent(db, p, "WARN", EVENT.restoreRolledBack, "The restored volumes were removed; the project runs on its data as it was");
  } catch (err) {
    await setStatus(b.projects, p.id, "ACTIVE_UNHEALTHY", `Restore failed, and starting on the previous data failed too: ${describeError(err)}`);
  }
}

async function load(b: BackupContext, restoreId: string) {
  const r = await b.db.restore.findUniqueOrThrow({
    where: { id: restoreId },
    include: { project: { include: PROJECT_FOR_SPEC }, backup: { include: { project: { select: { ref: true } } } } },
  });
  if (!r.backup) throw new InvalidStateError("The backup of this restore is gone.");
  return { r, p: r.project as Project, backup: r.backup as BackupRow };
}

/** Commit: the new generation is the project's; its metadata says so; the old generation goes. */
async function commit(
  b: BackupContext,
  r: { id: string; fromGeneration: number; toGeneration: number },
  p: Project,
  extra: { activatedAt?: Date; status?: ProjectStatus } = {},
): Promise<void> {
  const { db, provisioner } = b;
  const activatedAt = extra.activatedAt ?? p.activatedAt;
  if (extra.activatedAt) {
    // As a create: the engine learns first, so its data is never taken for a failed create's.
    await provisioner.writeMetadata(p.ref, sealedMetadataOf(b.projects, { ...p, activatedAt, dataGeneration: r.toGeneration }));
  }
  await db.$transaction([
    db.project.update({ where: { id: p.id }, data: { dataGeneration: r.toGeneration, status: "ACTIVE_HEALTHY", statusReason: null, activatedAt } }),
    db.restore.update({ where: { id: r.id }, data: { status: "SUCCEEDED", finishedAt: new Date() } }),
  ]);
  eventBus.publishStatus(p.ref, { status: "ACTIVE_HEALTHY", statusReason: null });
  await provisioner.writeMetadata(p.ref, sealedMetadataOf(b.projects, { ...p, activatedAt, dataGeneration: r.toGeneration }));
  if (r.fromGeneration !== r.toGeneration) {
    try {
      await dataOpsOf(provisioner, "backups").removeGeneration(p.ref, r.fromGeneration);
    } catch (err) {
      // The restart repair removes it later (the SUCCEEDED restore names it).
      await recordEvent(db, p, "WARN", EVENT.restoreStep, `The previous volumes could not be removed yet: ${describeError(err)}`);
    }
  }
}

/** The background job of a restore into the project's own data, or of bringing a deleted one back. */
export async function runRestore(b: BackupContext, restoreId: string, signal: AbortSignal): Promise<void> {
  const { r, p, backup } = await load(b, restoreId);
  const started = Date.now();
  // A point-in-time restore: the backup's WAL replayed to the target (lib/backups/pitr).
  const target = r.targetTime ?? undefined;
  try {
    await step(b, p, "Reading the backup into new volumes (the project keeps running on its current data)");
    const wrap = target ? await replayFor(b, p, backup.id, target) : undefined;
    await fillFromBackup(b, backup, specFor(b.projects, p, { generation: r.toGeneration }), p.ref, wrap);
    if (signal.aborted) throw new InvalidStateError("Cancelled.");
    await step(b, p, target ? `Starting the project and replaying its WAL to ${target.toISOString()}` : "Starting the project on the restored data");
    await b.provisioner.removeContainers(p.ref);
    await startStack(b, p, specFor(b.projects, p, { generation: r.toGeneration, recoveryTarget: target ? { time: target } : undefined }), signal);
    await commit(b, r, p);
    if (target)
      await walArchiveOf(b.provisioner)
        .removeRestoreWal(p.ref)
        .catch(() => undefined);
    await recordEvent(
      b.db,
      p,
      "INFO",
      EVENT.restoreSucceeded,
      target
        ? `Restored to ${target.toISOString()} (the backup of ${backup.startedAt.toISOString()} and its WAL) in ${((Date.now() - started) / 1000).toFixed(1)} s`
        : `Restored the backup of ${backup.startedAt.toISOString()} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      { backupId: backup.id },
    );
  } catch (err) {
    const reason = signal.aborted ? "Cancelled by delete." : describeError(err);
    await recordEvent(b.db, p, "ERROR", EVENT.restoreFailed, `Restore failed: ${reason}`, { backupId: backup.id });
    try {
      await rollBackRestore(b, r, p, reason);
    } catch (rollbackErr) {
      await setStatus(
        b.projects,
        p.id,
        "UNKNOWN",
        `Restore failed and its clean-up failed (a restart of Supafleet finishes it): ${describeError(rollbackErr)}`,
      );
    }
  } finally {
    eventBus.clear(p.ref);
    await applyProxy(b.projects);
  }
}

/** The background job of a clone: the backup's data in a new project, whose database gets the new project's secrets. */
export async function runClone(b: BackupContext, restoreId: string, signal: AbortSignal): Promise<void> {
  const { r, p, backup } = await load(b, restoreId);
  const started = Date.now();
  try {
    await step(b, p, `Reading the backup of ${backup.project.ref} into the new project's volumes`);
    const spec = specFor(b.projects, p, { generation: r.toGeneration });
    const manifest = await fillFromBackup(b, backup, spec, p.ref);
    await step(b, p, "Starting the database alone and giving it this project's passwords and JWT secret");
    await startStack(b, p, onlyServices(spec, ["db"]), signal);
    const oldSecrets = secretsOf(b.projects, { ref: manifest.ref, secrets: backup.secrets });
    await dataOpsOf(b.provisioner, "backups").runSql(p.ref, rotationScript(spec, secretsOf(b.projects, p)), { password: oldSecrets.postgresPassword });
    await step(b, p, "Starting every service");
    await startStack(b, p, spec, signal);
    await commit(b, r, p, { activatedAt: new Date() });
    await recordEvent(
      b.db,
      p,
      "INFO",
      startEvent("create", "succeeded"),
      `Cloned from ${backup.project.ref} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      {
        backupId: backup.id,
      },
    );
  } catch (err) {
    const reason = signal.aborted ? "Cancelled by delete." : describeError(err);
    await recordEvent(b.db, p, "ERROR", startEvent("create", "failed"), `Clone failed: ${reason}`, { backupId: backup.id });
    await rollBackRestore(b, r, p, reason).catch(() => undefined);
    try {
      await discardFailedCreate(b.projects, { ...p, activatedAt: null });
    } catch (cleanupErr) {
      await recordEvent(b.db, p, "ERROR", EVENT.createRollbackFailed, describeError(cleanupErr));
    }
    await setStatus(b.projects, p.id, "INIT_FAILED", `Clone failed: ${reason} Delete this project and clone the backup again.`);
  } finally {
    eventBus.clear(p.ref);
    await applyProxy(b.projects);
  }
}
