// The WAL side of a point-in-time restore: which base backups and shipped
// segments a project has (its window), and the extra entries that go into the
// restored database volume with the base backup: the segments to replay
// (decrypted from the store into RESTORE_WAL_DIR, where the restore's
// restore_command reads them), every timeline history file (so the promoted
// cluster picks a timeline no earlier restore used), and recovery.signal
// (PostgreSQL docs 26.3.4: targeted archive recovery). The recovery settings
// themselves go into wal-g.conf with the start (lib/stack/wal-archive.ts).
import { pipeline, Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { InvalidStateError } from "@/lib/errors";
import { DB_VOLUME } from "@/lib/stack/volumes";
import { RESTORE_WAL_DIR } from "@/lib/stack/wal-archive";
import type { ImportEntry } from "@/lib/stack/runtime-port";
import type { BackupContext } from "@/lib/backups/context";
import { DecryptStream } from "@/lib/backups/crypto-stream";
import { reaches, SEGMENT_NAME, type BaseBackup, type Reach } from "@/lib/backups/pitr/window";

/** The project's base backups and shipped segments since its data last changed history (its last committed restore). */
export async function projectReaches(b: BackupContext, p: { id: string; stackVersion: string }): Promise<Reach[]> {
  const lastRestore = await b.db.restore.findFirst({
    where: { projectId: p.id, status: "SUCCEEDED" },
    orderBy: { finishedAt: "desc" },
    select: { finishedAt: true },
  });
  const since = lastRestore?.finishedAt ?? new Date(0);
  const [backups, segments] = await Promise.all([
    b.db.backup.findMany({
      where: { projectId: p.id, status: "SUCCEEDED", startedAt: { gte: since }, stackVersion: p.stackVersion },
      orderBy: { startedAt: "asc" },
      select: { id: true, startedAt: true, finishedAt: true },
    }),
    b.db.walSegment.findMany({
      where: { projectId: p.id, gap: false, closedAt: { gte: since } },
      orderBy: { closedAt: "asc" },
      select: { name: true, closedAt: true },
    }),
  ]);
  const segs = segments.filter((s) => SEGMENT_NAME.test(s.name));
  const bases: BaseBackup[] = [];
  for (const x of backups) {
    // Its first segment: the one being written when it started, which closed (and was archived) at or after its start.
    const first = segs.find((s) => s.closedAt >= x.startedAt);
    if (first && x.finishedAt) bases.push({ id: x.id, consistentAt: x.finishedAt, startSegment: first.name });
  }
  return reaches(bases, segs);
}

/**
 * The segments to replay for `target` from a reach: all of them. Recovery stops at the first
 * commit after the target, and which segment holds it is not known without reading the WAL;
 * a segment closed after the target may hold none (an archive_timeout switch). Staging them all
 * costs the copy of the WAL from the target to the reach's end (see the README's trade-off).
 */
export function segmentsFor(reach: Reach): string[] {
  return [...reach.segments];
}

function decrypted(b: BackupContext, ref: string, stored: Readable): Readable {
  const out = createGunzip();
  pipeline(stored, new DecryptStream(b.projects.config.masterKey, ref), out, () => undefined);
  return out;
}

function emptyBody(): Readable {
  return Readable.from([]);
}

/**
 * Wraps a backup's entries: right after the database volume's entries (they
 * come together, lib/docker/data-archive.ts) come the staged WAL files and
 * recovery.signal, owned as the volume's files are.
 */
export function withReplayEntries(
  b: BackupContext,
  ref: string,
  projectId: string,
  segments: string[],
  entries: AsyncIterable<ImportEntry>,
): AsyncIterable<ImportEntry> {
  const prefix = `data/${DB_VOLUME}/`;
  async function* extra(owner: { uid: number; gid: number }): AsyncGenerator<ImportEntry> {
    const history = await b.db.walSegment.findMany({ where: { projectId, gap: false, name: { endsWith: ".history" } }, select: { name: true } });
    const rows = await b.db.walSegment.findMany({ where: { projectId, name: { in: [...segments, ...history.map((h) => h.name)] } } });
    const byName = new Map(rows.map((r) => [r.name, r]));
    const base = { uid: owner.uid, gid: owner.gid, mtime: new Date() };
    yield { header: { ...base, name: `${prefix}${RESTORE_WAL_DIR}`, type: "directory", mode: 0o700 }, body: emptyBody() };
    for (const name of [...history.map((h) => h.name), ...segments]) {
      const r = byName.get(name);
      if (!r?.objectKey || r.sizeBytes === null) throw new InvalidStateError(`WAL file ${name} is not in the backup store.`);
      const body = decrypted(b, ref, await b.store.read(r.objectKey));
      yield { header: { ...base, name: `${prefix}${RESTORE_WAL_DIR}/${name}`, type: "file", mode: 0o600, size: r.sizeBytes }, body };
    }
    yield { header: { ...base, name: `${prefix}recovery.signal`, type: "file", mode: 0o600, size: 0 }, body: emptyBody() };
  }
  return {
    async *[Symbol.asyncIterator]() {
      let owner: { uid: number; gid: number } | null = null;
      let injected = false;
      for await (const e of entries) {
        const inDb = e.header.name.startsWith(prefix);
        if (inDb) owner ??= { uid: e.header.uid ?? 0, gid: e.header.gid ?? 0 };
        if (!inDb && owner && !injected) {
          injected = true;
          yield* extra(owner);
        }
        yield e;
      }
      if (!injected) {
        if (!owner) throw new InvalidStateError("The backup holds no database files.");
        yield* extra(owner);
      }
    },
  };
}

/** The entries wrapper of a point-in-time restore of `backupId` to `target` (throws when the backup no longer reaches it). */
export async function replayFor(
  b: BackupContext,
  p: { id: string; ref: string; stackVersion: string },
  backupId: string,
  target: Date,
): Promise<(entries: AsyncIterable<ImportEntry>) => AsyncIterable<ImportEntry>> {
  const reach = (await projectReaches(b, p)).find((x) => x.backup.id === backupId);
  if (!reach || target < reach.from || target > reach.to) throw new InvalidStateError("The archived WAL no longer reaches the chosen point in time.");
  const segments = segmentsFor(reach);
  return (entries) => withReplayEntries(b, p.ref, p.id, segments, entries);
}
