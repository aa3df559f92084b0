// Usage samples against a fake engine and a real SQLite database: what is
// recorded per step, traffic as differences, 24 hours kept, owner-only
// reading, and the admin's top consumers.
import { describe, expect, it } from "vitest";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import { ensureInstallationId } from "@/lib/installation/service";
import { addUser, projectServiceFixture, tempFolder } from "@/test/support/project-service-fixture";

const tmp = tempFolder("usage");

describe("usage samples", () => {
  it("record running projects every step, keep a day, and show them to the owner and (top consumers) the admin", async () => {
    const { db, engine, service } = await projectServiceFixture({ dir: tmp, config: { portRange: { start: 44000, end: 44099 } } });
    const mk = (email: string, role: "USER" | "ADMIN" = "USER") => addUser(db, email, { role, projectQuota: 5 });
    const owner = await mk("o@example.com");
    const other = await mk("x@example.com");
    const admin = await mk("a@example.com", "ADMIN");
    const busy = await service.createProject(owner, { name: "Busy" });
    const paused = await service.createProject(owner, { name: "Paused" });
    await service.waitForAllJobs();
    await service.pauseProject(owner, paused.ref);

    const t0 = Date.now() - 2 * 3600_000;
    expect(await service.sampleUsage(new Date(t0))).toBe(1); // the paused one uses nothing and is not sampled
    expect(await service.sampleUsage(new Date(t0 + 300_000))).toBe(1);
    const points = await service.usageOf(owner, busy.ref);
    expect(points).toHaveLength(2);
    // Every running container of the fake engine: 1.5 % and 20 MiB each.
    const running = engine.stacks.get(engine.key(await ensureInstallationId(db), busy.ref))!.containers.filter((c) => c.running).length;
    expect(running).toBeGreaterThan(5);
    expect(points[1]).toMatchObject({ cpuPercent: running * 1.5, memoryMb: running * 20 });
    expect(points[0]!.netRxKb).toBe(0); // the first sample has nothing to compare with
    expect(points[1]!.netRxKb).toBeGreaterThan(0);
    expect(points[0]!.diskMb).toBe(7); // volumes measured on the first step, not the second
    expect(points[1]!.diskMb).toBeNull();

    await expect(service.usageOf(other, busy.ref)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.topConsumers(owner)).rejects.toBeInstanceOf(ForbiddenError);
    const top = await service.topConsumers(admin);
    expect(top.map((t) => t.ref)).toEqual([busy.ref]);
    expect(top[0]).toMatchObject({ name: "Busy", ownerEmail: "o@example.com", memoryMb: running * 20 });

    // A day later, the old samples are gone.
    await service.sampleUsage(new Date(t0 + 25 * 3600_000));
    expect(await db.usageSample.count({ where: { at: { lt: new Date(t0 + 3600_000) } } })).toBe(0);
    await db.$disconnect();
  });
});
