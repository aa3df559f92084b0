// Subnet arithmetic and leases: a pool cut into equal subnets, each leased
// once, none overlapping a network the engine already has.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { NoFreeSubnetError } from "@/lib/errors";
import { ensureInstallationId } from "@/lib/installation/service";
import { ProjectService } from "@/lib/projects/service";
import { leaseSubnet } from "@/lib/projects/subnets";
import { overlaps, parseCidr, poolSize, subnetAt } from "@/lib/net/cidr";
import { parseEnv } from "@/lib/env";
import { FakeEngine } from "@/test/support/fake-provisioner";

const tmp = mkdtempSync(join(tmpdir(), "supafleet-subnets-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("subnet arithmetic", () => {
  it("cuts a pool into equal subnets and knows what overlaps", () => {
    const pool = { cidr: "10.213.0.0/16", size: 26 };
    expect(poolSize(pool)).toBe(1024);
    expect(subnetAt(pool, 0)).toBe("10.213.0.0/26");
    expect(subnetAt(pool, 1)).toBe("10.213.0.64/26");
    expect(subnetAt(pool, 1023)).toBe("10.213.255.192/26");
    expect(parseCidr("10.213.7.9/16")).toEqual({ base: parseCidr("10.213.0.0/16")!.base, prefix: 16 });
    expect(parseCidr("10.300.0.0/16")).toBeNull();
    expect(parseCidr("fd00::/64")).toBeNull();
    expect(overlaps("10.213.0.0/16", "10.213.5.0/24")).toBe(true);
    expect(overlaps("10.213.0.64/26", "10.213.0.0/26")).toBe(false);
    expect(overlaps("172.17.0.0/16", "10.213.0.0/16")).toBe(false);
  });

  it("is configured with a clear error for a bad pool or size", () => {
    expect(parseEnv({}).subnetPool).toEqual({ cidr: "10.213.0.0/16", size: 26 });
    expect(() => parseEnv({ SUPAFLEET_SUBNET_POOL: "10.213.0.0" })).toThrow(/SUPAFLEET_SUBNET_POOL/);
    expect(() => parseEnv({ SUPAFLEET_SUBNET_POOL: "10.213.0.0/24", SUPAFLEET_SUBNET_SIZE: "20" })).toThrow(/SUPAFLEET_SUBNET_SIZE/);
    expect(() => parseEnv({ SUPAFLEET_SUBNET_SIZE: "30" })).toThrow(/SUPAFLEET_SUBNET_SIZE/);
  });
});

describe("subnet leases", () => {
  it("leases each subnet once, skips the engine's networks, and refuses a create cleanly when the pool is full", async () => {
    const url = `file:${join(tmp, "leases.sqlite")}`;
    await migrate(url);
    const db = createDb(url);
    const installationId = await ensureInstallationId(db);
    const engine = new FakeEngine();
    // A tiny pool: four /28s, one of them already used by a network on the engine.
    engine.put({ ref: "zzzzzzzzzzzzzzzzzzzz", installation: "00000000000000ff", subnet: "10.99.0.16/28" });
    const subnetPool = { cidr: "10.99.0.0/26", size: 28 };
    const service = new ProjectService(
      db,
      engine.provisioner(installationId),
      { apply: async () => undefined },
      {
        portRange: { start: 42000, end: 42099 },
        masterKey: randomBytes(32),
        rootDomain: "supafleet.test",
        publicScheme: "http",
        imageOverrides: {},
        subnetPool,
      },
    );
    const u = await db.user.create({ data: { id: randomUUID(), email: "s@example.com", passwordHash: "x", projectQuota: 10 } });
    const owner = { id: u.id, email: u.email, name: null, role: "USER" as const };
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
    const url = `file:${join(tmp, "bounds.sqlite")}`;
    await migrate(url);
    const db = createDb(url);
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
