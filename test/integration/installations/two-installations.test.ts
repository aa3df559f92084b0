// Two Supafleet installations on one Docker engine (a test run or a staging
// copy beside production), each with its own database: each creates, pauses
// and deletes a project while the other restarts again and again, and
// neither loses anything. Then a database restored from a copy taken before
// a project was created: the project comes back from the engine, data intact.
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import type Docker from "dockerode";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NoFreePortError } from "@/lib/errors";
import type { ProjectService } from "@/lib/projects/service";
import { LABELS } from "@/lib/stack/types";
import type { SessionUser } from "@/lib/auth/actor";
import { ensureDockerHost } from "@/test/support/docker-host";
import { openInstallation, type Installation } from "@/test/support/installation";
import { ensureStandinImages } from "@/test/support/standin-images";

let docker: Docker;
let a: Installation;
let b: Installation;
let alice: SessionUser;
let bob: SessionUser;
// The same port range for both, as a staging copy of production would have;
// NARROW is outside it, for the port test.
const PORTS = { start: 55500, end: 55596 };
const NARROW = { start: 55597, end: 55599 };

async function makeUser(inst: Installation, email: string): Promise<SessionUser> {
  const u = await inst.db.user.create({ data: { id: randomUUID(), email, passwordHash: "x", projectQuota: 10 } });
  return { id: u.id, email: u.email, name: null, role: "USER" };
}

/** Container ids and volume names of a ref, for proving nothing was recreated or removed. */
async function fingerprint(ref: string): Promise<{ containers: string[]; volumes: string[] }> {
  const filters = JSON.stringify({ label: [`${LABELS.ref}=${ref}`] });
  const [c, v] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listVolumes({ filters })]);
  return { containers: c.map((x) => x.Id).sort(), volumes: (v.Volumes ?? []).map((x) => x.Name).sort() };
}

async function query(service: ProjectService, user: SessionUser, ref: string, sql: string): Promise<pg.QueryResult> {
  const d = await service.getProjectDetails(user, ref);
  const client = new pg.Client({ connectionString: d.directUrl!.replace(/@[a-z]{20}\.[^:/]+:/, "@127.0.0.1:"), connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Restarts an installation `times` times (a new app process: new service, start-up reconcile) and returns the reports. */
async function restartRepeatedly(inst: Installation, times: number, until: () => Promise<unknown>) {
  const reports = [];
  let stop = false;
  const work = until().finally(() => (stop = true));
  for (let i = 0; i < times || !stop; i++) {
    const restarted = inst.restart();
    reports.push(await restarted.reconcile());
    await restarted.waitForAllJobs();
    if (i > 50) break;
  }
  await work;
  return reports;
}

async function healthy(inst: Installation, user: SessionUser, ref: string): Promise<void> {
  await inst.service.refreshStatus(ref);
  const p = await inst.service.getProject(user, ref);
  expect(p.status, `${ref}: ${p.statusReason ?? ""}`).toBe("ACTIVE_HEALTHY");
}

beforeAll(async () => {
  docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  a = await openInstallation({ portRange: PORTS });
  b = await openInstallation({ portRange: PORTS });
  expect(a.installationId).not.toBe(b.installationId);
  alice = await makeUser(a, "alice@example.com");
  bob = await makeUser(b, "bob@example.com");
});

afterAll(async () => {
  for (const inst of [a, b]) {
    if (!inst) continue;
    await inst.service.waitForAllJobs();
    for (const p of await inst.db.project.findMany({ where: { status: { not: "REMOVED" } } })) await inst.provisioner.destroy(p.ref).catch(() => undefined);
    await inst.db.$disconnect();
  }
});

describe("two installations on one engine", () => {
  let keepA: string;
  let keepB: string;
  let before: Record<string, { containers: string[]; volumes: string[] }>;

  it("each keeps a project with data while the other creates, pauses, deletes and restarts", async () => {
    // A's keeper gets exactly the last three ports of the range (see the next test).
    const narrowA = a.restart({ config: { portRange: NARROW } });
    [keepA, keepB] = await Promise.all([
      narrowA.createProject(alice, { name: "A keeps" }).then((p) => p.ref),
      b.service.createProject(bob, { name: "B keeps" }).then((p) => p.ref),
    ]);
    await Promise.all([narrowA.waitForIdle(keepA), b.service.waitForIdle(keepB)]);
    await healthy(a, alice, keepA);
    await healthy(b, bob, keepB);
    await query(a.service, alice, keepA, "create table precious (v text); insert into precious values ('a-data')");
    await query(b.service, bob, keepB, "create table precious (v text); insert into precious values ('b-data')");
    before = { [keepA]: await fingerprint(keepA), [keepB]: await fingerprint(keepB) };

    for (const [actor, other, user] of [
      [a, b, alice],
      [b, a, bob],
    ] as const) {
      // The other installation restarts again and again during this one's whole lifecycle.
      const reports = await restartRepeatedly(other, 2, async () => {
        const p = await actor.service.createProject(user, { name: "Comes and goes" });
        await actor.service.waitForIdle(p.ref);
        await healthy(actor, user, p.ref);
        await actor.service.pauseProject(user, p.ref);
        await actor.service.deleteProject(user, { ref: p.ref, confirmRef: p.ref });
        expect(await fingerprint(p.ref)).toEqual({ containers: [], volumes: [] });
      });
      // Every restart saw the other installation's stacks as foreign, and changed nothing of them.
      for (const r of reports) {
        expect(r.errors).toEqual([]);
        expect(r.quarantined).toEqual([]);
        expect(r.repaired.filter((x) => !x.includes("released"))).toEqual([]);
        expect(r.foreign.some((f) => f.startsWith(other === a ? keepB : keepA))).toBe(true);
      }
    }
    // Neither lost anything: the same containers, the same volumes, the data, healthy.
    expect(await fingerprint(keepA)).toEqual(before[keepA]);
    expect(await fingerprint(keepB)).toEqual(before[keepB]);
    await healthy(a, alice, keepA);
    await healthy(b, bob, keepB);
    expect((await query(a.service, alice, keepA, "select v from precious")).rows).toEqual([{ v: "a-data" }]);
    expect((await query(b.service, bob, keepB, "select v from precious")).rows).toEqual([{ v: "b-data" }]);
  });

  it("a paused project of one is never given the other's ports, and resumes on its own", async () => {
    await a.service.pauseProject(alice, keepA);
    const leasedA = (await a.db.portLease.findMany({ where: { project: { ref: keepA } } })).map((l) => l.port).sort();
    expect(leasedA).toEqual([55597, 55598, 55599]);
    // Nothing listens on A's ports now, and B's database does not know them:
    // only the engine's stopped containers say they are taken. B's only
    // ports are those three, so its create must be refused, not handed them.
    const narrowB = b.restart({ config: { portRange: NARROW } });
    await expect(narrowB.createProject(bob, { name: "Would steal" })).rejects.toBeInstanceOf(NoFreePortError);
    expect(await b.db.project.count({ where: { name: "Would steal" } })).toBe(0);
    await a.service.resumeProject(alice, keepA);
    await a.service.waitForIdle(keepA);
    await healthy(a, alice, keepA);
    expect((await query(a.service, alice, keepA, "select v from precious")).rows).toEqual([{ v: "a-data" }]);
  });
});

describe("a database restored from a copy taken before a project was created", () => {
  it("brings the project back from the engine with its data, secrets and ports", async () => {
    const snapshotDir = mkdtempSync(join(tmpdir(), "supafleet-restore-"));
    const dbFile = a.url.replace(/^file:/, "");
    const snapshot = join(snapshotDir, "before.db");
    // Last night's backup, taken the way SQLite backups are (the online backup
    // API: a consistent copy, write-ahead log included).
    const live = new Database(dbFile, { readonly: true });
    await live.backup(snapshot);
    live.close();
    const p = await a.service.createProject(alice, { name: "Made after the backup" });
    await a.service.waitForIdle(p.ref);
    await healthy(a, alice, p.ref);
    await query(a.service, alice, p.ref, "create table orders (id int); insert into orders values (42)");
    const details = await a.service.getProjectDetails(alice, p.ref);
    const engineBefore = await fingerprint(p.ref);

    // The operator restores last night's database and restarts Supafleet.
    await a.db.$disconnect();
    for (const f of [`${dbFile}-wal`, `${dbFile}-shm`]) rmSync(f, { force: true });
    copyFileSync(snapshot, dbFile);
    a = await openInstallation({ url: a.url, portRange: PORTS, masterKey: a.config.masterKey });
    expect(await a.db.project.findUnique({ where: { ref: p.ref } })).toBeNull();
    const report = await a.service.reconcile();
    expect(report.errors).toEqual([]);
    expect(report.repaired).toContain(`${p.ref}: rebuilt from its metadata (RESTORING)`);
    await a.service.waitForAllJobs();
    await healthy(a, alice, p.ref);
    const back = await a.service.getProjectDetails(alice, p.ref);
    expect(back.anonKey).toBe(details.anonKey);
    expect(back.dbPassword).toBe(details.dbPassword);
    expect(back.dbPort).toBe(details.dbPort);
    expect((await query(a.service, alice, p.ref, "select id from orders")).rows).toEqual([{ id: 42 }]);
    // Its volumes are the same ones: the data was never copied or recreated.
    expect((await fingerprint(p.ref)).volumes).toEqual(engineBefore.volumes);
    const events = await a.service.listEvents(alice, p.ref);
    expect(events.map((e) => e.kind)).toContain("recovery.rebuilt");
    await a.service.deleteProject(alice, { ref: p.ref, confirmRef: p.ref });
  });
});
