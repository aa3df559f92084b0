// A project's data as tar entries, and back. Entries are named
// data/<volume key>/<path> and grouped by volume.
//
// The database: a PostgreSQL base backup of the cluster (the files of PGDATA
// plus the WAL that makes them consistent), so a restore is the same cluster,
// bytes and all: every database, role, extension and setting, with nothing to
// replay through SQL. It restores only into the same Postgres (the template
// version is recorded on the backup and checked).
// - Running database ("hot"): the low-level base backup API in one psql session
//   (pg_backup_start / pg_backup_stop, PostgreSQL docs 26.3.3), the files read
//   by the container's own GNU tar (which tolerates files that change while
//   read, as a base backup expects; the engine's archive API aborts on them),
//   backup_label from pg_backup_stop, and the WAL segments from start to stop.
//   A temporary physical replication slot made first keeps those segments
//   from being recycled while the copy runs. pg_basebackup is not usable: the
//   image's pg_hba.conf has no replication entry (supabase/postgres 7db7e1a).
// - Stopped database ("cold"): the files of PGDATA as they are, through a
//   never-started helper; Postgres recovers them as after a shutdown or crash.
// Other volumes (storage files, db-config with pgsodium's root key, functions,
// snippets) are read through never-started helpers after the database, so
// every object the database lists has its file in the backup.
import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type Docker from "dockerode";
import { extract, type Pack, pack as newPack } from "tar-stream";

type Headers = Parameters<Pack["entry"]>[0];
import { statusOf } from "@/lib/docker/client";
import { startExec } from "@/lib/docker/exec-stream";
import { ensureImages } from "@/lib/docker/images";
import { ownedBy } from "@/lib/docker/resources";
import { PsqlSession } from "@/lib/docker/psql-session";
import { assertOwnVolume, HELPER_MOUNT, volumeLabels, withVolumeHelper } from "@/lib/docker/volume-helper";
import { CACHE_VOLUMES, DB_VOLUME, dataVolumes } from "@/lib/stack/volumes";
import { InvalidStateError, ResourceConflictError } from "@/lib/errors";
import { containerName } from "@/lib/stack/build-stack-spec";
import type { StackSpec } from "@/lib/stack/types";
import { RESTORE_WAL_DIR } from "@/lib/stack/wal-archive";
import type { ExportMethod, ImportEntry } from "@/lib/stack/runtime-port";

// Not part of a base backup (PostgreSQL docs 26.3.3): made again at start, or
// must not be carried over (the live server's pid file, its replication slots).
const SKIP_ALWAYS = ["postmaster.pid", "postmaster.opts", "backup_label", "backup_label.old", "tablespace_map"];
const SKIP_CONTENTS_HOT = ["pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_stat_tmp", "pg_subtrans"];
// The WAL a point-in-time restore staged (lib/stack/wal-archive.ts RESTORE_WAL_DIR), should its removal have been cut short.
const TAR_EXCLUDES = [
  ...SKIP_ALWAYS.map((f) => `--exclude=./${f}`),
  ...SKIP_CONTENTS_HOT.map((d) => `--exclude=./${d}/*`),
  "--exclude=pgsql_tmp*",
  `--exclude=./${RESTORE_WAL_DIR}`,
];

export const entryPrefix = (key: string) => `data/${key}/`;

function dbImage(spec: StackSpec): string {
  const db = spec.services.find((s) => s.service === "db");
  if (!db) throw new InvalidStateError("The stack has no db service.");
  return db.image;
}

async function dbRunning(docker: Docker, spec: StackSpec): Promise<boolean> {
  try {
    const info = (await docker.getContainer(containerName(spec.ref, "db")).inspect()) as {
      State: { Running: boolean };
      Config: { Labels?: Record<string, string> };
      Mounts?: Array<{ Name?: string; Destination: string }>;
    };
    if (!ownedBy(info.Config.Labels, spec.ref, spec.installationId))
      throw new ResourceConflictError(`The db container of ${spec.ref} is not this installation's.`);
    const dataVolume = dataVolumes(spec).find((v) => v.key === DB_VOLUME)?.name;
    // A db container on another generation's volume is not this data.
    if (!info.Mounts?.some((m) => m.Name === dataVolume)) return false;
    return info.State.Running;
  } catch (err) {
    if (statusOf(err) === 404) return false;
    throw err;
  }
}

/** Adds the entries of a tar stream to `out` under `prefix`; returns the first entry's owner. */
async function copyEntries(
  source: Readable,
  out: Pack,
  prefix: string,
  skip: (rel: string) => boolean = () => false,
): Promise<{ uid: number; gid: number } | null> {
  const ex = extract();
  let owner: { uid: number; gid: number } | null = null;
  const reading = pipeline(source, ex);
  for await (const entry of ex) {
    const h = entry.header;
    const rel = h.name.replace(/^\.?\/+/, "").replace(/^\.$/, "");
    owner ??= { uid: h.uid ?? 0, gid: h.gid ?? 0 };
    if (!rel || skip(rel) || !["file", "directory", "symlink"].includes(h.type ?? "file")) {
      entry.resume();
      continue;
    }
    const header: Headers = {
      name: `${prefix}${rel}`,
      size: h.size,
      mode: h.mode,
      mtime: h.mtime,
      type: h.type,
      linkname: h.linkname,
      uid: h.uid,
      gid: h.gid,
      uname: h.uname,
      gname: h.gname,
    };
    if (h.type === "file") await pipeline(entry, out.entry(header));
    else {
      entry.resume();
      await new Promise<void>((resolve, reject) => out.entry(header, (err) => (err ? reject(err) : resolve())));
    }
  }
  await reading;
  return owner;
}

function addFile(out: Pack, name: string, content: string, owner: { uid: number; gid: number }): Promise<void> {
  return new Promise((resolve, reject) =>
    out.entry({ name, mode: 0o600, uid: owner.uid, gid: owner.gid, mtime: new Date() }, content, (err) => (err ? reject(err) : resolve())),
  );
}

/** Streams a program's tar output (exit 0, or 1: files changed while read) into `out`. */
async function tarFromExec(docker: Docker, container: string, cmd: string[], out: Pack, prefix: string): Promise<{ uid: number; gid: number } | null> {
  const h = await startExec(docker, container, cmd, { user: "postgres" });
  const owner = await copyEntries(h.stdout, out, prefix);
  const code = await h.exitCode();
  // GNU tar: 1 = "some files differ" (changed while archived), expected in a base backup.
  if (code !== 0 && code !== 1) throw new InvalidStateError(`tar failed in ${container} (exit ${code}): ${h.stderr().trim().slice(0, 500)}`);
  return owner;
}

const b64 = (s: string) => Buffer.from(s, "base64").toString("utf8");

/** WAL segment number of a file name (TLI, log, seg), for a segment size in bytes. */
function segmentNumber(name: string, segmentBytes: number): bigint {
  const perLog = 0x100000000n / BigInt(segmentBytes);
  return BigInt(`0x${name.slice(8, 16)}`) * perLog + BigInt(`0x${name.slice(16, 24)}`);
}

const UNITS: Record<string, number> = { "": 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

function parseSize(text: string): number {
  const m = /^(\d+)\s*(kB|MB|GB)?$/.exec(text.trim());
  if (!m) throw new InvalidStateError(`Unexpected wal_segment_size "${text.trim()}".`);
  return Number(m[1]) * UNITS[m[2] ?? ""]!;
}

async function exportDatabaseHot(docker: Docker, spec: StackSpec, out: Pack): Promise<void> {
  const container = containerName(spec.ref, "db");
  const prefix = entryPrefix(DB_VOLUME);
  const s = await PsqlSession.open(docker, container);
  try {
    const slot = `supafleet_backup_${randomBytes(6).toString("hex")}`;
    // Reserves WAL from now until the session ends (temporary slot).
    await s.query(`SELECT 1 FROM pg_create_physical_replication_slot('${slot}', true, true);`);
    const dataDir = (await s.query("SHOW data_directory;")).trim();
    const segmentBytes = parseSize(await s.query("SHOW wal_segment_size;"));
    await s.query("SELECT pg_backup_start('supafleet', true);");
    const owner = await tarFromExec(
      docker,
      container,
      ["tar", "-C", dataDir, ...TAR_EXCLUDES, "--warning=no-file-changed", "--warning=no-file-removed", "--warning=no-file-shrank", "-cf", "-", "."],
      out,
      prefix,
    );
    if (!owner) throw new InvalidStateError("tar of the database files was empty.");
    const slotState = (await s.query(`SELECT coalesce(wal_status, 'none') FROM pg_replication_slots WHERE slot_name = '${slot}';`)).trim();
    if (slotState !== "reserved" && slotState !== "extended")
      throw new InvalidStateError(`The WAL the backup needs was not kept (slot ${slotState || "gone"}).`);
    const [label64 = "", map64 = "", stopFile = ""] = (
      await s.query(
        `SELECT translate(encode(convert_to(labelfile, 'UTF8'), 'base64'), E'\\n', ''), translate(encode(convert_to(coalesce(spcmapfile, ''), 'UTF8'), 'base64'), E'\\n', ''), pg_walfile_name(lsn) FROM pg_backup_stop(false);`,
      )
    )
      .trim()
      .split("|");
    if (b64(map64).trim()) throw new InvalidStateError("The cluster uses tablespaces, which backups do not support.");
    const label = b64(label64);
    const startFile = /START WAL LOCATION: \S+ \(file ([0-9A-F]{24})\)/.exec(label)?.[1];
    if (!startFile || !/^[0-9A-F]{24}$/.test(stopFile)) throw new InvalidStateError("pg_backup_stop returned an unexpected backup label.");
    const files = (
      await s.query(
        `SELECT name FROM pg_ls_waldir() WHERE (name ~ '^[0-9A-F]{24}$' AND name >= '${startFile}' AND name <= '${stopFile}') OR name ~ '^[0-9A-F]{8}\\.history$' ORDER BY name;`,
      )
    )
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    const segments = files.filter((f) => f.length === 24);
    const expected = segmentNumber(stopFile, segmentBytes) - segmentNumber(startFile, segmentBytes) + 1n;
    if (BigInt(segments.length) !== expected || segments[0] !== startFile)
      throw new InvalidStateError(`WAL segments ${startFile}..${stopFile} are not all on disk (${segments.length} of ${expected}).`);
    await addFile(out, `${prefix}backup_label`, label, owner);
    await tarFromExec(docker, container, ["tar", "-C", dataDir, "-cf", "-", ...files.map((f) => `pg_wal/${f}`)], out, prefix);
  } finally {
    await s.close();
  }
}

async function exportVolume(
  docker: Docker,
  spec: StackSpec,
  v: { key: string; name: string },
  image: string,
  out: Pack,
  skip?: (rel: string) => boolean,
): Promise<void> {
  await assertOwnVolume(docker, v.name, spec.ref, spec.installationId);
  await withVolumeHelper(docker, { ref: spec.ref, installationId: spec.installationId, image, volume: v.name, readOnly: true }, async (c) => {
    const stream = (await c.getArchive({ path: `${HELPER_MOUNT}/.` })) as unknown as Readable;
    await copyEntries(stream, out, entryPrefix(v.key), skip);
  });
}

/**
 * Writes the spec's data (every volume but metadata and caches) into `out`.
 * Hot when the db container of this generation runs, else cold.
 */
export async function exportData(docker: Docker, spec: StackSpec, out: Pack, opts: { skipVolumes?: string[] } = {}): Promise<ExportMethod> {
  const image = dbImage(spec);
  const all = dataVolumes(spec).filter((v) => !CACHE_VOLUMES.includes(v.key));
  if (!all.some((v) => v.key === DB_VOLUME)) throw new InvalidStateError("The stack has no database volume.");
  // Skipped volumes (a data upgrade makes the database anew) are not read at all.
  const volumes = all.filter((v) => !opts.skipVolumes?.includes(v.key));
  const db = volumes.find((v) => v.key === DB_VOLUME);
  const method: ExportMethod = (await dbRunning(docker, spec)) ? "hot" : "cold";
  // db-config first: it holds what the cluster needs at start (pgsodium's root key).
  const order = [...volumes.filter((v) => v.key === "db-config"), ...(db ? [db] : []), ...volumes.filter((v) => v.key !== "db-config" && v !== db)];
  for (const v of order) {
    if (v === db && method === "hot") await exportDatabaseHot(docker, spec, out);
    else if (v === db) await exportVolume(docker, spec, v, image, out, (rel) => SKIP_ALWAYS.includes(rel) && rel !== "backup_label");
    else await exportVolume(docker, spec, v, image, out);
  }
  return method;
}

/**
 * Makes the spec's data volumes (they must not exist: a restore always fills
 * a new generation) and fills them from entries written by exportData.
 * Volumes the entries do not mention (caches) are made empty.
 */
export async function importData(docker: Docker, spec: StackSpec, entries: AsyncIterable<ImportEntry>): Promise<string[]> {
  const image = dbImage(spec);
  await ensureImages(docker, [image], () => undefined);
  const volumes = dataVolumes(spec);
  for (const v of volumes) {
    if ((await volumeLabels(docker, v.name)) !== null) throw new ResourceConflictError(`Volume ${v.name} already exists; a restore fills new volumes only.`);
  }
  for (const v of volumes) await docker.createVolume({ Name: v.name, Labels: v.labels });
  const filled: string[] = [];
  type Open = { key: string; pack: Pack; upload: Promise<unknown> };
  const state: { current: Open | null } = { current: null };
  const finish = async () => {
    const open = state.current;
    if (!open) return;
    open.pack.finalize();
    await open.upload;
    filled.push(open.key);
    state.current = null;
  };
  try {
    for await (const { header, body } of entries) {
      const m = /^data\/([a-z0-9-]{1,64})\/(.*)$/.exec(header.name);
      const v = m ? volumes.find((x) => x.key === m[1]) : undefined;
      if (!m || !v) throw new InvalidStateError(`Unexpected entry ${header.name.slice(0, 200)} in the backup.`);
      const rel = m[2]!;
      if (rel.split("/").includes("..")) throw new InvalidStateError("A backup entry points outside its volume.");
      if (state.current?.key !== v.key) {
        await finish();
        if (filled.includes(v.key)) throw new InvalidStateError(`The backup's entries of ${v.key} are not together.`);
        const pack = newPack();
        // The upload runs while entries are added; it ends when the pack is finalized.
        const upload = withVolumeHelper(docker, { ref: spec.ref, installationId: spec.installationId, image, volume: v.name, readOnly: false }, (c) =>
          c.putArchive(pack as unknown as NodeJS.ReadableStream, { path: HELPER_MOUNT }),
        );
        upload.catch(() => undefined);
        state.current = { key: v.key, pack, upload };
      }
      const h: Headers = { ...header, name: rel };
      const target = state.current!.pack;
      if (header.type === "file") await pipeline(body, target.entry(h));
      else {
        body.resume();
        await new Promise<void>((resolve, reject) => target.entry(h, (err) => (err ? reject(err) : resolve())));
      }
    }
    await finish();
  } catch (err) {
    state.current?.pack.destroy(err as Error);
    throw err;
  }
  return filled;
}
