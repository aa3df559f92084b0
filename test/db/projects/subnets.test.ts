// Subnet leases: a pool cut into equal subnets (the arithmetic is in
// test/unit/projects/subnets.test.ts), each leased once, none overlapping a
// network the engine already has.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { NoFreeSubnetError } from "@/lib/errors";
import { leaseSubnet } from "@/lib/projects/subnets";
import { overlaps } from "@/lib/net/cidr";
import { addUser, openTestDb, projectServiceFixture, tempFolder } from "@/test/support/project-service-fixture";

const tmp = tempFolder("subnets");

describe("subnet leases", () => {
  it("leases each subnet once, skips the engine's networks, and refuses a create cleanly when the pool is full", async () => {
    const subnetPool = { cidr: "10.99.0.0/26", size: 28 };
    const { db, installationId, engine, service } = await projectServiceFixture({ dir: tmp, config: { portRange: { start: 42000, end: 42099 }, subnetPool } });
    // A tiny pool: four /28s, one of them already used by a network on the engine.
    engine.put({ ref: "zzzzzzzzzzzzzzzzzzzz", installation: "00000000000000ff", subnet: "10.99.0.16/28" });
    const owner = await addUser(db, "s@example.com", { projectQuota: 10 });
    const refs: string[] = [];
    for (let i = 0; i < 3; i++) refs.push((await service.createProject(owner, { name: `Net ${i}` })).ref);
    await service.waitForAllJobs();
    const leased = (await db.subnetLease.findMany()).map((l) => l.subnet).sort();
    expect(leased).toEqual(["10.99.0.0/28", "10.99.0.32/28", "10.99.0.48/28"]);
    // Each stack's network got its project's subnet.
    for (const ref of refs) {
      const lease = await db.subnetLease.findFirstOrThrow({ where: { project: { ref } } });
      expect(engine.stacks.get(engine.key(installationId, ref))?.subnet).toBe(lease.subnet);
    }
    // The fourth finds none: refused before anything is made, no row, no port lease.
    await expect(service.createProject(owner, { name: "No room" })).rejects.toBeInstanceOf(NoFreeSubnetError);
    expect(await db.project.count({ where: { name: "No room" } })).toBe(0);
    expect(await db.portLease.count()).toBe(9);
    // A delete gives its subnet back.
    const freed = (await db.subnetLease.findFirstOrThrow({ where: { project: { ref: refs[0]! } } })).subnet;
    await service.deleteProject(owner, { ref: refs[0]!, confirmRef: refs[0]! });
    expect(await db.subnetLease.count()).toBe(2);
    const again = await service.createProject(owner, { name: "Room again" });
    await service.waitForIdle(again.ref);
    expect((await db.subnetLease.findFirstOrThrow({ where: { project: { ref: again.ref } } })).subnet).toBe(freed);
    await db.$disconnect();
  });

  it("never leases outside the pool", async () => {
    const { db } = await openTestDb(tmp);
    const p = await db.$transaction(async (tx) => {
      const u = await tx.user.create({ data: { id: randomUUID(), email: "b@example.com", passwordHash: "x" } });
      return tx.project.create({ data: { id: randomUUID(), ref: "bbbbbbbbbbbbbbbbbbbb", name: "b", ownerId: u.id, stackVersion: "t", secrets: "s" } });
    });
    const subnet = await db.$transaction((tx) => leaseSubnet(tx, p.id, { cidr: "192.168.240.0/24", size: 26 }, []));
    expect(overlaps("192.168.240.0/24", subnet)).toBe(true);
    expect(subnet).toMatch(/\/26$/);
    await db.$disconnect();
  });
});
