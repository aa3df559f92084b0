// The backup service's rules on the strict fake engine (test/support/
// fake-provisioner.ts) and a real SQLite database and backup folder: a backup
// is good only when complete; a restore swaps volumes only once healthy and a
// failed one leaves the project as it was; a clone's database gets the new
// secrets; a process that dies mid-backup or mid-restore leaves nothing half
// done after the start-up repair; deleted projects come back, then are purged.
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { BackupSpaceError, ValidationError } from "@/lib/errors";
import type { ProjectService } from "@/lib/projects/service";
import type { BackupService } from "@/lib/backups/service";
import { LocalStore } from "@/lib/backups/store";
import type { SessionUser } from "@/lib/auth/actor";
import type { FakeEngine, FakeHooks, FakeStack } from "@/test/support/fake-provisioner";
import { addUser, projectServiceFixture, tempFolder, type ProjectFixture } from "@/test/support/project-service-fixture";
import { LATEST_STACK_VERSION, TEMPLATE_VERSIONS } from "@/lib/stack/template";

const tmp = tempFolder("backups");

let n = 0;
let fixture: ProjectFixture;
let db: Db;
let engine: FakeEngine;
let installationId: string;
let store: LocalStore;
let projects: ProjectService;
let backups: BackupService;
let owner: SessionUser;

function services(hooks: FakeHooks = {}): { projects: ProjectService; backups: BackupService } {
  return fixture.withBackups(store, { hooks });
}

beforeEach(async () => {
  fixture = await projectServiceFixture({ dir: tmp, config: { portRange: { start: 41000, end: 41099 }, imageOverrides: { db: "local/postgres:15" } } });
  ({ db, engine, installationId } = fixture);
  store = new LocalStore(join(tmp, `backups-${n++}`));
  ({ projects, backups } = services());
  owner = await addUser(db, `owner${n}@example.com`, { projectQuota: 10 });
});

const stack = (ref: string): FakeStack => engine.stacks.get(engine.key(installationId, ref))!;
const files = (ref: string, volume: string) => stack(ref).files.get(volume)!;
const row = (ref: string) => db.project.findUniqueOrThrow({ where: { ref } });

async function activeProject(name = "Drill"): Promise<string> {
  const p = await projects.createProject(owner, { name });
  await projects.waitForIdle(p.ref);
  expect((await row(p.ref)).status).toBe("ACTIVE_HEALTHY");
  // "rows in a table" and "an uploaded file", as the fake keeps volumes
  files(p.ref, "db-data").set("base/5/16384", "rows: 1,2,3");
  files(p.ref, "storage").set("stub/stub/avatars/cat.png", "PNG bytes");
  return p.ref;
}

describe("backup space", () => {
  it("refuses a backup past its owner's backup space or the disk's floor, with the reason, and writes nothing; others are untouched", async () => {
    const ref = await activeProject();
    const first = await backups.createBackup(owner, { ref });
    expect(first.status).toBe("SUCCEEDED");
    // A plan whose backup space the first backup already fills.
    const plan = await db.plan.create({ data: { id: randomUUID(), name: "small", memoryMb: 1024, milliCpus: 500, backupQuotaMb: 1 } });
    await db.user.update({ where: { id: owner.id }, data: { planId: plan.id } });
    await db.backup.update({ where: { id: first.id }, data: { sizeBytes: BigInt(700 * 1024) } });
    const before = await db.backup.count();
    await expect(backups.createBackup(owner, { ref })).rejects.toThrow(BackupSpaceError);
    await expect(backups.createBackup(owner, { ref })).rejects.toThrow(/0\.0 GiB of your 0\.0 GiB of backup space|Delete old backups/);
    expect(await db.backup.count()).toBe(before);
    expect(readdirSync(join(store.root, installationId, ref))).toHaveLength(1);

    // Another user with the default space still backs up.
    const other = await db.user.create({ data: { id: randomUUID(), email: `other${n}@example.com`, passwordHash: "x", projectQuota: 10 } });
    const otherUser: SessionUser = { id: other.id, email: other.email, name: null, role: "USER" };
    const theirs = await projects.createProject(otherUser, { name: "Theirs" });
    await projects.waitForIdle(theirs.ref);
    expect((await backups.createBackup(otherUser, { ref: theirs.ref })).status).toBe("SUCCEEDED");

    // A disk floor above what the backup disk has free: refused for everyone, nothing written.
    await db.systemSettings.upsert({ where: { id: 1 }, create: { id: 1, minFreeDiskMb: 100_000_000 }, update: { minFreeDiskMb: 100_000_000 } });
    await expect(backups.createBackup(otherUser, { ref: theirs.ref })).rejects.toThrow(/backup disk is nearly full/);
    expect(await db.backup.count({ where: { project: { ref: theirs.ref } } })).toBe(1);
  });
});

describe("backups on the fake engine", () => {
  it("takes a backup: encrypted at rest, with size, duration, checksum and template version", async () => {
    const ref = await activeProject();
    const b = await backups.createBackup(owner, { ref });
    expect(b.status).toBe("SUCCEEDED");
    expect(b.method).toBe("hot");
    expect(b.sizeBytes).toBeGreaterThan(0);
    expect(b.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(b.stackVersion).toBe((await row(ref)).stackVersion);
    const dir = join(store.root, installationId, ref);
    const [file] = readdirSync(dir);
    const bytes = readFileSync(join(dir, file!));
    expect(bytes.length).toBe(b.sizeBytes);
    expect(bytes.subarray(0, 8).toString()).toBe("SFBACKUP");
    expect(bytes.includes(Buffer.from("rows: 1,2,3"))).toBe(false);
    // another user sees nothing of it
    const stranger = await db.user.create({ data: { id: randomUUID(), email: `x${n}@example.com`, passwordHash: "x" } });
    await expect(backups.listBackups({ id: stranger.id, email: stranger.email, name: null, role: "USER" }, ref)).rejects.toThrow(/not found/i);
  });

  it("restores into the project after a typed confirmation: new volumes, old ones removed once healthy", async () => {
    const ref = await activeProject();
    const b = await backups.createBackup(owner, { ref });
    files(ref, "db-data").delete("base/5/16384");
    files(ref, "storage").delete("stub/stub/avatars/cat.png");
    await expect(backups.restoreBackup(owner, { ref, backupId: b.id, confirmRef: "wrong" })).rejects.toBeInstanceOf(ValidationError);
    const s = await backups.restoreBackup(owner, { ref, backupId: b.id, confirmRef: ref });
    expect(s.status).toBe("RESTORING");
    await projects.waitForIdle(ref);
    const p = await row(ref);
    expect(p.status).toBe("ACTIVE_HEALTHY");
    expect(p.dataGeneration).toBe(1);
    expect(files(ref, "g1-db-data").get("base/5/16384")).toBe("rows: 1,2,3");
    expect(files(ref, "g1-storage").get("stub/stub/avatars/cat.png")).toBe("PNG bytes");
    expect([...stack(ref).volumes].filter((v) => !v.startsWith("g") && v !== "metadata")).toEqual([]);
    expect(stack(ref).mountedGeneration).toBe(1);
    const events = (await projects.listEvents(owner, ref)).map((e) => e.kind);
    expect(events).toContain("restore.started");
    expect(events.at(-1)).toBe("restore.succeeded");
  });

  it("a restore whose stack does not come up leaves the project on its data as it was", async () => {
    const ref = await activeProject();
    const b = await backups.createBackup(owner, { ref });
    files(ref, "db-data").set("base/5/16384", "rows: 1,2,3,4 (newer)");
    const failing = services({
      up: async (spec) => {
        if (spec.volumes.some((v) => v.name.includes("-g1-"))) throw new Error("db exited 1");
      },
    });
    await expect(failing.backups.restoreBackup(owner, { ref, backupId: b.id, confirmRef: ref })).resolves.toBeDefined();
    await failing.projects.waitForIdle(ref);
    const p = await row(ref);
    expect(p.dataGeneration).toBe(0);
    expect(p.status).toBe("ACTIVE_HEALTHY");
    expect(files(ref, "db-data").get("base/5/16384")).toBe("rows: 1,2,3,4 (newer)");
    expect([...stack(ref).volumes].some((v) => v.startsWith("g1-"))).toBe(false);
    expect((await db.restore.findFirstOrThrow()).status).toBe("FAILED");
  });

  it("clones into a new project: same data, new secrets, its database given the new password first", async () => {
    const ref = await activeProject();
    const b = await backups.createBackup(owner, { ref });
    const clone = await backups.cloneBackup(owner, { ref, backupId: b.id, name: "Drill copy" });
    expect(clone.ref).not.toBe(ref);
    await projects.waitForIdle(clone.ref);
    const c = await row(clone.ref);
    expect(c.statusReason).toBeNull();
    expect(c.status).toBe("ACTIVE_HEALTHY");
    expect(files(clone.ref, "db-data").get("base/5/16384")).toBe("rows: 1,2,3");
    expect(files(clone.ref, "storage").get("stub/stub/avatars/cat.png")).toBe("PNG bytes");
    const [a, d] = [projects.secretsOf(await row(ref)), projects.secretsOf(c)];
    expect(d.postgresPassword).not.toBe(a.postgresPassword);
    expect(d.jwtSecret).not.toBe(a.jwtSecret);
    expect(stack(clone.ref).dbPassword).toBe(d.postgresPassword);
    expect(stack(clone.ref).sql[0]).toMatch(/\\i \/docker-entrypoint-initdb\.d\/init-scripts\/\d+-jwt\.sql/);
  });

  it("an upgrade backs up the old template first; that backup restores no more into the project, but clones onto the old template", async () => {
    const ref = await activeProject();
    const old = TEMPLATE_VERSIONS[0]!;
    expect(old).not.toBe(LATEST_STACK_VERSION);
    await db.project.update({ where: { ref }, data: { stackVersion: old } });
    await projects.restartProject(owner, ref);
    await projects.waitForIdle(ref);
    await projects.upgradeProject(owner, ref);
    await projects.waitForIdle(ref);
    expect((await row(ref)).stackVersion).toBe(LATEST_STACK_VERSION);
    const [taken] = await backups.listBackups(owner, ref);
    expect(taken).toMatchObject({ status: "SUCCEEDED", stackVersion: old, restorable: false });
    const upgradeEvent = await db.projectEvent.findFirstOrThrow({ where: { kind: "upgrade.backup", project: { ref } } });
    expect(upgradeEvent.message).toBe(`Backup ${taken!.id} taken`);
    // A physical copy starts only under the Postgres it was taken with.
    await expect(backups.restoreBackup(owner, { ref, backupId: taken!.id, confirmRef: ref })).rejects.toThrow(/restores only into that template/);
    const clone = await backups.cloneBackup(owner, { ref, backupId: taken!.id, name: "Before the upgrade" });
    await projects.waitForIdle(clone.ref);
    expect(await row(clone.ref)).toMatchObject({ status: "ACTIVE_HEALTHY", stackVersion: old });
    expect(stack(clone.ref).stackVersion).toBe(old);
    expect(files(clone.ref, "db-data").get("base/5/16384")).toBe("rows: 1,2,3");
  });

  it("a process that dies mid-backup leaves no backup marked good", async () => {
    const ref = await activeProject();
    const dying = services({ exportData: () => new Promise(() => undefined) });
    void dying.backups.createBackup(owner, { ref }).catch(() => undefined);
    await expect.poll(async () => (await db.backup.findFirst())?.status).toBe("RUNNING");
    await expect.poll(async () => (await store.partials()).length).toBe(1);
    // "restart": a new process on the same database, engine and folder
    ({ projects, backups } = services());
    const report = await backups.repair();
    expect(report.errors).toEqual([]);
    const b = await db.backup.findFirstOrThrow();
    expect(b.status).toBe("FAILED");
    expect(await store.size(b.objectKey)).toBeNull();
    expect(await store.partials()).toEqual([]);
  });

  it("a process that dies mid-restore: the restart removes the half-filled volumes and resumes on the old data", async () => {
    const ref = await activeProject();
    const b = await backups.createBackup(owner, { ref });
    files(ref, "db-data").set("base/5/16384", "rows: current");
    const dying = services({ importEntry: async (_spec, name) => (name.includes("storage") ? new Promise(() => undefined) : undefined) });
    await dying.backups.restoreBackup(owner, { ref, backupId: b.id, confirmRef: ref });
    await expect.poll(() => [...stack(ref).volumes].some((v) => v.startsWith("g1-"))).toBe(true);
    ({ projects, backups } = services());
    expect((await backups.repair()).errors).toEqual([]);
    const report = await projects.reconcile();
    expect(report.errors).toEqual([]);
    await projects.waitForIdle(ref);
    const p = await row(ref);
    expect(p.dataGeneration).toBe(0);
    expect(p.status).toBe("ACTIVE_HEALTHY");
    expect([...stack(ref).volumes].some((v) => v.startsWith("g1-"))).toBe(false);
    expect(files(ref, "db-data").get("base/5/16384")).toBe("rows: current");
    expect(stack(ref).mountedGeneration).toBe(0);
  });

  it("a delete keeps a final backup; the owner brings the project back; past the window it is purged", async () => {
    const ref = await activeProject();
    await projects.deleteProject(owner, { ref, confirmRef: ref });
    expect((await row(ref)).status).toBe("REMOVED");
    expect(engine.stacks.has(engine.key(installationId, ref))).toBe(false);
    const final = await db.backup.findFirstOrThrow({ where: { kind: "FINAL" } });
    expect(final.status).toBe("SUCCEEDED");
    expect((await backups.listDeleted(owner)).map((d) => d.ref)).toEqual([ref]);
    await backups.undeleteProject(owner, { ref });
    await projects.waitForIdle(ref);
    const back = await row(ref);
    expect(back.status).toBe("ACTIVE_HEALTHY");
    expect(files(ref, `g${back.dataGeneration}-db-data`).get("base/5/16384")).toBe("rows: 1,2,3");
    expect(projects.secretsOf(back).postgresPassword).toBe(stack(ref).dbPassword);
    // delete again, and let the window pass
    await projects.deleteProject(owner, { ref, confirmRef: ref });
    await db.systemSettings.update({ where: { id: 1 }, data: { softDeleteDays: 1 } });
    const { purged } = await backups.prune(new Date(Date.now() + 2 * 86_400_000));
    expect(purged).toBeGreaterThanOrEqual(2);
    expect(await db.backup.count()).toBe(0);
    expect((await row(ref)).backupKey).toBeNull();
    await expect(backups.undeleteProject(owner, { ref })).rejects.toThrow(/not found|too long ago|no backup/i);
  });

  it("schedules daily backups and keeps them as long as the plan says", async () => {
    const ref = await activeProject();
    await backups.runSchedule();
    expect(await db.backup.count({ where: { kind: "SCHEDULED", status: "SUCCEEDED" } })).toBe(1);
    await backups.runSchedule();
    expect(await db.backup.count()).toBe(1); // not due again within a day
    await backups.runSchedule(new Date(Date.now() + 25 * 3_600_000));
    expect(await db.backup.count()).toBe(2);
    const plan = await db.plan.create({ data: { id: randomUUID(), name: "short", memoryMb: 1024, milliCpus: 1000, backupRetentionDays: 1 } });
    await db.user.update({ where: { id: owner.id }, data: { planId: plan.id } });
    const { removed } = await backups.prune(new Date(Date.now() + 2 * 86_400_000));
    expect(removed).toBe(1); // the newest good one stays
    expect(await db.backup.count()).toBe(1);
    expect((await backups.failingBackups(owner)).length).toBe(0);
    const failing = services({ exportData: () => Promise.reject(new Error("disk full")) });
    await failing.backups.runSchedule(new Date(Date.now() + 49 * 3_600_000));
    expect((await backups.failingBackups(owner)).map((f) => f.ref)).toEqual([ref]);
  });
});
