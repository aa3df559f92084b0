// Taking a backup: the project's data (lib/docker/data-archive.ts through the
// Provisioner) behind a manifest, gzip, encrypted with the project's key, into
// the store. The row is RUNNING until the object is complete and its size,
// duration and checksum are recorded: a backup is good only when it says
// SUCCEEDED, and nothing else is ever offered for restore or download.
import { randomUUID } from "node:crypto";
import { assertBackupRoom } from "@/lib/backups/space";
import { pipeline as streamPipeline } from "node:stream";
import { createGzip } from "node:zlib";
import { pack as newPack } from "tar-stream";
import type { BackupKindWord } from "@/lib/domain";
import { EVENT } from "@/lib/domain";
import { ConflictError, InvalidStateError, describeError } from "@/lib/errors";
import { specFor, type ProjectForSpec } from "@/lib/projects/context";
import { publishProgress, recordEvent } from "@/lib/projects/events";
import { EncryptStream, newProjectBackupKey, unsealProjectBackupKey } from "@/lib/backups/crypto-stream";
import type { BackupContext } from "@/lib/backups/context";
import { addManifest, HashTap } from "@/lib/backups/format";
import { objectKeyFor } from "@/lib/backups/store";
import { dataOpsOf } from "@/lib/stack/runtime-port";
import { settleFrozen } from "@/lib/projects/sleep-tier";

/** The project's backup key, made (and sealed into its row) on first use. */
export async function projectKey(b: BackupContext, p: { id: string; ref: string }): Promise<{ key: Buffer; sealed: string }> {
  const { masterKey } = b.projects.config;
  const row = await b.db.project.findUniqueOrThrow({ where: { id: p.id }, select: { backupKey: true } });
  if (row.backupKey) return { key: unsealProjectBackupKey(masterKey, p.ref, row.backupKey), sealed: row.backupKey };
  const fresh = newProjectBackupKey(masterKey, p.ref);
  // Only if still unset: two first backups at once agree on one key.
  await b.db.project.updateMany({ where: { id: p.id, backupKey: null }, data: { backupKey: fresh.sealed } });
  const again = await b.db.project.findUniqueOrThrow({ where: { id: p.id }, select: { backupKey: true } });
  return { key: unsealProjectBackupKey(masterKey, p.ref, again.backupKey!), sealed: again.backupKey! };
}

export function dbImageOf(b: BackupContext, p: ProjectForSpec): string {
  const db = specFor(b.projects, p).services.find((s) => s.service === "db");
  if (!db) throw new InvalidStateError("The stack has no db service.");
  return db.image;
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** Takes one backup of the project now; resolves with the backup's id once it SUCCEEDED, throws when it FAILED. */
export async function takeBackup(
  b: BackupContext,
  p: ProjectForSpec & { name: string; stackVersion: string; secrets: string },
  kind: BackupKindWord,
): Promise<string> {
  if (b.running.has(p.ref)) throw new ConflictError("A backup of this project is already being taken.");
  // Refused with its reason before anything is written: the owner's backup space, and the disk's floor.
  await assertBackupRoom(b, p, kind);
  // A frozen database can neither be asked for a base backup nor read from
  // its files consistently: it is stopped (the stopped tier) and read cold.
  await settleFrozen(b.projects, p);
  b.running.add(p.ref);
  const { db, provisioner } = b;
  const id = randomUUID();
  try {
    const { key, sealed } = await projectKey(b, p);
    const spec = specFor(b.projects, p);
    const dbImage = dbImageOf(b, p);
    const objectKey = objectKeyFor(provisioner.installationId, p.ref, id);
    await db.backup.create({
      data: {
        id,
        projectId: p.id,
        kind,
        target: b.store.kind,
        objectKey,
        stackVersion: p.stackVersion,
        dbImage,
        secrets: p.secrets,
        dataGeneration: p.dataGeneration,
      },
    });
    await recordEvent(db, p, "INFO", EVENT.backupStarted, `${kind === "FINAL" ? "Final backup" : "Backup"} started`, { backupId: id });
    const release = await b.slots.acquire();
    const started = Date.now();
    let lastNote = 0;
    try {
      const out = newPack();
      const tap = new HashTap((bytes) => {
        if (Date.now() - lastNote < 2000) return;
        lastNote = Date.now();
        publishProgress(p.ref, "backup.progress", `Backup: ${mb(bytes)} written`, { backupId: id, bytes });
      });
      const body = streamPipeline(out, createGzip({ level: b.config.gzipLevel }), new EncryptStream(key, p.ref, sealed), tap, () => undefined);
      const writing = b.store.write(objectKey, body);
      const producing = (async () => {
        await addManifest(out, {
          format: 1,
          backupId: id,
          projectId: p.id,
          ref: p.ref,
          name: p.name,
          kind,
          createdAt: new Date(started).toISOString(),
          stackVersion: p.stackVersion,
          dbImage,
          dataGeneration: p.dataGeneration,
          secrets: p.secrets,
        });
        const method = await dataOpsOf(provisioner, "backups").exportData(spec, out);
        out.finalize();
        return method;
      })();
      producing.catch((err: unknown) => out.destroy(err as Error));
      const [, method] = await Promise.all([writing, producing]);
      const durationMs = Date.now() - started;
      await db.backup.update({
        where: { id },
        data: { status: "SUCCEEDED", method, sizeBytes: BigInt(tap.bytes), durationMs, checksum: tap.digest(), finishedAt: new Date() },
      });
      await recordEvent(db, p, "INFO", EVENT.backupSucceeded, `Backup done: ${mb(tap.bytes)} in ${(durationMs / 1000).toFixed(1)} s (${method})`, {
        backupId: id,
        sizeBytes: tap.bytes,
        durationMs,
        method,
      });
      return id;
    } catch (err) {
      const reason = describeError(err);
      await b.store.remove(objectKey).catch(() => undefined);
      await db.backup.update({
        where: { id },
        data: { status: "FAILED", error: reason.slice(0, 2000), durationMs: Date.now() - started, finishedAt: new Date() },
      });
      await recordEvent(db, p, "ERROR", EVENT.backupFailed, `Backup failed: ${reason}`, { backupId: id });
      throw err;
    } finally {
      release();
    }
  } finally {
    b.running.delete(p.ref);
  }
}
