// One throttle for every door: the project service charges creates and the
// stack-churning actions (delete, restart, resume, retry) per account and per
// client address, so the dashboard and the Management API pay the same; the
// backup service's clone (a create), restore and undelete pay it too. A
// fake engine and a real SQLite database (the limiter's counters live there).
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { RateLimitedError } from "@/lib/errors";
import { ManagementApi, type ApiCaller } from "@/lib/api/management-api";
import { OrganizationService } from "@/lib/orgs/service";
import { organizationSlugOf } from "@/lib/api/views";
import type { ProjectService } from "@/lib/projects/service";
import { RateLimiter } from "@/lib/rate-limit/limiter";
import type { RateLimitName, RateLimitRule, RateLimitRules } from "@/lib/rate-limit/rules";
import type { SessionUser } from "@/lib/auth/actor";
import type { FakeEngine } from "@/test/support/fake-provisioner";
import { addUser, projectServiceFixture, tempFolder, type ProjectFixture } from "@/test/support/project-service-fixture";
import type { BackupService } from "@/lib/backups/service";
import { LocalStore } from "@/lib/backups/store";

const tmp = tempFolder("throttle");

const rule = (points: number): RateLimitRule => ({ points, windowSec: 3600, blockSec: 300 });
function rules(overrides: Partial<Record<RateLimitName, RateLimitRule>>): RateLimitRules {
  return {
    rules: {
      loginAccount: rule(5),
      loginIp: rule(30),
      signupIp: rule(10),
      createUser: rule(100),
      createIp: rule(100),
      lifecycleUser: rule(100),
      lifecycleIp: rule(100),
      mailAccount: rule(3),
      mailIp: rule(10),
      ...overrides,
    },
    maxBlockSec: 3600,
  };
}

let fixture: ProjectFixture;
let db: Db;
let engine: FakeEngine;
let owner: SessionUser;
let other: SessionUser;
let admin: SessionUser;

beforeEach(async () => {
  fixture = await projectServiceFixture({ dir: tmp, config: { portRange: { start: 46000, end: 46199 }, rootDomain: "cloud.test" } });
  ({ db, engine } = fixture);
  owner = await addUser(db, "o@example.com", { role: "USER", projectQuota: 50 });
  other = await addUser(db, "p@example.com", { role: "USER", projectQuota: 50 });
  admin = await addUser(db, "a@example.com", { role: "ADMIN", projectQuota: 50 });
});

async function serviceWith(r: RateLimitRules): Promise<ProjectService> {
  return fixture.another({ limiter: new RateLimiter(db, r) });
}

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    if (err instanceof RateLimitedError) return "limited";
    throw err;
  }
}

const caller = (user: SessionUser, address: string, admin = false): ApiCaller => ({ user, tokenId: randomUUID(), admin, address });
const apiOf = (service: ProjectService) =>
  new ManagementApi(service, { dbImage: "supabase/postgres:17.6.1.054", databaseHost: "127.0.0.1", organizations: new OrganizationService(db) });
const body = (user: SessionUser, name: string) => ({ name, organization_slug: organizationSlugOf(user.id), db_pass: "a-long-db-password" });

describe("creates", () => {
  it("POST /v1/projects and the dashboard share one per-account limit, and a refused create makes nothing", async () => {
    const service = await serviceWith(rules({ createUser: rule(2) }));
    const api = apiOf(service);
    expect(await outcome(service.createProject(owner, { name: "From the page" }, { address: "198.51.100.1" }))).toBe("ok");
    expect(await outcome(api.createProject(caller(owner, "198.51.100.2"), body(owner, "From the API")))).toBe("ok");
    const err = await api.createProject(caller(owner, "198.51.100.3"), body(owner, "One too many")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).publicMessage).toMatch(/^Too many project creations\. Try again in \d+ s\.$/);
    expect(await outcome(service.createProject(owner, { name: "Page again" }, { address: "198.51.100.4" }))).toBe("limited");
    await service.waitForAllJobs();
    expect(await db.project.count({ where: { ownerId: owner.id } })).toBe(2);
    expect(engine.calls.filter((c) => c.op === "up")).toHaveLength(2);
    // Another account is not held back by it.
    expect(await outcome(service.createProject(other, { name: "Neighbour" }, { address: "198.51.100.5" }))).toBe("ok");
    await service.waitForAllJobs();
  });

  it("limits creates per client address across accounts, through the API too", async () => {
    const service = await serviceWith(rules({ createIp: rule(2) }));
    const api = apiOf(service);
    expect(await outcome(api.createProject(caller(owner, "203.0.113.9"), body(owner, "One")))).toBe("ok");
    expect(await outcome(service.createProject(other, { name: "Two" }, { address: "203.0.113.9" }))).toBe("ok");
    expect(await outcome(api.createProject(caller(other, "203.0.113.9"), body(other, "Three")))).toBe("limited");
    expect(await outcome(api.createProject(caller(other, "203.0.113.10"), body(other, "Elsewhere")))).toBe("ok");
    await service.waitForAllJobs();
  });

  it("a caller that names no address shares one key with every other such caller", async () => {
    const service = await serviceWith(rules({ createIp: rule(1) }));
    expect(await outcome(service.createProject(owner, { name: "One" }))).toBe("ok");
    expect(await outcome(service.createProject(other, { name: "Two" }))).toBe("limited");
    await service.waitForAllJobs();
  });
});

describe("deletes, restarts, resumes", () => {
  async function running(service: ProjectService, user = owner): Promise<string> {
    const { ref } = await service.createProject(user, { name: "Churn" }, { address: "192.0.2.1" });
    await service.waitForIdle(ref);
    return ref;
  }

  it("charges restart, resume and delete to the account, from the page and the API alike; pause is free", async () => {
    const service = await serviceWith(rules({ lifecycleUser: rule(3) }));
    const api = apiOf(service);
    const ref = await running(service);
    const a = { address: "192.0.2.10" };
    expect(await outcome(service.restartProject(owner, ref, a))).toBe("ok");
    await service.waitForIdle(ref);
    await api.pauseProject(caller(owner, "192.0.2.11"), ref);
    await service.pauseProject(owner, await running(service), a);
    expect(await outcome(api.restoreProject(caller(owner, "192.0.2.12"), ref))).toBe("ok");
    await service.waitForIdle(ref);
    const second = await running(service);
    expect(await outcome(service.deleteProject(owner, { ref: second, confirmRef: second }, a))).toBe("ok");
    // Three charged: the fourth is refused wherever it comes from, and does nothing.
    expect(await outcome(api.deleteProject(caller(owner, "192.0.2.13"), ref))).toBe("limited");
    expect(await outcome(service.restartProject(owner, ref, a))).toBe("limited");
    expect((await db.project.findUniqueOrThrow({ where: { ref } })).status).toBe("ACTIVE_HEALTHY");
    expect(engine.calls.filter((c) => c.op === "destroy" && c.ref === ref)).toHaveLength(0);
  });

  it("limits them per client address across accounts", async () => {
    const service = await serviceWith(rules({ lifecycleIp: rule(2) }));
    const mine = await running(service);
    const theirs = await running(service, other);
    expect(await outcome(service.restartProject(owner, mine, { address: "2001:db8:1:2::1" }))).toBe("ok");
    await service.waitForIdle(mine);
    expect(await outcome(service.restartProject(other, theirs, { address: "2001:db8:1:2::1" }))).toBe("ok");
    await service.waitForIdle(theirs);
    expect(await outcome(service.deleteProject(other, { ref: theirs, confirmRef: theirs }, { address: "2001:db8:1:2::1" }))).toBe("limited");
    expect(await outcome(service.deleteProject(other, { ref: theirs, confirmRef: theirs }, { address: "2001:db8:9::1" }))).toBe("ok");
  });

  it("does not charge an administrator acting as one (console, admin tokens)", async () => {
    const service = await serviceWith(rules({ lifecycleUser: rule(1), lifecycleIp: rule(1) }));
    const api = apiOf(service);
    const refs = [await running(service), await running(service), await running(service)];
    for (const ref of refs.slice(0, 2))
      expect(await outcome(service.deleteProject(admin, { ref, confirmRef: ref }, { asAdmin: true, address: "192.0.2.50" }))).toBe("ok");
    expect(await outcome(api.deleteProject(caller(admin, "192.0.2.50", true), refs[2]!))).toBe("ok");
    // The owner's own allowance is untouched by the admin's deletes.
    const mine = await running(service);
    expect(await outcome(service.restartProject(owner, mine, { address: "192.0.2.51" }))).toBe("ok");
    await service.waitForIdle(mine);
  });
});

describe("clones, restores and undeletes", () => {
  async function withBackups(r: RateLimitRules): Promise<{ service: ProjectService; backups: BackupService; ref: string; backupId: string }> {
    const { projects: service, backups } = fixture.withBackups(new LocalStore(join(tmp, `store-${randomUUID()}`)), { limiter: new RateLimiter(db, r) });
    const { ref } = await service.createProject(owner, { name: "Kept" }, { address: "192.0.2.1" });
    await service.waitForIdle(ref);
    const { id } = await backups.createBackup(owner, { ref });
    return { service, backups, ref, backupId: id };
  }

  it("a clone is a create: it shares the per-account create limit with the page and the API, and a refused clone makes nothing", async () => {
    const { service, backups, ref, backupId } = await withBackups(rules({ createUser: rule(2) }));
    expect(await outcome(backups.cloneBackup(owner, { ref, backupId, name: "Copy" }, { address: "192.0.2.2" }))).toBe("ok");
    await service.waitForAllJobs();
    const err = await backups.cloneBackup(owner, { ref, backupId, name: "One too many" }, { address: "192.0.2.3" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).publicMessage).toMatch(/^Too many project creations\./);
    expect(await outcome(service.createProject(owner, { name: "Page" }, { address: "192.0.2.4" }))).toBe("limited");
    expect(await db.project.count({ where: { ownerId: owner.id } })).toBe(2);
  });

  it("limits clones per client address across accounts", async () => {
    const { service, backups, ref, backupId } = await withBackups(rules({ createIp: rule(2) }));
    // The create above was charged to 192.0.2.1.
    expect(await outcome(backups.cloneBackup(owner, { ref, backupId, name: "Copy" }, { address: "192.0.2.1" }))).toBe("ok");
    await service.waitForAllJobs();
    expect(await outcome(service.createProject(other, { name: "Neighbour" }, { address: "192.0.2.1" }))).toBe("limited");
    expect(await outcome(backups.cloneBackup(owner, { ref, backupId, name: "Elsewhere" }, { address: "192.0.2.9" }))).toBe("ok");
    await service.waitForAllJobs();
  });

  it("restore and undelete pay the lifecycle limit; a refused undelete leaves the project deleted; an admin is not charged", async () => {
    const { service, backups, ref, backupId } = await withBackups(rules({ lifecycleUser: rule(3) }));
    const a = { address: "192.0.2.20" };
    expect(await outcome(backups.restoreBackup(owner, { ref, backupId, confirmRef: ref }, a))).toBe("ok");
    await service.waitForIdle(ref);
    expect(await outcome(service.deleteProject(owner, { ref, confirmRef: ref }, a))).toBe("ok");
    expect(await outcome(backups.undeleteProject(owner, { ref }, a))).toBe("ok");
    await service.waitForIdle(ref);
    expect((await db.project.findUniqueOrThrow({ where: { ref } })).status).toBe("ACTIVE_HEALTHY");
    // The admin's delete is free; the owner's fourth stack-churning action is refused.
    expect(await outcome(service.deleteProject(admin, { ref, confirmRef: ref }, { asAdmin: true, address: "192.0.2.50" }))).toBe("ok");
    const ups = engine.calls.filter((c) => c.op === "up").length;
    expect(await outcome(backups.undeleteProject(owner, { ref }, { address: "192.0.2.21" }))).toBe("limited");
    expect((await db.project.findUniqueOrThrow({ where: { ref } })).status).toBe("REMOVED");
    expect(engine.calls.filter((c) => c.op === "up")).toHaveLength(ups);
    expect(await outcome(backups.undeleteProject(admin, { ref }, { asAdmin: true, address: "192.0.2.50" }))).toBe("ok");
    await service.waitForIdle(ref);
  });

  it("limits undeletes per client address across accounts", async () => {
    const { service, backups, ref } = await withBackups(rules({ lifecycleIp: rule(1) }));
    expect(await outcome(service.deleteProject(owner, { ref, confirmRef: ref }, { address: "198.51.100.7" }))).toBe("ok");
    expect(await outcome(backups.undeleteProject(owner, { ref }, { address: "198.51.100.7" }))).toBe("limited");
    expect(await outcome(backups.undeleteProject(owner, { ref }, { address: "198.51.100.8" }))).toBe("ok");
    await service.waitForIdle(ref);
  });
});
