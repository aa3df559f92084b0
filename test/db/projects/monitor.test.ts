// The health monitor against a fake engine (test/support/fake-provisioner.ts)
// and a real SQLite database: events move status within a debounce, the
// sweep catches what events missed, an engine outage makes projects UNKNOWN
// and the monitor reconnects by itself when the engine is back.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { ENGINE_UNREACHABLE } from "@/lib/projects/monitor";
import type { ProjectService } from "@/lib/projects/service";
import { eventBus, type StatusChange } from "@/lib/projects/events";
import type { SessionUser } from "@/lib/auth/actor";
import type { FakeEngine } from "@/test/support/fake-provisioner";
import { addUser, projectServiceFixture, tempFolder } from "@/test/support/project-service-fixture";

const tmp = tempFolder("monitor");

let db: Db;
let engine: FakeEngine;
let installationId: string;
let service: ProjectService;
let owner: SessionUser;
let applies = 0;

beforeEach(async () => {
  applies = 0;
  ({ db, installationId, engine, service } = await projectServiceFixture({
    dir: tmp,
    config: { portRange: { start: 41000, end: 41099 } },
    proxy: { apply: async () => void applies++ },
  }));
  owner = await addUser(db, "o@example.com", { projectQuota: 10 });
});

afterEach(() => service.stopMonitor());

async function healthyProject(): Promise<string> {
  const { ref } = await service.createProject(owner, { name: "Watched" });
  await service.waitForIdle(ref);
  expect((await service.getProject(owner, ref)).status).toBe("ACTIVE_HEALTHY");
  return ref;
}

const status = async (ref: string) => (await db.project.findUniqueOrThrow({ where: { ref } })).status;

describe("the health monitor", () => {
  it("marks a project unhealthy when one of its containers dies, with nobody watching, and tells open pages", async () => {
    const ref = await healthyProject();
    const monitor = service.startMonitor({ sweepMs: 3_600_000, debounceMs: 10 });
    await expect.poll(() => monitor.watching).toBe(true);
    const seen: StatusChange[] = [];
    const off = eventBus.subscribeStatus(ref, (c) => seen.push(c));
    const appliesBefore = applies;
    engine.kill(installationId, ref, "rest");
    await expect.poll(() => status(ref), { timeout: 2000 }).toBe("ACTIVE_UNHEALTHY");
    off();
    expect(seen).toEqual([{ status: "ACTIVE_UNHEALTHY", statusReason: "Not healthy: rest" }]);
    const events = await db.projectEvent.findMany({ where: { project: { ref }, kind: "health.changed" } });
    expect(events.map((e) => e.message)).toEqual(["Not healthy: rest"]);
    expect(applies).toBeGreaterThan(appliesBefore);
  });

  it("ignores other installations' containers", async () => {
    const ref = await healthyProject();
    const other = engine.put({ ref: "zzzzzzzzzzzzzzzzzzzz", installation: "00000000000000ff" });
    service.startMonitor({ sweepMs: 3_600_000, debounceMs: 10 });
    engine.kill("00000000000000ff", other.ref, "db");
    await new Promise((r) => setTimeout(r, 100));
    expect(await status(ref)).toBe("ACTIVE_HEALTHY");
    expect(engine.calls.filter((c) => c.ref === other.ref)).toEqual([]);
  });

  it("finds by its sweep what no event announced", async () => {
    const ref = await healthyProject();
    service.startMonitor({ sweepMs: 50, debounceMs: 10 });
    // Changed behind the event stream's back.
    engine.stacks.get(engine.key(installationId, ref))!.containers.find((c) => c.service === "db")!.health = "unhealthy";
    await expect.poll(() => status(ref), { timeout: 2000 }).toBe("ACTIVE_UNHEALTHY");
  });

  it("shows UNKNOWN while the engine does not answer, reconnects by itself, and restores the truth", async () => {
    const ref = await healthyProject();
    const monitor = service.startMonitor({ sweepMs: 3_600_000, debounceMs: 10, maxBackoffMs: 50 });
    await expect.poll(() => monitor.watching).toBe(true);
    engine.setDown(true);
    await expect.poll(() => status(ref), { timeout: 2000 }).toBe("UNKNOWN");
    expect((await db.project.findUniqueOrThrow({ where: { ref } })).statusReason).toBe(ENGINE_UNREACHABLE);
    expect(monitor.watching).toBe(false);
    engine.setDown(false);
    await expect.poll(() => monitor.watching, { timeout: 2000 }).toBe(true);
    await expect.poll(() => status(ref), { timeout: 2000 }).toBe("ACTIVE_HEALTHY");
    // And it still hears events on the new stream.
    engine.kill(installationId, ref, "auth");
    await expect.poll(() => status(ref), { timeout: 2000 }).toBe("ACTIVE_UNHEALTHY");
  });

  it("leaves UNKNOWN for other reasons (a failed delete) to a person", async () => {
    const ref = await healthyProject();
    await db.project.update({ where: { ref }, data: { status: "UNKNOWN", statusReason: "Delete failed, try again: boom" } });
    const monitor = service.startMonitor({ sweepMs: 3_600_000, debounceMs: 10 });
    expect(await monitor.check(ref)).toBe("UNKNOWN");
    expect((await db.project.findUniqueOrThrow({ where: { ref } })).statusReason).toBe("Delete failed, try again: boom");
  });
});
