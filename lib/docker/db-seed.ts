// Seeds a project's new db data volume (lib/stack/db-seed.ts says what and
// why). A seed is engine-wide and keyed by everything that decides a first
// boot (the db image id, its init files and settings), so every installation
// on the engine can read it; it holds no project's data or secrets. It is
// made once, by the db image itself (its own entrypoint, its own init), with
// throwaway secrets, then stopped cleanly and marked complete; nothing ever
// writes to a complete seed. Seeding is a speed-up only: when a seed cannot
// be made or a fill fails, the data volume is made empty again and the db
// initialises itself as it always did.
import { randomBytes } from "node:crypto";
import type Docker from "dockerode";
import { statusOf } from "@/lib/docker/client";
import { filesArchive, inspectOrNull } from "@/lib/docker/containers";
import { logTail } from "@/lib/docker/logs";
import { untilProbeOk } from "@/lib/docker/probe";
import { readTarFiles, tarOf } from "@/lib/docker/tar";
import { volumeLabels } from "@/lib/docker/volume-helper";
import { ResourceConflictError, StackTimeoutError } from "@/lib/errors";
import {
  DB_DATA_TARGET,
  SEED_KEY_LABEL,
  SEED_MARKER,
  SEED_MOUNT,
  SEED_ROLE,
  dbSeedPlan,
  fillScript,
  seedEnv,
  seedKey,
  seedLabels,
  seedVolumeName,
  type DbSeedPlan,
} from "@/lib/stack/db-seed";
import { LABELS, type StackSpec } from "@/lib/stack/types";

const SEED_DEADLINE_MS = 180_000;
const FILL_DEADLINE_MS = 180_000;

export type SeedOutcome = { seeded: true; ms: number } | { seeded: false; reason: string };

/** Seeds made or checked complete by this process: a complete seed never changes. */
const complete = new Set<string>();
/** One making per seed in this process; other processes meet at the maker's container name. */
const making = new Map<string, Promise<void>>();

/**
 * Fills `spec`'s db data volume, which this start has just created (empty),
 * from the seed of its template db. A volume that holds a database is left
 * as it is (the fill finds PG_VERSION and stops). Never throws for a seed
 * problem: it reports it, and the db initialises itself.
 */
export async function seedDbVolume(docker: Docker, spec: StackSpec): Promise<SeedOutcome> {
  const plan = dbSeedPlan(spec);
  if (!plan) return { seeded: false, reason: "the stack has no db data volume" };
  const t = performance.now();
  let key: string;
  try {
    const imageId = ((await docker.getImage(plan.db.image).inspect()) as { Id: string }).Id;
    key = seedKey(plan, imageId);
    await ensureSeed(docker, plan, key, spec.installationId);
  } catch (err) {
    return { seeded: false, reason: `no seed: ${message(err)}` };
  }
  try {
    await runFill(docker, spec, plan, key);
    return { seeded: true, ms: performance.now() - t };
  } catch (err) {
    // The fill removes its own half-made copy (its staging folder) on any failure; the volume is never removed here.
    return { seeded: false, reason: `fill failed: ${message(err)}` };
  }
}

async function ensureSeed(docker: Docker, plan: DbSeedPlan, key: string, installationId: string): Promise<void> {
  // Still there? An operator may have removed it (mounting a missing one would make an empty, unlabelled volume).
  if (complete.has(key) && (await volumeLabels(docker, seedVolumeName(key))) !== null) return;
  complete.delete(key);
  let p = making.get(key);
  if (!p) {
    p = makeSeed(docker, plan, key, installationId).finally(() => making.delete(key));
    making.set(key, p);
  }
  await p;
  complete.add(key);
}

async function makeSeed(docker: Docker, plan: DbSeedPlan, key: string, installationId: string): Promise<void> {
  const volume = seedVolumeName(key);
  const maker = `${volume}-maker`;
  for (let attempt = 0; attempt < 3; attempt++) {
    const labels = await volumeLabels(docker, volume);
    if (labels && (labels[LABELS.role] !== SEED_ROLE || labels[SEED_KEY_LABEL] !== key))
      throw new ResourceConflictError(`Volume ${volume} exists and is not this seed; it was left untouched.`);
    if (labels && (await seedComplete(docker, volume, key, plan.db.image))) return;
    const makerState = await containerState(docker, maker);
    if (makerState === "running") {
      // Another process is making it: wait for its mark.
      if (await waitForSeed(docker, volume, maker, key, plan.db.image)) return;
      continue;
    }
    // Incomplete and nobody making it: the leftovers of a making that died. A seed holds no one's data.
    if (makerState !== null) await removeContainer(docker, maker);
    if (labels) await docker.getVolume(volume).remove();
    await docker.createVolume({ Name: volume, Labels: seedLabels(key, installationId) });
    try {
      await docker.createContainer({
        name: maker,
        Image: plan.db.image,
        Env: Object.entries(seedEnv(plan.db, () => randomBytes(24).toString("hex"))).map(([k, v]) => `${k}=${v}`),
        Entrypoint: plan.db.entrypoint,
        Cmd: plan.db.cmd,
        User: plan.db.user,
        Labels: seedLabels(key, installationId),
        HostConfig: {
          NetworkMode: "none",
          Mounts: [{ Type: "volume", Source: volume, Target: DB_DATA_TARGET, ReadOnly: false }],
          Memory: plan.db.limits.memoryBytes,
          MemorySwap: plan.db.limits.memoryBytes,
        },
      });
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
      if (await waitForSeed(docker, volume, maker, key, plan.db.image)) return; // another process won the name
      continue;
    }
    try {
      const c = docker.getContainer(maker);
      if (plan.db.files.length) await c.putArchive(await filesArchive(plan.db), { path: "/" });
      await c.start();
      await untilReady(docker, plan, maker);
      await c.stop({ t: 60 });
      const info = (await c.inspect()) as { State: { ExitCode: number } };
      if (info.State.ExitCode !== 0) throw new Error(`the seed's database stopped with exit code ${info.State.ExitCode}`);
      // The mark goes in last: a seed without it is never used.
      await c.putArchive(await tarOf(SEED_MARKER, JSON.stringify({ key, madeAt: new Date().toISOString() })), { path: DB_DATA_TARGET });
      return;
    } finally {
      await removeContainer(docker, maker);
    }
  }
  throw new Error("the seed could not be made (another process kept failing at it)");
}

/** Until the db's own health check passes (its init is over: the init server listens on no TCP port). */
async function untilReady(docker: Docker, plan: DbSeedPlan, name: string): Promise<void> {
  const test = plan.db.healthcheck?.test;
  if (!test) throw new Error("the db has no health check to tell when its first boot is over");
  await untilProbeOk(docker, name, test, {
    deadlineMs: SEED_DEADLINE_MS,
    label: "db (seed)",
    stopped: (state) => `the seed's database ${state} during its first boot`,
  });
}

async function waitForSeed(docker: Docker, volume: string, maker: string, key: string, image: string): Promise<boolean> {
  const deadline = Date.now() + SEED_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (await seedComplete(docker, volume, key, image)) return true;
    if ((await containerState(docker, maker)) === null) return seedComplete(docker, volume, key, image);
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return false;
}

/** Whether the seed volume carries its completion mark, read through a never-started container. */
async function seedComplete(docker: Docker, volume: string, key: string, image: string): Promise<boolean> {
  if ((await volumeLabels(docker, volume)) === null) return false; // mounting a missing volume would make one
  const c = await docker.createContainer({
    name: `${volume}-check-${randomBytes(4).toString("hex")}`,
    Image: image,
    Entrypoint: ["/supafleet-seed-check-is-never-started"],
    Cmd: [],
    Labels: { [LABELS.managed]: "true", [LABELS.role]: SEED_ROLE },
    HostConfig: { NetworkMode: "none", Mounts: [{ Type: "volume", Source: volume, Target: SEED_MOUNT, ReadOnly: true }] },
  });
  try {
    let stream: NodeJS.ReadableStream;
    try {
      stream = (await c.getArchive({ path: `${SEED_MOUNT}/${SEED_MARKER}` })) as NodeJS.ReadableStream;
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw err;
    }
    const [marker] = await readTarFiles(stream, (base) => base === SEED_MARKER);
    return marker !== undefined && (JSON.parse(marker.content) as { key?: string }).key === key;
  } finally {
    await removeContainer(docker, c.id);
  }
}

async function runFill(docker: Docker, spec: StackSpec, plan: DbSeedPlan, key: string): Promise<void> {
  const name = `supafleet-${spec.ref}-dbfill`;
  await removeContainer(docker, name); // a fill a crash left behind; it is this project's
  const c = await docker.createContainer({
    name,
    Image: plan.db.image,
    User: "root",
    Entrypoint: ["/bin/sh", "-c", fillScript(plan, key)],
    Cmd: [],
    Env: Object.entries(plan.db.env).map(([k, v]) => `${k}=${v}`),
    Labels: { [LABELS.managed]: "true", [LABELS.installation]: spec.installationId, [LABELS.ref]: spec.ref, [LABELS.role]: "db-fill" },
    HostConfig: {
      NetworkMode: "none",
      Mounts: [
        ...plan.db.mounts.map((m) => ({ Type: m.type, Source: m.source, Target: m.target, ReadOnly: m.readOnly })),
        { Type: "volume" as const, Source: seedVolumeName(key), Target: SEED_MOUNT, ReadOnly: true },
      ],
      Memory: plan.db.limits.memoryBytes,
      MemorySwap: plan.db.limits.memoryBytes,
    },
  });
  try {
    if (plan.db.files.length) await c.putArchive(await filesArchive(plan.db), { path: "/" });
    await c.start();
    const done = (await Promise.race([c.wait(), new Promise((r) => setTimeout(() => r(null), FILL_DEADLINE_MS))])) as { StatusCode: number } | null;
    if (!done) throw new StackTimeoutError(["db (fill)"], FILL_DEADLINE_MS / 1000);
    if (done.StatusCode !== 0) throw new Error(`exit code ${done.StatusCode}: ${await lastLines(docker, name)}`);
  } finally {
    await removeContainer(docker, name);
  }
}

async function containerState(docker: Docker, name: string): Promise<string | null> {
  return (await inspectOrNull(docker, name))?.State.Status ?? null;
}

async function removeContainer(docker: Docker, name: string): Promise<void> {
  try {
    await docker.getContainer(name).remove({ force: true });
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
}

/** The container's last lines for an error message; a container already gone has none. */
function lastLines(docker: Docker, name: string): Promise<string> {
  return logTail(docker, name, 20).catch((err: unknown) => `(no logs: ${message(err)})`);
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 500);
}
