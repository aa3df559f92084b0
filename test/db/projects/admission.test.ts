// Admission and plans against a fake engine and a real SQLite database: a
// create or resume the host cannot fit is refused with a clear message before
// anything is made; plans set what each project gets, and its containers' limits.
import { totalmem } from "node:os";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { CapacityExceededError, toHttpError } from "@/lib/errors";
import { listPlans, savePlan, setUserPlan } from "@/lib/admin/plans";
import type { ProjectService } from "@/lib/projects/service";
import type { StackSpec } from "@/lib/stack/types";
import type { SessionUser } from "@/lib/auth/actor";
import { addUser, projectServiceFixture, tempFolder } from "@/test/support/project-service-fixture";

const tmp = tempFolder("admission");

let db: Db;
let service: ProjectService;
let owner: SessionUser;
let admin: SessionUser;
const specs: StackSpec[] = [];
const hostMb = Math.floor(totalmem() / 1024 / 1024);

beforeEach(async () => {
  specs.length = 0;
  ({ db, service } = await projectServiceFixture({
    dir: tmp,
    config: { portRange: { start: 43000, end: 43099 }, diskPath: tmp },
    hooks: { up: async (spec) => void specs.push(spec) },
  }));
  owner = await addUser(db, "o@example.com", { projectQuota: 10 });
  admin = await addUser(db, "a@example.com", { role: "ADMIN" });
});

/** A plan of this many MiB, given to the owner; room on the host for `room` of them. */
async function planFor(memoryMb: number, room: number): Promise<void> {
  await savePlan(db, admin, { name: "Test", memoryMb, cpus: 1 });
  const [plan] = await listPlans(db, admin);
  await setUserPlan(db, admin, { userId: owner.id, planId: plan!.id });
  // Commit percent such that exactly `room` projects of this plan fit.
  const percent = Math.ceil(((room * memoryMb + memoryMb / 2) * 100) / hostMb);
  await db.systemSettings.upsert({ where: { id: 1 }, create: { id: 1, memoryCommitPercent: percent }, update: { memoryCommitPercent: percent } });
}

describe("admission", () => {
  it("refuses the create that does not fit, before anything is made, with a message users can act on", async () => {
    await planFor(1024, 2);
    const a = await service.createProject(owner, { name: "One" });
    const b = await service.createProject(owner, { name: "Two" });
    await service.waitForAllJobs();
    const refused = await service.createProject(owner, { name: "Three" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CapacityExceededError);
    const http = toHttpError(refused);
    expect(http.status).toBe(503);
    expect(http.message).toMatch(/no room for another running project.*2\.0 GiB of/);
    expect(await db.project.count({ where: { name: "Three" } })).toBe(0);
    expect(await db.portLease.count()).toBe(6);
    // Pausing one frees its room; resuming it again needs the room back.
    await service.pauseProject(owner, a.ref);
    const c = await service.createProject(owner, { name: "Three" });
    await service.waitForAllJobs();
    await expect(service.resumeProject(owner, a.ref)).rejects.toBeInstanceOf(CapacityExceededError);
    expect((await service.getProject(owner, a.ref)).status).toBe("INACTIVE");
    await service.deleteProject(owner, { ref: c.ref, confirmRef: c.ref });
    await service.resumeProject(owner, a.ref);
    await service.waitForAllJobs();
    expect((await service.getProject(owner, a.ref)).status).toBe("ACTIVE_HEALTHY");
    expect((await service.getProject(owner, b.ref)).status).toBe("ACTIVE_HEALTHY");
  });

  it("never lets parallel creates take the same last room", async () => {
    await planFor(1024, 3);
    const results = await Promise.allSettled([1, 2, 3, 4, 5, 6].map((i) => service.createProject(owner, { name: `P${i}` })));
    await service.waitForAllJobs();
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(CapacityExceededError);
  });

  it("refuses when the disk is short", async () => {
    await db.systemSettings.upsert({ where: { id: 1 }, create: { id: 1, minFreeDiskMb: 100_000_000 }, update: { minFreeDiskMb: 100_000_000 } });
    const err = await service.createProject(owner, { name: "Disk" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CapacityExceededError);
    expect((err as Error).message).toContain("low on disk space");
  });
});

describe("plans", () => {
  it("give each project its plan's memory and CPUs, and a plan change applies at the next start", async () => {
    await planFor(2048, 10);
    const p = await service.createProject(owner, { name: "Planned" });
    await service.waitForIdle(p.ref);
    const db1 = specs.at(-1)!.services.find((s) => s.service === "db")!;
    expect(db1.limits.memoryBytes).toBe(512 * 1024 * 1024); // 25 % of 2 GiB
    expect(db1.limits.nanoCpus).toBe(1e9); // capped at the plan's 1 CPU
    await savePlan(db, admin, { name: "Big", memoryMb: 8192, cpus: 4 });
    const big = (await listPlans(db, admin)).find((x) => x.name === "Big")!;
    await setUserPlan(db, admin, { userId: owner.id, planId: big.id });
    await service.restartProject(owner, p.ref);
    await service.waitForIdle(p.ref);
    const db2 = specs.at(-1)!.services.find((s) => s.service === "db")!;
    expect(db2.limits.memoryBytes).toBe(2048 * 1024 * 1024);
    expect(db2.limits.nanoCpus).toBe(2e9); // the service's own ceiling
  });

  it("are validated, and only admins may change them", async () => {
    await expect(savePlan(db, admin, { name: "Tiny", memoryMb: 64, cpus: 1 })).rejects.toThrow(/correct/);
    await expect(savePlan(db, owner, { name: "Mine", memoryMb: 4096, cpus: 2 })).rejects.toThrow(/Administrators only/);
    await savePlan(db, admin, { name: "Same", memoryMb: 4096, cpus: 2 });
    await expect(savePlan(db, admin, { name: "Same", memoryMb: 1024, cpus: 1 })).rejects.toThrow(/correct/);
  });
});
