// A project's data moved to a template whose Postgres is of a newer major
// (15 → 17). A Postgres server refuses a data directory of another major, so
// the cluster is carried over by dump and restore, into a NEW generation of
// volumes (lib/stack/volumes.ts); on the old generation only its own
// server ever runs (no file is converted or copied over):
//
// 1. Every data volume but the database is copied as it is (storage files,
//    db-config with pgsodium's root key, functions, snippets). The copy keeps
//    the old owners, and the 17 image's postgres account is not the 15
//    image's, so db-config is then handed to the new image's postgres and
//    gets the conf.d folder the 17 config includes (prepareConfigVolume), as
//    upstream's upgrade does. Its 15-era files (supautils.conf and the rest)
//    stay, as upstream's do: it chowns that volume and changes no file.
// 2. The old cluster is started by its own image, and a new, empty one by the
//    new image: the new image's entrypoint runs initdb (its own initdb
//    arguments, superuser and password) with an empty tmpfs over
//    /docker-entrypoint-initdb.d, so none of the image's Supabase init runs
//    (supabase/postgres puts all of it in /docker-entrypoint-initdb.d/migrate.sh:
//    migrations/db/migrate.sh, Dockerfile-17 `COPY migrations/db /docker-entrypoint-initdb.d/`).
// 3. The new image's pg_dumpall reads the old server over the project's
//    network (PostgreSQL docs, "Upgrading a PostgreSQL Cluster": use the newer
//    version's pg_dumpall), and its psql loads the dump with ON_ERROR_STOP: every
//    role with its password, every database with its settings and grants,
//    schemas, extensions, data. The one line that cannot apply to a new
//    cluster (creating or dropping the superuser it runs as) is left out.
// 4. Statistics are made again (vacuumdb --analyze-in-stages), both servers
//    stop cleanly, and the helpers go.
//
// Why not pg_upgrade, as upstream's docker/utils/upgrade-pg17.sh does: it
// needs the old and new server binaries in one container. Upstream extracts
// the 17 binaries into the 15 container, which works only for a 17 image
// built on the same glibc (it pins supabase/postgres:17.6.1.063 for that).
// A dump needs only each image's own programs, and leaves the old files
// untouched by any new binary.
import { pipeline } from "node:stream/promises";
import type Docker from "dockerode";
import { extract, pack as newPack } from "tar-stream";
import { statusOf } from "@/lib/docker/client";
import { filesArchive, inspectOrNull } from "@/lib/docker/containers";
import { exportData, importData } from "@/lib/docker/data-archive";
import type { DataUpgradeOptions, ImportEntry } from "@/lib/stack/runtime-port";
import { runExec, startExec } from "@/lib/docker/exec-stream";
import { LineFilter, rewriteDumpLine, skippedDumpLines } from "@/lib/docker/dump-filter";
import { logTail } from "@/lib/docker/logs";
import { prepareConfigVolume } from "@/lib/docker/pg-config-volume";
import { untilProbeOk } from "@/lib/docker/probe";
import { SUPERUSER } from "@/lib/docker/psql-session";
import { ensureNetwork, ownedBy } from "@/lib/docker/resources";
import { DB_VOLUME } from "@/lib/stack/volumes";
import { InvalidStateError, ResourceConflictError } from "@/lib/errors";
import { LABELS, type ServiceSpec, type StackSpec } from "@/lib/stack/types";

/** The helpers' role label: never a service of the stack, removed with the project. */
export const UPGRADE_ROLE = "db-upgrade";
const INIT_DIR = "/docker-entrypoint-initdb.d";
const READY_DEADLINE_MS = 180_000;

function dbOf(spec: StackSpec): ServiceSpec {
  const db = spec.services.find((s) => s.service === "db");
  if (!db) throw new InvalidStateError("The stack has no db service.");
  return db;
}

export const upgradeHelperName = (ref: string, side: "from" | "to" | "config") => `supafleet-${ref}-pgupgrade-${side}`;

/**
 * Fills `to`'s data volumes (a new generation: none may exist) from `from`'s,
 * with the database converted to `to`'s Postgres. `from`'s stack must be
 * stopped. On failure `to`'s volumes may hold a partial copy: the caller
 * removes that generation; `from`'s volumes are as they were.
 */
export async function upgradeData(docker: Docker, from: StackSpec, to: StackSpec, opts: DataUpgradeOptions): Promise<void> {
  if (from.ref !== to.ref || from.installationId !== to.installationId) throw new InvalidStateError("An upgrade stays within one project.");
  const check = () => {
    if (opts.signal?.aborted) throw new InvalidStateError("Cancelled.");
  };
  opts.onStep("Copying the project's files and settings into new volumes");
  await copyVolumes(docker, from, to, [DB_VOLUME]);
  check();
  await ensureNetwork(docker, from);
  await prepareConfigVolume(docker, to, {
    name: upgradeHelperName(to.ref, "config"),
    labels: { [LABELS.managed]: "true", [LABELS.installation]: to.installationId, [LABELS.ref]: to.ref, [LABELS.role]: UPGRADE_ROLE },
    remove: (name) => removeHelper(docker, name, to),
  });
  check();
  const names = { from: upgradeHelperName(from.ref, "from"), to: upgradeHelperName(from.ref, "to") };
  try {
    opts.onStep("Starting the old database and a new, empty one");
    await startHelper(docker, from, names.from, "from");
    await startHelper(docker, to, names.to, "to");
    await Promise.all([untilReady(docker, dbOf(from), names.from), untilReady(docker, dbOf(to), names.to)]);
    check();
    await checkExtensions(docker, names, opts.password);
    check();
    opts.onStep("Copying every role, database and row into the new database");
    await dumpAndRestore(docker, names, opts.password);
    check();
    opts.onStep("Gathering the new database's statistics");
    await run(docker, names.to, ["vacuumdb", "-h", "127.0.0.1", "-U", SUPERUSER, "--all", "--analyze-in-stages"], opts.password);
    for (const name of [names.to, names.from]) await stopCleanly(docker, name);
  } finally {
    for (const name of [names.to, names.from]) await removeHelper(docker, name, from);
  }
}

/** Streams every data volume of `from` but `except` into `to`'s new volumes (importData makes them all; the skipped ones empty). */
async function copyVolumes(docker: Docker, from: StackSpec, to: StackSpec, except: string[]): Promise<void> {
  const out = newPack();
  const ex = extract();
  const piping = pipeline(out, ex);
  // Awaited below; once the others failed it may reject later, unawaited.
  piping.catch(() => undefined);
  const iterator = ex[Symbol.asyncIterator]();
  const entries: AsyncIterable<ImportEntry> = {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        const r = await iterator.next();
        return r.done ? { done: true, value: undefined } : { done: false, value: { header: r.value.header, body: r.value as unknown as ImportEntry["body"] } };
      },
    }),
  };
  const producing = exportData(docker, from, out, { skipVolumes: except }).then(() => {
    out.finalize();
  });
  try {
    await Promise.all([producing, importData(docker, to, entries), piping]);
  } catch (err) {
    out.destroy();
    ex.destroy();
    throw err;
  }
}

/** A container of the spec's db image on the spec's volumes, not one of the stack's services. */
async function startHelper(docker: Docker, spec: StackSpec, name: string, side: "from" | "to"): Promise<void> {
  const db = dbOf(spec);
  await removeHelper(docker, name, spec); // one a crash left behind
  const fresh = side === "to";
  // The new cluster gets none of the image's or the template's init: the dump brings everything.
  const files = fresh ? db.files.filter((f) => !f.path.startsWith(`${INIT_DIR}/`)) : db.files;
  const c = await docker.createContainer({
    name,
    Image: db.image,
    Env: Object.entries(db.env).map(([k, v]) => `${k}=${v}`),
    Entrypoint: db.entrypoint,
    Cmd: db.cmd,
    User: db.user,
    Labels: { [LABELS.managed]: "true", [LABELS.installation]: spec.installationId, [LABELS.ref]: spec.ref, [LABELS.role]: UPGRADE_ROLE },
    HostConfig: {
      NetworkMode: spec.network.name,
      Mounts: db.mounts.map((m) => ({ Type: m.type, Source: m.source, Target: m.target, ReadOnly: m.readOnly })),
      ...(fresh ? { Tmpfs: { [INIT_DIR]: "rw,mode=0755" } } : {}),
      Memory: db.limits.memoryBytes,
      MemorySwap: db.limits.memoryBytes,
      NanoCpus: db.limits.nanoCpus,
      PidsLimit: db.limits.pids,
    },
  });
  if (files.length) await c.putArchive(await filesArchive({ ...db, files }), { path: "/" });
  await c.start();
}

/** Until the db's own health check passes: a first boot's init server listens on no TCP port, so this is the real server. */
async function untilReady(docker: Docker, db: ServiceSpec, name: string): Promise<void> {
  const test = db.healthcheck?.test;
  if (!test) throw new InvalidStateError("The db has no health check to tell when it is ready.");
  const side = name.endsWith("-to") ? "new" : "old";
  await untilProbeOk(docker, name, test, { deadlineMs: READY_DEADLINE_MS, label: name, stopped: (state) => `The ${side} database ${state} at start` });
}

const psql = (host: string, db: string, extra: string[]) => [
  "psql",
  "-X",
  "-q",
  "-A",
  "-t",
  "-v",
  "ON_ERROR_STOP=1",
  "-h",
  host,
  "-U",
  SUPERUSER,
  "-d",
  db,
  ...extra,
];

/** Runs a program in a helper as postgres, with the superuser's password; its stdout (runExec fails on a non-zero exit). */
function run(docker: Docker, container: string, cmd: string[], password: string): Promise<string> {
  return runExec(docker, container, cmd, { user: "postgres", env: [`PGPASSWORD=${password}`] });
}

const lines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * Every extension the old cluster uses must exist in the new image (upstream's
 * script names timescaledb, plv8, plcoffee and plls as gone in 17). Checked
 * before any data moves, with a message that says what to do.
 */
async function checkExtensions(docker: Docker, names: { from: string; to: string }, password: string): Promise<void> {
  const dbs = lines(
    await run(docker, names.to, psql(names.from, "postgres", ["-c", "SELECT datname FROM pg_database WHERE datallowconn ORDER BY 1"]), password),
  );
  const used = new Map<string, string[]>();
  for (const d of dbs) {
    for (const ext of lines(await run(docker, names.to, psql(names.from, d, ["-c", "SELECT extname FROM pg_extension ORDER BY 1"]), password)))
      used.set(ext, [...(used.get(ext) ?? []), d]);
  }
  const available = new Set(lines(await run(docker, names.to, psql("127.0.0.1", "postgres", ["-c", "SELECT name FROM pg_available_extensions"]), password)));
  const missing = [...used.keys()].filter((e) => !available.has(e)).sort();
  if (missing.length)
    throw new InvalidStateError(
      `The new Postgres has no ${missing.map((e) => `${e} (used in ${used.get(e)!.join(", ")})`).join(", ")}. ` +
        `Drop ${missing.length === 1 ? "that extension" : "those extensions"} (DROP EXTENSION … CASCADE) and upgrade again; nothing was changed.`,
    );
}

/** The old cluster's pg_dumpall, through LineFilter, into the new cluster's psql; both must end well. */
async function dumpAndRestore(docker: Docker, names: { from: string; to: string }, password: string): Promise<void> {
  const env = [`PGPASSWORD=${password}`];
  const restore = await startExec(
    docker,
    names.to,
    ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-U", SUPERUSER, "-d", "postgres", "-f", "-"],
    {
      user: "postgres",
      env,
      stdin: true,
    },
  );
  // Drained, never kept: psql prints the dump's SELECTs, and an unread stdout would stall it (and exitCode never resolves).
  restore.stdout.resume();
  const dump = await startExec(docker, names.to, ["pg_dumpall", "-h", names.from, "-U", SUPERUSER, "--clean", "--if-exists"], { user: "postgres", env });
  dump.stdout.pipe(new LineFilter(skippedDumpLines(SUPERUSER), rewriteDumpLine)).pipe(restore.socket);
  const restored = await restore.exitCode();
  if (restored !== 0) throw new InvalidStateError(`Loading the dump into the new database failed (exit ${restored}): ${restore.stderr().trim().slice(-1500)}`);
  const dumped = await dump.exitCode();
  if (dumped !== 0) throw new InvalidStateError(`pg_dumpall of the old database failed (exit ${dumped}): ${dump.stderr().trim().slice(-1500)}`);
}

async function stopCleanly(docker: Docker, name: string): Promise<void> {
  const c = docker.getContainer(name);
  await c.stop({ t: 60 });
  const info = (await c.inspect()) as { State: { ExitCode: number } };
  if (info.State.ExitCode !== 0)
    throw new InvalidStateError(`The database in ${name} stopped with exit code ${info.State.ExitCode}: ${await lastLines(docker, name)}`);
}

/** Removes a helper if it is this project's (a name taken by anything else is refused, never removed). */
async function removeHelper(docker: Docker, name: string, spec: StackSpec): Promise<void> {
  const info = await inspectOrNull(docker, name);
  if (!info) return;
  if (!ownedBy(info.Config.Labels, spec.ref, spec.installationId) || info.Config.Labels?.[LABELS.role] !== UPGRADE_ROLE)
    throw new ResourceConflictError(`Container ${name} exists and is not this project's upgrade helper; left untouched.`);
  try {
    await docker.getContainer(name).remove({ force: true });
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
}

/**
 * Removes the ref's upgrade helpers. Every start calls this first: helpers live
 * only inside an upgrade (which holds the project's lock), so any found at a
 * start are what a crash left, and the old one may still have the data the
 * start is about to mount open. Two servers on one data directory in two
 * containers would not see each other's lock (postmaster.pid holds a pid of
 * another namespace).
 */
export async function removeUpgradeHelpers(docker: Docker, ref: string, installationId: string): Promise<number> {
  const filters = JSON.stringify({ label: [`${LABELS.ref}=${ref}`, `${LABELS.installation}=${installationId}`, `${LABELS.role}=${UPGRADE_ROLE}`] });
  const found = await docker.listContainers({ all: true, filters });
  for (const c of found) {
    try {
      await docker.getContainer(c.Id).remove({ force: true });
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }
  return found.length;
}

function lastLines(docker: Docker, name: string): Promise<string> {
  return logTail(docker, name, 20).catch((err: unknown) => `(no logs: ${err instanceof Error ? err.message : String(err)})`);
}
