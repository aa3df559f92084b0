// The frozen sleep tier's bookkeeping against a fake engine with a freezer and
// a real SQLite database (lib/projects/sleep-tier.ts): frozen memory is
// committed; a create that does not fit stops the longest-frozen projects
// first, only as many as it needs; an engine without a freezer stops idle
// projects at once. The real engine and nginx: test/integration/proxy/frozen-tier.test.ts.
import { totalmem } from "node:os";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { listPlans, savePlan, setUserPlan } from "@/lib/admin/plans";
import { commitment, hostResources } from "@/lib/projects/admission";
import type { ProjectService } from "@/lib/projects/service";
import type { SessionUser } from "@/lib/auth/actor";
import { addUser, projectServiceFixture, tempFolder, type ProjectFixture } from "@/test/support/project-service-fixture";

const tmp = tempFolder("sleep-tier");
const hostMb = Math.floor(totalmem() / 1024 / 1024);
let f: ProjectFixture;
let db: Db;
let service: ProjectService;
let owner: SessionUser;

beforeEach(async () => {
  f = await projectServiceFixture({ dir: tmp, config: { portRange: { start: 43100, end: 43199 } }, hooks: { freezer: true } });
  ({ db, service } = f);
  owner = await addUser(db, "o@example.com", { projectQuota: 10 });
  const admin = await addUser(db, "a@example.com", { role: "ADMIN" });
  // Room for exactly 3 projects of 1 GiB.
  await savePlan(db, admin, { name: "Test", memoryMb: 1024, cpus: 1 });
  const [plan] = await listPlans(db, admin);
  await setUserPlan(db, admin, { userId: owner.id, planId: plan!.id });
  const percent = Math.ceil(((3 * 1024 + 512) * 100) / hostMb);
  await db.systemSettings.upsert({ where: { id: 1 }, create: { id: 1, memoryCommitPercent: percent }, update: { memoryCommitPercent: percent } });
});

async function idleProjects(names: string[]): Promise<string[]> {
  const refs: string[] = [];
  for (const name of names) refs.push((await service.createProject(owner, { name })).ref);
  await service.waitForAllJobs();
  for (const ref of refs) await service.setIdleTimeout(owner, { ref, minutes: 1 });
  return refs;
}

describe("the frozen tier's memory", () => {
  it("counts frozen projects as committed, and a create stops the longest-frozen first, only as many as it needs", async () => {
    const [a, b, c] = await idleProjects(["Alpha", "Bravo", "Charlie"]);
    const report = await service.sweepIdle(new Date(Date.now() + 5 * 60_000));
    expect(report.frozen.sort()).toEqual([a, b, c].sort());
    // Frozen in a known order: b longest, then a, then c.
    const at = (min: number) => new Date(Date.now() - min * 60_000);
    await db.project.update({ where: { ref: b }, data: { frozenAt: at(30) } });
    await db.project.update({ where: { ref: a }, data: { frozenAt: at(20) } });
    await db.project.update({ where: { ref: c }, data: { frozenAt: at(10) } });
    const committed = await db.$transaction(async (tx) => commitment(tx, await hostResources(undefined)));
    expect(committed.committedMb).toBe(3 * 1024);

    const d = await service.createProject(owner, { name: "Delta" });
    await service.waitForAllJobs();
    const rows = new Map((await db.project.findMany()).map((p) => [p.ref, p]));
    expect(rows.get(b)).toMatchObject({ status: "INACTIVE", pausedBy: "idle", frozenAt: null });
    expect(rows.get(a)!.frozenAt).not.toBeNull();
    expect(rows.get(c)!.frozenAt).not.toBeNull();
    expect(rows.get(d.ref)!.status).toBe("ACTIVE_HEALTHY");
    expect(f.engine.calls.filter((x) => x.op === "pause").map((x) => x.ref)).toEqual([b]);
    expect((await service.getProject(owner, b)).sleepTier).toBe("stopped");
    expect((await service.getProject(owner, a)).sleepTier).toBe("frozen");

    // Waking the stopped one needs room again: the next longest-frozen (a) goes.
    expect(await service.wakeProject(b)).toBe("waking");
    await service.waitForAllJobs();
    expect((await db.project.findUniqueOrThrow({ where: { ref: a } })).frozenAt).toBeNull();
    expect((await db.project.findUniqueOrThrow({ where: { ref: c } })).frozenAt).not.toBeNull();
  });

  it("thaws a frozen project in place for a request, with no admission and no start", async () => {
    const [a] = await idleProjects(["Alpha"]);
    await service.sweepIdle(new Date(Date.now() + 5 * 60_000));
    expect(await service.wakeProject(a!)).toBe("awake");
    expect(await db.project.findUniqueOrThrow({ where: { ref: a } })).toMatchObject({ status: "ACTIVE_HEALTHY", frozenAt: null, pausedBy: null });
    expect(f.engine.calls.filter((x) => x.ref === a && ["thaw", "up"].includes(x.op)).map((x) => x.op)).toEqual(["up", "thaw"]);
  });

  it("stops idle projects at once on an engine without a freezer, and when the project's frozen time is 0", async () => {
    const plain = f.another({ hooks: {} });
    const [a, b, c] = await idleProjects(["Alpha", "Bravo", "Charlie"]);
    await service.setFrozenStop(owner, { ref: b!, minutes: 0 });
    await service.setIdleTimeout(owner, { ref: c!, minutes: 0 });
    const r1 = await service.sweepIdle(new Date(Date.now() + 5 * 60_000));
    expect(r1.frozen).toEqual([a]);
    expect(r1.paused.sort()).toEqual([a, b].sort());
    await service.setIdleTimeout(owner, { ref: c!, minutes: 1 });
    const r2 = await plain.sweepIdle(new Date(Date.now() + 5 * 60_000));
    expect(r2).toMatchObject({ frozen: [], paused: [c] });
    expect((await db.project.findMany({ where: { frozenAt: { not: null } } })).map((p) => p.ref)).toEqual([a]);
  });
});
