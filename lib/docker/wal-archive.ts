// The per-project WAL archive volume (lib/stack/wal-archive.ts), as the
// engine sees it: made writable for the image's postgres account once it is
// new, and read by Supafleet through the running db container (exec and the
// archive API: no extra container per look) to ship its files.
import type { Readable } from "node:stream";
import type Docker from "dockerode";
import { extract } from "tar-stream";
import { statusOf } from "@/lib/docker/client";
import { runExec } from "@/lib/docker/exec-stream";
import { logTail } from "@/lib/docker/logs";
import { ownedBy } from "@/lib/docker/resources";
import { METADATA_ROLE } from "@/lib/docker/volume-helper";
import { InvalidStateError, ResourceConflictError } from "@/lib/errors";
import { containerName } from "@/lib/stack/build-stack-spec";
import { LABELS, type StackSpec } from "@/lib/stack/types";
import { ARCHIVE_MOUNT, GAP_PREFIX, PGDATA, RESTORE_WAL_DIR, walArchiveVolume } from "@/lib/stack/wal-archive";
import type { ArchivedFile } from "@/lib/stack/runtime-port";

const NAME = /^([0-9A-F]{24}|[0-9A-F]{8}\.history)$/;

/**
 * A new archive volume is root's (the mount point is not in the image); the
 * archive_command runs as postgres. A one-off container of the db image, as
 * root, gives it to that image's own `postgres` (whatever its ids: the 15 and
 * 17 images differ), mode 0700 as PGDATA.
 */
export async function prepareArchiveVolume(docker: Docker, spec: StackSpec): Promise<void> {
  const volume = walArchiveVolume(spec);
  const db = spec.services.find((s) => s.service === "db");
  if (!volume || !db) return;
  const name = `supafleet-${spec.ref}-archive-prep`;
  // One a crash left behind goes first.
  await docker
    .getContainer(name)
    .remove({ force: true })
    .catch(() => undefined);
  const c = await docker.createContainer({
    name,
    Image: db.image,
    User: "0:0",
    Entrypoint: ["sh", "-c", "chown postgres:postgres /a && chmod 0700 /a"],
    Cmd: [],
    Labels: { [LABELS.managed]: "true", [LABELS.installation]: spec.installationId, [LABELS.ref]: spec.ref, [LABELS.role]: METADATA_ROLE },
    HostConfig: { NetworkMode: "none", Mounts: [{ Type: "volume", Source: volume, Target: "/a" }] },
  });
  try {
    await c.start();
    const { StatusCode } = (await c.wait()) as { StatusCode: number };
    if (StatusCode !== 0)
      throw new InvalidStateError(`Preparing the WAL archive volume failed (exit ${StatusCode}): ${await logTail(docker, c.id, 20).catch(() => "")}`);
  } finally {
    await c.remove({ force: true }).catch(() => undefined);
  }
}

async function runningDb(docker: Docker, ref: string, installationId: string): Promise<string | null> {
  const name = containerName(ref, "db");
  try {
    const info = (await docker.getContainer(name).inspect()) as { State: { Running: boolean }; Config: { Labels?: Record<string, string> } };
    if (!ownedBy(info.Config.Labels, ref, installationId)) throw new ResourceConflictError(`The db container of ${ref} is not this installation's.`);
    return info.State.Running ? name : null;
  } catch (err) {
    if (statusOf(err) === 404) return null;
    throw err;
  }
}

/** The finished files and gap markers in the archive, oldest first; null when the db is not running. */
export async function listArchive(docker: Docker, ref: string, installationId: string): Promise<ArchivedFile[] | null> {
  const c = await runningDb(docker, ref, installationId);
  if (!c) return null;
  const out = await runExec(docker, c, ["find", ARCHIVE_MOUNT, "-maxdepth", "1", "-type", "f", "-printf", "%f %T@ %s\\n"], { user: "postgres" });
  const files: ArchivedFile[] = [];
  for (const line of out.split("\n")) {
    const [file, mtime, size] = line.trim().split(" ");
    if (!file || !mtime || !size) continue;
    const gap = file.startsWith(GAP_PREFIX);
    const name = gap ? file.slice(GAP_PREFIX.length) : file;
    if (!NAME.test(name)) continue; // temporary copies (.name.tmp) and anything else
    files.push({ name, gap, closedAt: new Date(Math.round(Number(mtime) * 1000)), sizeBytes: Number(size) });
  }
  return files.sort((a, b) => a.closedAt.getTime() - b.closedAt.getTime() || a.name.localeCompare(b.name));
}

/** One archived file's bytes (through the engine's archive API: a tar of one entry). */
export async function readArchived(docker: Docker, ref: string, installationId: string, name: string): Promise<Readable> {
  if (!NAME.test(name)) throw new InvalidStateError("Not a WAL file name.");
  const c = await runningDb(docker, ref, installationId);
  if (!c) throw new InvalidStateError("The database is not running.");
  const tar = (await docker.getContainer(c).getArchive({ path: `${ARCHIVE_MOUNT}/${name}` })) as unknown as Readable;
  const ex = extract();
  tar.pipe(ex);
  // next() by hand: leaving a for-await early would destroy the extractor, and the entry with it.
  const it = ex[Symbol.asyncIterator]();
  for (let r = await it.next(); !r.done; r = await it.next()) {
    if (r.value.header.type === "file") return r.value as unknown as Readable;
    r.value.resume();
  }
  throw new InvalidStateError(`${name} is not in the archive.`);
}

/** Removes shipped files (and the gap markers recorded) from the archive volume. */
export async function removeArchived(docker: Docker, ref: string, installationId: string, files: Array<{ name: string; gap: boolean }>): Promise<void> {
  if (!files.length) return;
  const c = await runningDb(docker, ref, installationId);
  if (!c) return;
  const paths = files.map((f) => {
    if (!NAME.test(f.name)) throw new InvalidStateError("Not a WAL file name.");
    return `${ARCHIVE_MOUNT}/${f.gap ? GAP_PREFIX : ""}${f.name}`;
  });
  await runExec(docker, c, ["rm", "-f", "--", ...paths], { user: "postgres" });
}

/** After a point-in-time restore is committed: the WAL it staged in PGDATA goes. */
export async function removeRestoreWal(docker: Docker, ref: string, installationId: string): Promise<void> {
  const c = await runningDb(docker, ref, installationId);
  if (!c) return;
  await runExec(docker, c, ["rm", "-rf", "--", `${PGDATA}/${RESTORE_WAL_DIR}`], { user: "postgres" });
}
