// Backups take disk: one tenant's must not fill what every tenant's share.
// Before a backup starts, two checks, each refusing it with its reason:
// - its owner's backups (all their projects', deleted ones' final backups
//   included) plus this one must fit the owner's backup space (their plan's,
//   else the installation's default);
// - where backups go to a local disk, the disk must keep the installation's
//   free-space floor after it.
// This backup's size is estimated from the project's last good backup, else
// from its databases' measured size (the guard's, lib/projects/disk-guard.ts).
import type { BackupKindWord } from "@/lib/domain";
import { BackupSpaceError } from "@/lib/errors";
import type { BackupContext } from "@/lib/backups/context";
import { effectivePlan } from "@/lib/projects/admission";

const MiB = 1024 * 1024;

export interface BackupRoom {
  usedBytes: number;
  quotaBytes: number;
  estimateBytes: number;
  freeBytes: number | null;
  /** What must stay free on a local backup disk after it (the installation's minFreeDiskMb). */
  floorBytes: number;
}

/** What the owner's backups take, their quota, and this backup's estimate. */
export async function backupRoom(b: BackupContext, p: { id: string; ref: string }): Promise<BackupRoom> {
  const { db } = b;
  const project = await db.project.findUniqueOrThrow({ where: { id: p.id }, select: { ownerId: true, dbSizeMb: true } });
  const settings = await db.systemSettings.upsert({ where: { id: 1 }, create: { id: 1 }, update: {} });
  const quotaMb = (await effectivePlan(db, project.ownerId))?.backupQuotaMb ?? settings.defaultBackupQuotaMb;
  const used = await db.backup.aggregate({
    where: { status: "SUCCEEDED", project: { ownerId: project.ownerId } },
    _sum: { sizeBytes: true },
  });
  const last = await db.backup.findFirst({ where: { projectId: p.id, status: "SUCCEEDED" }, orderBy: { startedAt: "desc" }, select: { sizeBytes: true } });
  const estimateBytes = last?.sizeBytes != null ? Number(last.sizeBytes) : (project.dbSizeMb ?? 0) * MiB;
  return {
    usedBytes: Number(used._sum.sizeBytes ?? 0),
    quotaBytes: quotaMb * MiB,
    estimateBytes,
    freeBytes: await b.store.freeBytes(),
    floorBytes: settings.minFreeDiskMb * MiB,
  };
}

const gib = (bytes: number) => `${(bytes / 1024 / MiB).toFixed(1)} GiB`;

/** Why this backup does not fit, in words for its owner (their space first, then the disk's floor); null when it fits. Pure. */
export function backupRefusal(room: BackupRoom, kind: BackupKindWord): { reason: "space" | "disk"; message: string } | null {
  const what = kind === "FINAL" ? "The final backup (taken before a delete)" : "The backup";
  if (room.usedBytes + room.estimateBytes > room.quotaBytes) {
    return {
      reason: "space",
      message: `${what} was not started: your backups use ${gib(room.usedBytes)} of your ${gib(room.quotaBytes)} of backup space, and this one needs about ${gib(room.estimateBytes)}. Delete old backups, or ask an administrator for more space.`,
    };
  }
  if (room.freeBytes !== null && room.freeBytes - room.estimateBytes < room.floorBytes) {
    return { reason: "disk", message: `${what} was not started: the backup disk is nearly full (${gib(room.freeBytes)} free). Try again later.` };
  }
  return null;
}

/** Throws BackupSpaceError when this backup would not fit; nothing is written then. */
export async function assertBackupRoom(b: BackupContext, p: { id: string; ref: string }, kind: BackupKindWord): Promise<void> {
  const room = await backupRoom(b, p);
  const refusal = backupRefusal(room, kind);
  if (!refusal) return;
  if (refusal.reason === "disk")
    console.warn(`[supafleet] backup of ${p.ref} refused: ${gib(room.freeBytes ?? 0)} free on the backup disk, floor ${gib(room.floorBytes)}`);
  throw new BackupSpaceError(refusal.message);
}
