// The provisioner end to end on the real Docker engine: whole Supabase stacks
// per project, built from our templates, running stand-in images for the
// Docker Hub ones (which cannot be pulled here) and real Postgres (17 for the newest template).
// The same suite runs against both provisioners (SUPAFLEET_TEST_ENGINES,
// default "docker,swarm"): on Swarm, the suite's one swarm is used
// (test/global/swarm.ts; alone, the file makes its own and leaves it only if
// that cannot break running projects, test/support/swarm.ts). Swarm runs the
// representative subset (create, isolation, logs, usage, pause/resume, delete,
// rolled-back create, quota race); the tests that kill or remove containers
// behind the engine's back, cut the engine's socket, or fake a dying app
// around createDockerProvisioner stay Docker-only (the two-node test,
// test/integration/swarm/two-nodes.test.ts, covers a lost Swarm node).
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Docker from "dockerode";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { InvalidStateError, NotFoundError, QuotaExceededError, ValidationError } from "@/lib/errors";
import { createDockerProvisioner } from "@/lib/docker/provisioner";
import { generateRef } from "@/lib/projects/ref";
import { createSwarmProvisioner } from "@/lib/swarm/provisioner";
import type { Provisioner } from "@/lib/projects/provisioner";
import { ProjectService, type ProjectServiceConfig } from "@/lib/projects/service";
import { ensureInstallationId } from "@/lib/installation/service";
import { containerName } from "@/lib/stack/build-stack-spec";
import { containerLogs } from "@/lib/docker/logs";
import { LABELS } from "@/lib/stack/types";
import { LATEST_STACK_VERSION, templateServices } from "@/lib/stack/template";
import type { SessionUser } from "@/lib/auth/actor";
import { ensureDockerHost } from "@/test/support/docker-host";
import { ensureStandinImages, STANDIN_IMAGE_OVERRIDES } from "@/test/support/standin-images";
import { startSocketProxy } from "@/test/support/socket-proxy";
import { joinSwarm, type TestSwarm } from "@/test/support/swarm";

type Engine = "docker" | "swarm";
const ENGINES = (process.env.SUPAFLEET_TEST_ENGINES ?? "docker,swarm").split(",").map((e) => e.trim()) as Engine[];
for (const e of ENGINES) if (e !== "docker" && e !== "swarm") throw new Error(`SUPAFLEET_TEST_ENGINES: unknown engine ${e}`);

const tmp = mkdtempSync(join(tmpdir(), "supafleet-lifecycle-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let engine: Engine;
let swarm: TestSwarm | undefined;
let docker: Docker;
let db: Db;
let service: ProjectService;
let config: ProjectServiceConfig;
let installationId: string;
const proxyApplies: number[] = [];
// Records applies instead of reloading nginx: the proxy has its own tests
// against a real nginx (test/integration/routing); here only "was it asked".
const recordingProxy = { apply: async () => void proxyApplies.push(Date.now()) };

async function makeUser(email: string, quota: number | null = null): Promise<SessionUser> {
  const u = await db.user.create({ data: { id: randomUUID(), email, passwordHash: "x", projectQuota: quota } });
  return { id: u.id, email: u.email, name: null, role: "USER" };
}

/** What the engine holds for the ref; on Swarm, its services and configs count as containers. */
async function labelled(ref: string) {
  const filters = JSON.stringify({ label: [`${LABELS.managed}=true`, `${LABELS.ref}=${ref}`] });
  const [containers, volumes, networks, services, configs] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listVolumes({ filters }),
    docker.listNetworks({ filters }),
    engine === "swarm" ? docker.listServices({ filters }) : [],
    engine === "swarm" ? docker.listConfigs({ filters }) : [],
  ]);
  return { containers: containers.length + services.length + configs.length, volumes: volumes.Volumes?.length ?? 0, networks: networks.length };
}

function makeProvisioner(socket = "/var/run/docker.sock"): Provisioner {
  return engine === "swarm" ? createSwarmProvisioner(socket, installationId) : createDockerProvisioner(socket, installationId);
}

async function details(user: SessionUser, ref: string) {
  return service.getProjectDetails(user, ref);
}

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

function localUrl(url: string): string {
  // The project's hostname needs wildcard DNS; tests talk to the host directly.
  return url.replace(/@[a-z]{20}\.[^:/]+:/, "@127.0.0.1:");
}

async function gateway(kongPort: number, path: string, apikey?: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${kongPort}${path}`, { headers: apikey ? { apikey, authorization: `Bearer ${apikey}` } : {} });
}

async function kongPort(ref: string): Promise<number> {
  const lease = await db.portLease.findFirstOrThrow({ where: { project: { ref }, purpose: "KONG_HTTP" } });
  return lease.port;
}

describe.each(ENGINES)("project lifecycle on a real Docker engine (%s provisioner)", (engineName) => {
  // Docker-only tests (see the header): not registered on Swarm.
  const dockerOnly = (engineName === "docker" ? it : () => undefined) as typeof it;
  beforeAll(() => {
    engine = engineName;
  });
  beforeAll(async () => {
    docker = await ensureDockerHost();
    await ensureStandinImages(docker);
    if (engine === "swarm") swarm = await joinSwarm(docker);
    const url = `file:${join(tmp, `${engine}.db`)}`;
    await migrate(url);
    db = createDb(url);
    installationId = await ensureInstallationId(db);
    config = {
      portRange: { start: 55100, end: 55399 },
      masterKey: randomBytes(32),
      rootDomain: "supafleet.test",
      publicScheme: "http",
      imageOverrides: STANDIN_IMAGE_OVERRIDES,
      // On one engine the projects run with logs and analytics (Logflare and
      // Vector, fed by the engine: lib/stack/log-path.ts); Swarm has no such log path.
      analytics: engine === "docker",
      // Leased subnets as in production (lib/env.ts's default pool is 10.213/16): the log path needs them.
      subnetPool: { cidr: "10.215.0.0/16", size: 26 },
    };
    service = new ProjectService(db, makeProvisioner(), recordingProxy, config);
  });

  afterAll(async () => {
    // Whatever a failed assertion left: remove every project this file made.
    const provisioner = makeProvisioner();
    const projects = (await db?.project.findMany({ select: { ref: true } })) ?? [];
    for (const p of projects) await provisioner.destroy(p.ref).catch(() => undefined);
    await db?.$disconnect();
    await swarm?.release();
    swarm = undefined;
  });

  let alice: SessionUser;
  let bob: SessionUser;
  let refA: string;
  let refB: string;

  it("creates two projects side by side, both healthy, every service running", async () => {
    alice = await makeUser("alice@example.com", 3);
    bob = await makeUser("bob@example.com", 3);
    const [a, b] = await Promise.all([
      service.createProject(alice, { name: "Alice app", region: "home-lab" }),
      service.createProject(bob, { name: "Bob app" }),
    ]);
    refA = a.ref;
    refB = b.ref;
    expect(a.status).toBe("COMING_UP");
    expect(refA).toMatch(/^[a-z]{20}$/);
    expect(refA).not.toBe(refB);
    await Promise.all([service.waitForIdle(refA), service.waitForIdle(refB)]);
    for (const [user, ref] of [
      [alice, refA],
      [bob, refB],
    ] as const) {
      const p = await service.getProject(user, ref);
      expect(p.statusReason, `reason for ${ref}`).toBeNull();
      expect(p.status).toBe("ACTIVE_HEALTHY");
      const services = await service.serviceStatus(user, ref);
      // The newest template's services, with analytics where it is on.
      expect(services.map((s) => s.service).sort()).toEqual(templateServices(LATEST_STACK_VERSION, { analytics: config.analytics ?? false }).sort());
      for (const s of services) {
        expect(s.state, s.service).toBe("running");
        expect(s.health, s.service).not.toBe("unhealthy");
      }
    }
    // the event log tells the story of the create
    const events = await service.listEvents(alice, refA);
    const kinds = events.map((e) => e.kind);
    expect(kinds[0]).toBe("create.requested");
    expect(kinds).toContain("create.started");
    expect(kinds).toContain("service.healthy");
    expect(kinds.at(-1)).toBe("create.succeeded");
    // ports: three distinct leases per project, none shared
    const leases = await db.portLease.findMany();
    expect(leases).toHaveLength(6);
    expect(new Set(leases.map((l) => l.port)).size).toBe(6);
    expect(proxyApplies.length).toBeGreaterThan(0);
  });

  it("keeps the projects isolated: passwords, keys, names", async () => {
    const a = await details(alice, refA);
    const b = await details(bob, refB);
    expect(a.anonKey).not.toBe(b.anonKey);
    expect(a.dbPassword).not.toBe(b.dbPassword);
    // A's own password works on A, through the direct port and the pooler
    expect((await query(localUrl(a.directUrl!), "select current_user as u")).rows[0].u).toBe("postgres");
    expect((await query(localUrl(a.poolerUrl!), "select 1 as one")).rows[0].one).toBe(1);
    // A tenant that is not this project's is refused by the pooler
    await expect(query(localUrl(a.directUrl!).replace(`postgres.${refA}`, `postgres.${refB}`), "select 1")).rejects.toThrow(/Tenant or user not found/);
    // A's password on B's database is refused
    const crossed = localUrl(b.directUrl!).replace(encodeURIComponent(b.dbPassword), encodeURIComponent(a.dbPassword));
    await expect(query(crossed, "select 1")).rejects.toThrow(/password authentication failed/);
    // gateway: no key 401, own key 200 (routed to rest), the other project's key 401
    const portA = await kongPort(refA);
    expect((await gateway(portA, "/rest/v1/todos")).status).toBe(401);
    // Routed to rest: the PostgREST double answers for a table the project does not have.
    const ok = await gateway(portA, "/rest/v1/todos", a.anonKey);
    expect(ok.headers.get("x-supafleet-standin")).toBe("rest");
    expect(ok.status).toBe(404);
    expect(((await ok.json()) as { code: string }).code).toBe("PGRST205");
    expect((await gateway(portA, "/rest/v1/todos", b.anonKey)).status).toBe(401);
    // Upstream (2026.09-r1): PostgREST's OpenAPI document at /rest/v1/ is for the service role only.
    expect((await gateway(portA, "/rest/v1/", a.anonKey)).status).toBe(403);
    expect((await gateway(portA, "/rest/v1/", a.serviceRoleKey)).status).toBe(200);
    // ownership: Bob cannot see or touch Alice's project
    await expect(service.getProject(bob, refA)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.pauseProject(bob, refA)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.getProjectDetails(bob, refA)).rejects.toBeInstanceOf(NotFoundError);
    // names: nothing of A's is shared with B
    // Swarm keeps a replaced task's exited container as history (a task that a
    // loaded host restarted during the create): the running ones are the stack.
    const names = async (ref: string) =>
      (await docker.listContainers({ all: engine === "docker", filters: JSON.stringify({ label: [`${LABELS.ref}=${ref}`] }) })).map((c) => c.Names[0]);
    const na = await names(refA);
    const nb = await names(refB);
    expect(na).toHaveLength(templateServices(LATEST_STACK_VERSION, { analytics: config.analytics ?? false }).length);
    expect(na.filter((n) => nb.includes(n))).toEqual([]);
    expect(na.every((n) => n?.includes(refA))).toBe(true);
  });

  dockerOnly("feeds each project's Vector its own containers' logs through the engine, and no container holds the Docker socket", async () => {
    for (const [ref, other] of [
      [refA, refB],
      [refB, refA],
    ] as const) {
      const filters = JSON.stringify({ label: [`${LABELS.managed}=true`, `${LABELS.ref}=${ref}`] });
      const containers = (await docker.listContainers({ all: true, filters })).filter((c) => c.Labels[LABELS.service]);
      const names = containers.map((c) => c.Names[0]!.replace(/^\//, ""));
      const vectorName = containerName(ref, "vector");
      expect(names).toContain(vectorName);
      let intake = "";
      for (const c of containers) {
        const info = await docker.getContainer(c.Id).inspect();
        const name = info.Name.replace(/^\//, "");
        expect(
          info.Mounts.map((m) => m.Source ?? "").filter((src) => src.includes("docker.sock")),
          name,
        ).toEqual([]);
        if (name === vectorName) {
          const bound = info.HostConfig.PortBindings?.["24224/tcp"] ?? [];
          expect(bound, "Vector's intake is published on one loopback address only").toHaveLength(1);
          expect(bound[0]!.HostIp).toMatch(/^127\.\d+\.\d+\.\d+$/);
          expect(bound[0]!.HostIp).not.toBe("127.0.0.1");
          intake = `tcp://${bound[0]!.HostIp}:24224`;
          expect(info.HostConfig.LogConfig?.Type).toBe("json-file");
        }
      }
      for (const c of containers) {
        const info = await docker.getContainer(c.Id).inspect();
        if (info.Name === `/${vectorName}`) continue;
        expect(info.HostConfig.LogConfig?.Type, info.Name).toBe("fluentd");
        expect(info.HostConfig.LogConfig?.Config?.["fluentd-address"], info.Name).toBe(intake);
      }
      // Every container of the project (they all log at start) reaches its
      // Vector, tagged with its name; nothing of the other project does.
      const want = names.filter((n) => n !== vectorName).sort();
      let tags = new Set<string>();
      for (let i = 0; i < 60; i++) {
        tags = new Set<string>();
        for await (const l of containerLogs(docker, vectorName, { tail: 5000, follow: false })) {
          const m = /^vector stand-in event (\{.*\})$/.exec(l.line);
          if (m) tags.add((JSON.parse(m[1]!) as { tag: string }).tag);
        }
        if (want.every((n) => tags.has(n))) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect([...tags].filter((t) => !t.startsWith(containerName(ref, "")))).toEqual([]);
      expect([...tags].some((t) => t.startsWith(containerName(other, "")))).toBe(false);
      expect([...tags].sort()).toEqual(want);
    }
    // The dashboard's log viewer still reads a fluentd-logged container (Docker's dual logging).
    const lines: string[] = [];
    for await (const l of await service.logs(alice, refA, "auth", { tail: 50, follow: false })) lines.push(l.line);
    expect(lines.join("\n")).toContain("GoTrue API started on");
  });

  it("streams a service's logs: tail, follow until aborted, and a clear error for unknown services", async () => {
    const tail: string[] = [];
    for await (const l of await service.logs(alice, refA, "db", { tail: 50, follow: false })) tail.push(l.line);
    // The db entrypoint's own line: a first boot's, or a seeded volume's (Docker engine, SUPAFLEET_DB_SEED on).
    expect(tail.some((l) => /PostgreSQL init process complete|appears to contain a database; Skipping initialization/.test(l))).toBe(true);
    const abort = new AbortController();
    const followed: string[] = [];
    const timer = setTimeout(() => abort.abort(), 1500);
    for await (const l of await service.logs(alice, refA, "db", { tail: 5, follow: true, signal: abort.signal })) followed.push(l.line);
    clearTimeout(timer);
    expect(abort.signal.aborted).toBe(true);
    expect(followed.length).toBeGreaterThan(0);
    await expect(service.logs(alice, refA, "nosuchservice", { tail: 5, follow: false })).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.logs(bob, refA, "db", { tail: 5, follow: false })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("samples real usage from the engine: memory, CPU, traffic and volume size", async () => {
    expect(await service.sampleUsage()).toBeGreaterThanOrEqual(2);
    const [point] = await service.usageOf(alice, refA);
    // 13 real containers (Postgres among them) hold far more than nothing, far less than the host.
    expect(point!.memoryMb).toBeGreaterThan(50);
    expect(point!.memoryMb).toBeLessThan(8192);
    expect(point!.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(point!.diskMb).toBeGreaterThan(1); // the Postgres data directory alone
  });

  it("pauses and resumes with the data written before", async () => {
    const a = await details(alice, refA);
    await query(localUrl(a.directUrl!), "create table notes (body text); insert into notes values ('written before pause')");
    const paused = await service.pauseProject(alice, refA);
    expect(paused.status).toBe("INACTIVE");
    const states = await service.serviceStatus(alice, refA);
    expect(states.every((s) => s.state !== "running")).toBe(true);
    await expect(gateway(await kongPort(refA), "/rest/v1/", a.anonKey)).rejects.toThrow();
    // volumes survive the pause
    expect((await labelled(refA)).volumes).toBeGreaterThan(0);
    await expect(service.pauseProject(alice, refA)).rejects.toBeInstanceOf(InvalidStateError);
    const resumed = await service.resumeProject(alice, refA);
    expect(resumed.status).toBe("RESTORING");
    await service.waitForIdle(refA);
    expect((await service.getProject(alice, refA)).status).toBe("ACTIVE_HEALTHY");
    const rows = await query(localUrl(a.directUrl!), "select body from notes");
    expect(rows.rows).toEqual([{ body: "written before pause" }]);
  });

  dockerOnly("notices a killed container with no page open within 10 s, and its monitor survives an engine restart", async () => {
    const relay = await startSocketProxy("/var/run/docker.sock");
    // Another app process on the same database, talking to the engine through the relay.
    const watched = new ProjectService(db, createDockerProvisioner(relay.path, installationId), recordingProxy, config);
    const monitor = watched.startMonitor({ sweepMs: 60_000, debounceMs: 200, maxBackoffMs: 1_000 });
    const statusOf = async () => (await db.project.findUniqueOrThrow({ where: { ref: refA } })).status;
    try {
      await expect.poll(() => monitor.watching, { timeout: 5_000 }).toBe(true);
      expect(await statusOf()).toBe("ACTIVE_HEALTHY");
      // The engine "restarts": every connection cut, nothing answers for a while.
      await relay.stop();
      await expect.poll(statusOf, { timeout: 10_000 }).toBe("UNKNOWN");
      await relay.start();
      await expect.poll(() => monitor.watching, { timeout: 10_000 }).toBe(true);
      await expect.poll(statusOf, { timeout: 10_000 }).toBe("ACTIVE_HEALTHY");
      // A crash nobody is watching: seen from the event stream opened after the restart.
      const killedAt = Date.now();
      await docker.getContainer(`supafleet-${refA}-rest`).kill();
      await expect
        .poll(
          async () =>
            (await db.projectEvent.findMany({ where: { project: { ref: refA }, kind: "health.changed", at: { gte: new Date(killedAt) } } })).map(
              (e) => e.message,
            ),
          { timeout: 10_000 },
        )
        .toContain("Not healthy: rest");
      console.info(`monitor: killed container seen as unhealthy after ${Date.now() - killedAt} ms`);
    } finally {
      watched.stopMonitor();
      await relay.close();
    }
    // Put it back for the tests that follow.
    await docker
      .getContainer(`supafleet-${refA}-rest`)
      .start()
      .catch(() => undefined);
    await expect.poll(async () => (await service.refreshStatus(refA)) ?? "", { timeout: 60_000, interval: 1_000 }).toBe("ACTIVE_HEALTHY");
  });

  dockerOnly("repairs drift at start-up: a container gone; quarantines what it cannot rebuild and leaves other installations alone", async () => {
    const rest = docker.getContainer(`supafleet-${refB}-rest`);
    await rest.remove({ force: true });
    // This installation's volume with no metadata to rebuild a project from,
    // another installation's volume, and one made before installation ids.
    // Fresh refs each run: a volume left by an interrupted run must not make
    // this one's createVolume a no-op with another run's labels.
    const orphanRef = generateRef();
    const foreignRef = generateRef();
    const legacyRef = generateRef();
    await docker.createVolume({
      Name: `supafleet-${orphanRef}-db-data`,
      Labels: { [LABELS.managed]: "true", [LABELS.installation]: installationId, [LABELS.ref]: orphanRef, [LABELS.volume]: "db-data" },
    });
    await docker.createVolume({
      Name: `supafleet-${foreignRef}-db-data`,
      Labels: { [LABELS.managed]: "true", [LABELS.installation]: "00000000000000ff", [LABELS.ref]: foreignRef },
    });
    await docker.createVolume({ Name: `supafleet-${legacyRef}-db-data`, Labels: { [LABELS.managed]: "true", [LABELS.ref]: legacyRef } });
    try {
      const report = await service.reconcile();
      expect(report.drift.some((d) => d.includes(refB) && d.includes("rest"))).toBe(true);
      expect(report.drift.some((d) => d.includes(orphanRef))).toBe(true);
      expect(report.quarantined).toEqual([`${orphanRef}: it has no Supafleet metadata on its volumes`]);
      expect(report.foreign.some((f) => f.startsWith(`${foreignRef}: installation 00000000000000ff`))).toBe(true);
      expect(report.foreign.some((f) => f.startsWith(`${legacyRef}: no installation label`))).toBe(true);
      expect(report.errors).toEqual([]);
      await service.waitForIdle(refB);
      expect((await service.getProject(bob, refB)).status).toBe("ACTIVE_HEALTHY");
      // Nothing was removed: the data stays until an admin decides.
      for (const ref of [orphanRef, foreignRef, legacyRef]) expect((await labelled(ref)).volumes, ref).toBe(1);
      const again = await service.reconcile();
      expect(again.drift).toEqual([]);
      expect(again.quarantined).toHaveLength(1);
      // The admin sees it, and deleting it for good needs the typed ref.
      const admin = { ...(await makeUser("root@example.com")), role: "ADMIN" as const };
      const view = await service.engineView(admin);
      expect(view.quarantined.map((q) => q.ref)).toEqual([orphanRef]);
      // (Other installations on this engine, such as the suite's live one, are listed too.)
      expect(view.foreign.map((f) => f.ref)).toEqual(expect.arrayContaining([foreignRef, legacyRef]));
      expect(view.foreign.map((f) => f.ref)).not.toContain(orphanRef);
      await expect(service.purgeStack(admin, { ref: orphanRef, confirmRef: "nope" })).rejects.toBeInstanceOf(ValidationError);
      await expect(service.purgeStack(admin, { ref: foreignRef, confirmRef: foreignRef })).rejects.toBeInstanceOf(NotFoundError);
      await expect(service.purgeStack(alice, { ref: orphanRef, confirmRef: orphanRef })).rejects.toThrow(/Administrators only/);
      await service.purgeStack(admin, { ref: orphanRef, confirmRef: orphanRef });
      expect((await labelled(orphanRef)).volumes).toBe(0);
      expect((await labelled(foreignRef)).volumes).toBe(1);
      expect((await service.engineView(admin)).quarantined).toEqual([]);
    } finally {
      // Only the volumes this test made (the orphan too, when an assertion stopped it before its purge).
      for (const ref of [orphanRef, foreignRef, legacyRef])
        await docker
          .getVolume(`supafleet-${ref}-db-data`)
          .remove()
          .catch(() => undefined);
      await db.quarantinedStack.deleteMany({ where: { ref: orphanRef } });
    }
  });

  it("deletes a project and leaves nothing labelled behind", async () => {
    const refused = await service.deleteProject(alice, { ref: refA, confirmRef: "wrong" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).fieldErrors.confirmRef).toEqual(["Type the project ref exactly to confirm."]);
    expect((await service.getProject(alice, refA)).status).toBe("ACTIVE_HEALTHY");
    await service.deleteProject(alice, { ref: refA, confirmRef: refA });
    expect(await labelled(refA)).toEqual({ containers: 0, volumes: 0, networks: 0 });
    expect(await db.portLease.count({ where: { project: { ref: refA } } })).toBe(0);
    const row = await db.project.findUniqueOrThrow({ where: { ref: refA } });
    expect(row.status).toBe("REMOVED");
    expect(row.secrets).toBe("");
    await expect(service.getProject(alice, refA)).rejects.toBeInstanceOf(NotFoundError);
    expect((await service.listProjects(alice)).map((p) => p.ref)).not.toContain(refA);
  });

  it("rolls back a create that fails midway, with a clear reason, and retries it", async () => {
    const broken = new ProjectService(db, makeProvisioner(), recordingProxy, {
      ...config,
      imageOverrides: { ...STANDIN_IMAGE_OVERRIDES, storage: "supafleet-standin/does-not-exist:1" },
    });
    const p = await broken.createProject(alice, { name: "Doomed" });
    await broken.waitForIdle(p.ref);
    const failed = await broken.getProject(alice, p.ref);
    expect(failed.status).toBe("INIT_FAILED");
    expect(failed.statusReason).toContain("supafleet-standin/does-not-exist:1");
    expect(await labelled(p.ref)).toEqual({ containers: 0, volumes: 0, networks: 0 });
    expect(await db.portLease.count({ where: { project: { ref: p.ref } } })).toBe(0);
    const kinds = (await broken.listEvents(alice, p.ref)).map((e) => e.kind);
    expect(kinds).toContain("create.failed");
    expect(kinds).toContain("create.rolled_back");
    // retry with working images: same ref, fresh leases, healthy
    await service.retryProject(alice, p.ref);
    await service.waitForIdle(p.ref);
    expect((await service.getProject(alice, p.ref)).status).toBe("ACTIVE_HEALTHY");
    await service.deleteProject(alice, { ref: p.ref, confirmRef: p.ref });
    expect(await labelled(p.ref)).toEqual({ containers: 0, volumes: 0, networks: 0 });
  });

  it("never lets parallel creates exceed a quota, and a delete cancels a create in flight", async () => {
    const carol = await makeUser("carol@example.com", 1);
    const results = await Promise.allSettled([1, 2, 3, 4].map((i) => service.createProject(carol, { name: `Race ${i}` })));
    const created = results.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<ProjectService["createProject"]>>> => r.status === "fulfilled");
    expect(created).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(QuotaExceededError);
    const ref = created[0]!.value.ref;
    // delete right away: the create is cancelled, rolled back, then deleted
    await service.deleteProject(carol, { ref, confirmRef: ref });
    expect(await labelled(ref)).toEqual({ containers: 0, volumes: 0, networks: 0 });
    expect((await db.project.findUniqueOrThrow({ where: { ref } })).status).toBe("REMOVED");
    // the quota is free again
    const next = await service.createProject(carol, { name: "After delete" });
    await service.deleteProject(carol, { ref: next.ref, confirmRef: next.ref });
  });

  dockerOnly("queues starts beyond the host's limit, in order, and a delete takes a project out of the queue", async () => {
    const dave = await makeUser("dave@example.com", 5);
    const oneAtATime = new ProjectService(db, createDockerProvisioner("/var/run/docker.sock", installationId), recordingProxy, {
      ...config,
      maxParallelStarts: 1,
    });
    const [a, b, c] = [
      await oneAtATime.createProject(dave, { name: "First" }),
      await oneAtATime.createProject(dave, { name: "Second" }),
      await oneAtATime.createProject(dave, { name: "Third" }),
    ];
    const kindsOf = async (ref: string) => (await oneAtATime.listEvents(dave, ref)).map((e) => e.kind);
    await expect.poll(() => kindsOf(a.ref), { timeout: 20_000 }).toContain("create.started");
    await expect.poll(() => kindsOf(c.ref), { timeout: 20_000 }).toContain("create.queued");
    expect(await kindsOf(b.ref)).toContain("create.queued");
    expect(await kindsOf(b.ref)).not.toContain("create.started");
    expect(await kindsOf(c.ref)).not.toContain("create.started");
    // Deleting the queued third one does not wait for the first to finish.
    await oneAtATime.deleteProject(dave, { ref: c.ref, confirmRef: c.ref });
    expect((await db.project.findUniqueOrThrow({ where: { ref: c.ref } })).status).toBe("REMOVED");
    expect(await labelled(c.ref)).toEqual({ containers: 0, volumes: 0, networks: 0 });
    expect(await kindsOf(b.ref)).not.toContain("create.started");
    // Deleting the running first one hands its slot to the second.
    await oneAtATime.deleteProject(dave, { ref: a.ref, confirmRef: a.ref });
    await expect.poll(() => kindsOf(b.ref), { timeout: 20_000 }).toContain("create.started");
    await oneAtATime.deleteProject(dave, { ref: b.ref, confirmRef: b.ref });
    for (const ref of [a.ref, b.ref, c.ref]) expect(await labelled(ref)).toEqual({ containers: 0, volumes: 0, networks: 0 });
    expect(await db.portLease.count({ where: { project: { ownerId: dave.id } } })).toBe(0);
  });

  dockerOnly("finishes a delete that a restart interrupted, and frees every port", async () => {
    // An "app process" that dies in the middle of the delete: its destroy
    // removes one container and then never returns.
    const real = createDockerProvisioner("/var/run/docker.sock", installationId);
    let partlyDone!: () => void;
    const died = new Promise<void>((resolve) => (partlyDone = resolve));
    const dying = new ProjectService(
      db,
      {
        ...real,
        destroy: async (ref) => {
          await docker.getContainer(`supafleet-${ref}-rest`).remove({ force: true });
          partlyDone();
          return new Promise(() => undefined);
        },
      },
      recordingProxy,
      config,
    );
    void dying.deleteProject(bob, { ref: refB, confirmRef: refB });
    await died;
    expect((await labelled(refB)).containers).toBeGreaterThan(0);
    // The restarted app (another service instance) finishes what the owner asked for
    // instead of bringing the stack back.
    const report = await service.reconcile();
    expect(report.drift).toContain(`${refB}: delete was interrupted`);
    expect(report.errors).toEqual([]);
    expect(await labelled(refB)).toEqual({ containers: 0, volumes: 0, networks: 0 });
    expect((await db.project.findUniqueOrThrow({ where: { ref: refB } })).status).toBe("REMOVED");
    expect(await db.portLease.count()).toBe(0);
    expect((await service.reconcile()).drift).toEqual([]);
  });

  dockerOnly("an interrupted create whose clean-up fails ends INIT_FAILED, keeps its leases, and is cleaned up at the next start", async () => {
    const erin = await makeUser("erin@example.com", 1);
    const real = createDockerProvisioner("/var/run/docker.sock", installationId);
    // An app that dies during the create: its stack start never returns.
    let reachedUp!: () => void;
    const upCalled = new Promise<void>((resolve) => (reachedUp = resolve));
    const dying = new ProjectService(db, { ...real, up: async () => (reachedUp(), new Promise(() => undefined)) }, recordingProxy, config);
    const p = await dying.createProject(erin, { name: "Interrupted" });
    await upCalled;
    // The restarted app cannot reach the engine for the clean-up this time.
    const cannotClean = new ProjectService(
      db,
      { ...real, destroy: async () => Promise.reject(new Error("engine refused the removal")) },
      recordingProxy,
      config,
    );
    const report = await cannotClean.reconcile();
    expect(report.drift).toContain(`${p.ref}: create was interrupted`);
    expect(report.errors.join("\n")).toContain("engine refused the removal");
    const failed = await db.project.findUniqueOrThrow({ where: { ref: p.ref }, include: { ports: true } });
    expect(failed.status).toBe("INIT_FAILED");
    expect(failed.statusReason).toContain("Cleaning up failed: engine refused the removal");
    expect(failed.ports).toHaveLength(3);
    // The next start cleans it up; the retry stays available.
    const next = await service.reconcile();
    expect(next.drift).toContain(`${p.ref}: failed create left resources or leases behind`);
    expect(next.errors).toEqual([]);
    expect(await db.portLease.count({ where: { project: { ref: p.ref } } })).toBe(0);
    expect(await labelled(p.ref)).toEqual({ containers: 0, volumes: 0, networks: 0 });
    await service.deleteProject(erin, { ref: p.ref, confirmRef: p.ref });
  });
});
