// An administrator's pause sticks, and a disabled owner's projects stop
// serving: against a fake engine and a real SQLite database.
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { ForbiddenError } from "@/lib/errors";
import type { ProjectService } from "@/lib/projects/service";
import type { SessionUser } from "@/lib/auth/actor";
import type { FakeEngine } from "@/test/support/fake-provisioner";
import { addUser, projectServiceFixture, tempFolder } from "@/test/support/project-service-fixture";

const tmp = tempFolder("admin-pause");

let db: Db;
let engine: FakeEngine;
let service: ProjectService;
let owner: SessionUser;
let admin: SessionUser;

beforeEach(async () => {
  ({ db, engine, service } = await projectServiceFixture({ dir: tmp, config: { portRange: { start: 47000, end: 47099 }, rootDomain: "cloud.test" } }));
  owner = await addUser(db, "o@example.com", { projectQuota: 10 });
  admin = await addUser(db, "a@example.com", { role: "ADMIN" });
});

async function running(name = "Mine"): Promise<string> {
  const { ref } = await service.createProject(owner, { name });
  await service.waitForIdle(ref);
  return ref;
}
const row = (ref: string) => db.project.findUniqueOrThrow({ where: { ref } });
const ups = (ref: string) => engine.calls.filter((c) => c.op === "up" && c.ref === ref).length;
const api = { api: true, uri: "/rest/v1/todos" };

describe("an administrator's pause", () => {
  it("sticks: the owner cannot resume it, and no request wakes it; an admin can", async () => {
    const ref = await running();
    await service.pauseProject(admin, ref, { asAdmin: true });
    expect(await row(ref)).toMatchObject({ status: "INACTIVE", pausedBy: "admin" });
    const before = ups(ref);

    const err = await service.resumeProject(owner, ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForbiddenError);
    expect((err as ForbiddenError).publicMessage).toMatch(/administrator paused this project/);
    expect(await service.wakeProject(ref)).toBe("paused");
    expect(await service.wakeGate(ref, api)).toEqual({ pass: false, state: "paused" });
    expect(await row(ref)).toMatchObject({ status: "INACTIVE", pausedBy: "admin" });
    expect(ups(ref)).toBe(before);

    await service.resumeProject(admin, ref, { asAdmin: true });
    await service.waitForIdle(ref);
    expect(await row(ref)).toMatchObject({ status: "ACTIVE_HEALTHY", pausedBy: null });
  });

  it("does not change the owner's own pause: they resume it themselves", async () => {
    const ref = await running();
    await service.pauseProject(owner, ref);
    await service.resumeProject(owner, ref);
    await service.waitForIdle(ref);
    expect((await row(ref)).status).toBe("ACTIVE_HEALTHY");
  });
});

describe("a disabled owner", () => {
  it("has every project paused as by an admin, asleep ones included, and none woken by requests", async () => {
    const live = await running("Live");
    const asleep = await running("Asleep");
    const theirs = await running("Own pause");
    await service.setIdleTimeout(owner, { ref: asleep, minutes: 1 });
    await service.sweepIdle(new Date(Date.now() + 120_000));
    expect(await row(asleep)).toMatchObject({ status: "INACTIVE", pausedBy: "idle" });
    // (the sweep also paused the others only if idle: they have the 7-day default)
    expect((await row(live)).status).toBe("ACTIVE_HEALTHY");
    await service.pauseProject(owner, theirs);

    await expect(service.pauseOwnerProjects(owner, owner.id)).rejects.toBeInstanceOf(ForbiddenError);
    await db.user.update({ where: { id: owner.id }, data: { disabled: true } });
    const report = await service.pauseOwnerProjects(admin, owner.id);
    expect(report.failed).toEqual([]);
    expect(report.paused.sort()).toEqual([live, asleep, theirs].sort());
    for (const ref of [live, asleep, theirs]) {
      expect(await row(ref)).toMatchObject({ status: "INACTIVE", pausedBy: "admin" });
      expect(await service.wakeGate(ref, api)).toEqual({ pass: false, state: "paused" });
    }
    expect(engine.calls.filter((c) => c.op === "pause" && c.ref === live)).toHaveLength(1);
  });

  it("is never woken by a request, even before an admin paused anything", async () => {
    const ref = await running();
    await service.setIdleTimeout(owner, { ref, minutes: 1 });
    await service.sweepIdle(new Date(Date.now() + 120_000));
    await db.user.update({ where: { id: owner.id }, data: { disabled: true } });
    const before = ups(ref);
    expect(await service.wakeProject(ref)).toBe("paused");
    expect(await service.wakeGate(ref, { api: false, uri: "/" })).toEqual({ pass: false, state: "paused" });
    expect(await row(ref)).toMatchObject({ status: "INACTIVE", pausedBy: "idle" });
    expect(ups(ref)).toBe(before);
  });
});
