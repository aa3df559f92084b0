// Retention of WAL and base backups together: with a window of N days, the
// base backup that anchors the window's start (the newest good one started
// at or before now − N days) is kept with everything after it, so every
// second inside the window stays restorable; WAL closed before the anchor
// started is needed by no kept base backup (its first segment closes at or
// after its start: lib/backups/pitr/replay.ts) and goes, gap rows included.
import type { BackupContext } from "@/lib/backups/context";

/** The id of the base backup the window of a project starts from, kept by backup retention. */
export async function windowAnchor(b: BackupContext, projectId: string, cutoff: Date): Promise<{ id: string; startedAt: Date } | null> {
  return b.db.backup.findFirst({
    where: { projectId, status: "SUCCEEDED", startedAt: { lte: cutoff } },
    orderBy: { startedAt: "desc" },
    select: { id: true, startedAt: true },
  });
}

/** Removes the project's shipped WAL older than what its kept base backups need (all of it when `all`). */
export async function pruneWal(b: BackupContext, projectId: string, cutoff: Date, all = false): Promise<number> {
  let before: Date | null = null;
  if (all) before = new Date(8.64e15);
  else {
    const anchor =
      (await windowAnchor(b, projectId, cutoff)) ??
      (await b.db.backup.findFirst({ where: { projectId, status: "SUCCEEDED" }, orderBy: { startedAt: "asc" }, select: { id: true, startedAt: true } }));
    // No base backup at all: WAL older than the window serves nothing.
    before = anchor?.startedAt ?? cutoff;
  }
  const doomed = await b.db.walSegment.findMany({ where: { projectId, closedAt: { lt: before } }, take: 2000 });
  for (const w of doomed) {
    if (w.objectKey) await b.store.remove(w.objectKey);
    await b.db.walSegment.delete({ where: { id: w.id } });
  }
  return doomed.length;
}
