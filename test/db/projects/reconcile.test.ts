// Start-up reconcile and recovery against a fake engine (test/support/
// fake-provisioner.ts) and a real SQLite database: every repair in the
// status table, the unknown-stack recovery and quarantine, and the rule that
// no reconcile path removes a volume of a project that may hold data.
import { LATEST_STACK_VERSION } from "@/lib/stack/template";
import { randomBytes, randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { encryptSecrets } from "@/lib/crypto/secret-box";
import { InvalidStateError, NotFoundError } from "@/lib/errors";
import type { ProjectStatus } from "@/lib/domain";
import { metadataFor, sealMetadata } from "@/lib/projects/metadata";
import type { ProjectService, ProjectServiceConfig } from "@/lib/projects/service";
import { generateRef } from "@/lib/projects/ref";
import { generateProjectSecrets } from "@/lib/stack/secrets";
import type { SessionUser } from "@/lib/auth/actor";
import type { FakeEngine } from "@/test/support/fake-provisioner";
import { addUser, projectServiceFixture, tempFolder, type ProjectFixture } from "@/test/support/project-service-fixture";

const tmp = tempFolder("reconcile");

let n = 0;
let fixture: ProjectFixture;
let db: Db;
let engine: FakeEngine;
let installationId: string;
let config: ProjectServiceConfig;
let service: ProjectService;
let owner: SessionUser;
let admin: SessionUser;

async function freshInstallation(): Promise<void> {
  // n also numbers the ports project() leases: one counter, as before.
  fixture = await projectServiceFixture({ dir: tmp, file: `db-${n++}.sqlite`, config: { portRange: { start: 40000, end: 40099 } } });
  ({ db, installationId, engine, config, service } = fixture);
  owner = await addUser(db, "owner@example.com", { projectQuota: 50 });
  admin = await addUser(db, "admin@example.com", { role: "ADMIN" });
}

beforeEach(freshInstallation);

/** A project row (and, unless told otherwise, its full stack on the engine). */
async function project(status: ProjectStatus, opts: { activated?: boolean; onEngine?: boolean; running?: boolean; ports?: [number, number, number] } = {}) {
  const ref = generateRef();
  const secrets = encryptSecrets(config.masterKey, ref, JSON.stringify(await generateProjectSecrets()));
  const [k, p, q] = opts.ports ?? [40000 + n * 3, 40001 + n * 3, 40002 + n * 3];
  n++;
  const row = await db.project.create({
    data: {
      id: randomUUID(),
      ref,
      name: `P ${ref}`,
      ownerId: owner.id,
      status,
      stackVersion: LATEST_STACK_VERSION,
      secrets,
      activatedAt: opts.activated === false ? null : new Date(),
      ports: {
        create: [
          { port: k, purpose: "KONG_HTTP" },
          { port: p, purpose: "POSTGRES" },
          { port: q, purpose: "POOLER" },
        ],
      },
    },
    include: { ports: true },
  });
  if (opts.onEngine !== false) {
    const stack = engine.put({ ref, installation: installationId, hostPorts: { KONG_HTTP: k, POSTGRES: p, POOLER: q } });
    for (const c of stack.containers) c.running = opts.running ?? true;
    stack.metadata.push(
      sealMetadata(config.masterKey, metadataFor(installationId, { ...row, activatedAt: opts.activated === false ? null : row.createdAt }, owner)),
    );
  }
  return row;
}

const volumesRemoved = (ref: string) => engine.calls.filter((c) => c.ref === ref && c.op === "destroy");
const statusOf = async (ref: string) => (await db.project.findUniqueOrThrow({ where: { ref } })).status;

describe("reconcile: the repair for each status", () => {
  it("COMING_UP that never became active: rolled back to INIT_FAILED, its stack and leases gone", async () => {
    const p = await project("COMING_UP", { activated: false });
    const report = await service.reconcile();
    expect(report.drift).toContain(`${p.ref}: create was interrupted`);
    expect(await statusOf(p.ref)).toBe("INIT_FAILED");
    expect(volumesRemoved(p.ref)).toHaveLength(1);
    expect(await db.portLease.count({ where: { projectId: p.id } })).toBe(0);
  });

  it("COMING_UP in the database but active on the engine (a database restored from mid-create): keeps the data and resumes it", async () => {
    const p = await project("COMING_UP", { activated: false });
    // The engine's metadata is newer than the database: it says active.
    const stack = engine.stacks.get(engine.key(installationId, p.ref))!;
    stack.metadata.push(sealMetadata(config.masterKey, metadataFor(installationId, { ...p, activatedAt: new Date() }, owner)));
    const report = await service.reconcile();
    expect(report.errors).toEqual([]);
    await service.waitForAllJobs();
    expect(await statusOf(p.ref)).toBe("ACTIVE_HEALTHY");
    expect(volumesRemoved(p.ref)).toEqual([]);
    expect((await db.project.findUniqueOrThrow({ where: { ref: p.ref } })).activatedAt).not.toBeNull();
  });

  it("INIT_FAILED with leftovers: cleaned up; with metadata that cannot be read: containers go, volumes stay", async () => {
    const p = await project("INIT_FAILED", { activated: false });
    const q = await project("INIT_FAILED", { activated: false });
    engine.stacks.get(engine.key(installationId, q.ref))!.metadata = ["v1.garbage.garbage.garbage"];
    await service.reconcile();
    expect(volumesRemoved(p.ref)).toHaveLength(1);
    expect(volumesRemoved(q.ref)).toEqual([]);
    const kept = engine.stacks.get(engine.key(installationId, q.ref))!;
    expect(kept.containers).toEqual([]);
    expect(kept.volumes.has("db-data")).toBe(true);
    expect((await db.project.findUniqueOrThrow({ where: { ref: q.ref } })).statusReason).toContain("volumes were kept");
    // And the next start leaves the kept volumes alone, with no new drift.
    const again = await service.reconcile();
    expect(again.drift).toEqual([]);
    expect(volumesRemoved(q.ref)).toEqual([]);
  });

  it("PAUSING: finishes the pause; RESTORING: starts it again; INACTIVE but running: stops it", async () => {
    const pausing = await project("PAUSING");
    const restoring = await project("RESTORING", { running: false });
    const inactive = await project("INACTIVE");
    const report = await service.reconcile();
    await service.waitForAllJobs();
    expect(report.drift).toEqual(expect.arrayContaining([`${pausing.ref}: pause was interrupted`, `${restoring.ref}: resume/restart was interrupted`]));
    expect(report.drift.some((d) => d.startsWith(`${inactive.ref}: paused but running`))).toBe(true);
    expect(await statusOf(pausing.ref)).toBe("INACTIVE");
    expect(await statusOf(restoring.ref)).toBe("ACTIVE_HEALTHY");
    expect(engine.stacks.get(engine.key(installationId, inactive.ref))!.containers.every((c) => !c.running)).toBe(true);
    for (const p of [pausing, restoring, inactive]) expect(volumesRemoved(p.ref)).toEqual([]);
  });

  it("ACTIVE with containers gone: converged again; with its data volumes gone: UNKNOWN, and no empty database made in their place", async () => {
    const gone = await project("ACTIVE_HEALTHY");
    engine.stacks.get(engine.key(installationId, gone.ref))!.containers.splice(0, 3);
    const lost = await project("ACTIVE_HEALTHY");
    engine.stacks.delete(engine.key(installationId, lost.ref));
    const report = await service.reconcile();
    await service.waitForAllJobs();
    expect(await statusOf(gone.ref)).toBe("ACTIVE_HEALTHY");
    expect(engine.calls.some((c) => c.op === "up" && c.ref === gone.ref)).toBe(true);
    expect(report.drift).toContain(`${lost.ref}: data volumes missing`);
    const row = await db.project.findUniqueOrThrow({ where: { ref: lost.ref } });
    expect(row.status).toBe("UNKNOWN");
    expect(row.statusReason).toContain("did not make new, empty ones");
    expect(engine.calls.some((c) => c.op === "up" && c.ref === lost.ref)).toBe(false);
    // Reported once, not at every start.
    expect((await service.reconcile()).drift).toEqual([]);
  });

  it("a delete the owner asked for and a restart interrupted is finished", async () => {
    const p = await project("ACTIVE_HEALTHY");
    await db.projectEvent.create({ data: { projectId: p.id, kind: "delete.started", message: "Deleting" } });
    const report = await service.reconcile();
    expect(report.drift).toContain(`${p.ref}: delete was interrupted`);
    expect(await statusOf(p.ref)).toBe("REMOVED");
    expect(volumesRemoved(p.ref)).toHaveLength(1);
  });
});

describe("reconcile: stacks the database does not know", () => {
  /** A project made, then forgotten by the database (a backup restored from before it). */
  async function forgotten(opts: { running?: boolean; activated?: boolean } = {}) {
    const p = await project("ACTIVE_HEALTHY", { running: opts.running, activated: opts.activated });
    await db.project.delete({ where: { id: p.id } });
    return p;
  }

  it("rebuilds a running one from its sealed metadata: same id, owner, secrets and ports, and starts it", async () => {
    const p = await forgotten();
    const report = await service.reconcile();
    await service.waitForAllJobs();
    expect(report.repaired).toContain(`${p.ref}: rebuilt from its metadata (RESTORING)`);
    const back = await db.project.findUniqueOrThrow({ where: { ref: p.ref }, include: { ports: true } });
    expect(back).toMatchObject({ id: p.id, ownerId: owner.id, name: p.name, secrets: p.secrets, status: "ACTIVE_HEALTHY" });
    expect(back.ports.map((l) => l.port).sort()).toEqual(p.ports.map((l) => l.port).sort());
    expect(volumesRemoved(p.ref)).toEqual([]);
    expect(service.secretsOf(back).postgresPassword).toHaveLength(32);
  });

  it("rebuilds a stopped one as paused, and a create that never finished as INIT_FAILED", async () => {
    const paused = await forgotten({ running: false });
    const unfinished = await forgotten({ activated: false });
    await service.reconcile();
    expect(await statusOf(paused.ref)).toBe("INACTIVE");
    expect(await statusOf(unfinished.ref)).toBe("INIT_FAILED");
    expect(volumesRemoved(paused.ref)).toEqual([]);
  });

  it("gives it new ports when another project has leased its old ones since, and makes its containers again", async () => {
    const p = await forgotten({ running: false });
    const other = await project("ACTIVE_HEALTHY", { onEngine: false, ports: [p.ports[0]!.port, 40090, 40091] });
    await service.reconcile();
    const back = await db.project.findUniqueOrThrow({ where: { ref: p.ref }, include: { ports: true } });
    expect(back.status).toBe("INACTIVE");
    expect(back.ports).toHaveLength(3);
    expect(back.ports.map((l) => l.port)).not.toContain(p.ports[0]!.port);
    expect(engine.calls).toContainEqual({ installation: installationId, op: "removeContainers", ref: p.ref });
    expect(volumesRemoved(p.ref)).toEqual([]);
    expect(await db.portLease.count({ where: { projectId: other.id } })).toBe(3);
  });

  it("quarantines what it cannot rebuild: containers stopped, volumes kept, shown to the admin", async () => {
    const noMeta = await forgotten();
    engine.stacks.get(engine.key(installationId, noMeta.ref))!.volumes.delete("metadata");
    const otherKey = await forgotten();
    engine.stacks.get(engine.key(installationId, otherKey.ref))!.metadata = [
      sealMetadata(randomBytes(32), metadataFor(installationId, { ...otherKey, activatedAt: new Date() }, owner)),
    ];
    const report = await service.reconcile();
    expect(report.quarantined).toEqual(
      expect.arrayContaining([
        `${noMeta.ref}: it has no Supafleet metadata on its volumes`,
        `${otherKey.ref}: its metadata cannot be unsealed with this installation's master key`,
      ]),
    );
    for (const p of [noMeta, otherKey]) {
      const s = engine.stacks.get(engine.key(installationId, p.ref))!;
      expect(s.containers.every((c) => !c.running)).toBe(true);
      expect(s.volumes.has("db-data")).toBe(true);
      expect(volumesRemoved(p.ref)).toEqual([]);
      expect(await db.project.findUnique({ where: { ref: p.ref } })).toBeNull();
    }
    const view = await service.engineView(admin);
    expect(view.quarantined.map((q) => q.ref).sort()).toEqual([noMeta.ref, otherKey.ref].sort());
    await expect(service.adoptStack(admin, { ref: noMeta.ref })).rejects.toBeInstanceOf(InvalidStateError);
  });

  it("quarantines one whose owner has no account here; an admin adopts it for another account", async () => {
    const p = await forgotten();
    await db.user.update({ where: { id: owner.id }, data: { id: randomUUID(), email: "renamed@example.com" } });
    const report = await service.reconcile();
    expect(report.quarantined).toEqual([`${p.ref}: its owner owner@example.com has no account in this database`]);
    const view = await service.engineView(admin);
    expect(view.quarantined[0]).toMatchObject({ ref: p.ref, ownerEmail: "owner@example.com", name: p.name });
    // The admin finds the account by email and sees it is not the sealed one, then picks it by id.
    const candidate = await service.findAdoptionCandidate(admin, { ref: p.ref, ownerEmail: "renamed@example.com" });
    expect(candidate).toMatchObject({ email: "renamed@example.com", isSealedOwner: false, disabled: false });
    await expect(service.adoptStack(admin, { ref: p.ref })).rejects.toBeInstanceOf(NotFoundError);
    const outcome = await service.adoptStack(admin, { ref: p.ref, ownerId: candidate.id });
    expect(outcome).toMatchObject({ kind: "recovered", status: "INACTIVE" });
    const back = await db.project.findUniqueOrThrow({ where: { ref: p.ref } });
    expect(back.status).toBe("INACTIVE");
    expect((await db.user.findUniqueOrThrow({ where: { id: back.ownerId } })).email).toBe("renamed@example.com");
    expect((await service.engineView(admin)).quarantined).toEqual([]);
    expect(volumesRemoved(p.ref)).toEqual([]);
  });

  it("never hands a stack to whoever holds its owner's email now: only the same account id gets it back by itself", async () => {
    const p = await forgotten();
    // The database lost the owner; a stranger signed up with the same address.
    await db.user.update({ where: { id: owner.id }, data: { id: randomUUID() } });
    const report = await service.reconcile();
    expect(report.quarantined).toEqual([`${p.ref}: its owner owner@example.com has no account in this database`]);
    expect(await db.project.findUnique({ where: { ref: p.ref } })).toBeNull();
    // Nor does "adopt" with no account named: the sealed owner's id is gone.
    await expect(service.adoptStack(admin, { ref: p.ref })).rejects.toThrow(/find the account/);
    expect(await db.project.findUnique({ where: { ref: p.ref } })).toBeNull();
    expect(volumesRemoved(p.ref)).toEqual([]);
  });

  it("quarantines resources of a project whose delete finished, instead of bringing it back", async () => {
    const p = await project("ACTIVE_HEALTHY");
    await db.project.update({ where: { id: p.id }, data: { status: "REMOVED", secrets: "" } });
    const report = await service.reconcile();
    expect(report.quarantined).toEqual([`${p.ref}: the project was deleted, but these resources are still on the engine`]);
    expect(await statusOf(p.ref)).toBe("REMOVED");
    expect(volumesRemoved(p.ref)).toEqual([]);
    await service.purgeStack(admin, { ref: p.ref, confirmRef: p.ref });
    expect(volumesRemoved(p.ref)).toHaveLength(1);
  });

  it("never touches another installation's stacks, nor unlabelled ones it does not know; adopts unlabelled ones it knows", async () => {
    const theirs = engine.put({ ref: generateRef(), installation: "00000000000000ff" });
    const unknownLegacy = engine.put({ ref: generateRef(), installation: null });
    const known = await project("ACTIVE_HEALTHY", { onEngine: false });
    const legacy = engine.put({ ref: known.ref, installation: null });
    legacy.volumes.delete("metadata");
    const report = await service.reconcile();
    expect(report.foreign).toHaveLength(2);
    expect(report.drift).toEqual([]);
    const touched = engine.calls.filter((c) => c.ref === theirs.ref || c.ref === unknownLegacy.ref);
    expect(touched).toEqual([]);
    expect(theirs.containers.every((c) => c.running)).toBe(true);
    expect(unknownLegacy.containers.every((c) => c.running)).toBe(true);
    // The known pre-installation stack is this installation's: it gets its metadata written.
    expect(engine.calls).toContainEqual({ installation: installationId, op: "writeMetadata", ref: known.ref });
    const view = await service.engineView(admin);
    expect(view.foreign.map((f) => f.ref).sort()).toEqual([theirs.ref, unknownLegacy.ref].sort());
  });
});

describe("a create that fails", () => {
  it("removes its volumes only when it never became active", async () => {
    const failing = fixture.another({ hooks: { up: async () => Promise.reject(new Error("boom")) } });
    const p = await failing.createProject(owner, { name: "Doomed" });
    await failing.waitForIdle(p.ref);
    expect(await statusOf(p.ref)).toBe("INIT_FAILED");
    expect(await db.portLease.count({ where: { project: { ref: p.ref } } })).toBe(0);
    const kinds = (await db.projectEvent.findMany({ where: { project: { ref: p.ref } } })).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(["create.failed", "create.rolled_back"]));
  });

  it("writes 'active' to the engine's metadata once healthy, so a later rollback keeps the data", async () => {
    const p = await service.createProject(owner, { name: "Lives" });
    await service.waitForIdle(p.ref);
    const row = await db.project.findUniqueOrThrow({ where: { ref: p.ref } });
    expect(row.activatedAt).not.toBeNull();
    const stack = engine.stacks.get(engine.key(installationId, p.ref))!;
    expect(stack.metadata).toHaveLength(2);
    // A database restored from before the first healthy start still finds the truth on the engine.
    await db.project.update({ where: { id: row.id }, data: { status: "COMING_UP", activatedAt: null } });
    await service.reconcile();
    await service.waitForAllJobs();
    expect(volumesRemoved(p.ref)).toEqual([]);
    expect(await statusOf(p.ref)).toBe("ACTIVE_HEALTHY");
  });

  it("does not lease a port that a stopped container of another installation is bound to", async () => {
    const theirs = engine.put({ ref: generateRef(), installation: "00000000000000ff", hostPorts: { KONG_HTTP: 40000, POSTGRES: 40001, POOLER: 40002 } });
    for (const c of theirs.containers) c.running = false;
    engine.otherPorts.add(40003);
    const p = await service.createProject(owner, { name: "Neighbour" });
    const ports = (await db.portLease.findMany({ where: { project: { ref: p.ref } } })).map((l) => l.port);
    expect(ports).toHaveLength(3);
    for (const taken of [40000, 40001, 40002, 40003]) expect(ports).not.toContain(taken);
    await service.waitForIdle(p.ref);
  });
});
