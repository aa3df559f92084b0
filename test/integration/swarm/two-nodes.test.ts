// Two Swarm nodes on this one machine: this engine (manager) and a second
// dockerd in its own network namespace (worker, test/support/second-engine.ts)
// with the stand-in images loaded by save/load. A project placed on the
// worker (the manager is drained from the admin service, so the worker is
// the only choice) is reached through the real nginx on the manager by its
// subdomain; stopping the worker's engine turns it UNKNOWN, starting it again
// brings it back healthy, reachable, with its data. Everything this file
// makes goes again, and the engine leaves the swarm only if this file made it.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { ensureInstallationId } from "@/lib/installation/service";
import { swarmProvisioner } from "@/lib/swarm/provisioner";
import type { Provisioner } from "@/lib/projects/provisioner";
import { ProjectService } from "@/lib/projects/service";
import { NginxApplier } from "@/lib/proxy/nginx-applier";
import { loadProxyProjects } from "@/lib/proxy/app-proxy";
import type { ProxySettings } from "@/lib/proxy/render-nginx-config";
import { LATEST_STACK_VERSION, templateImage, templateServices } from "@/lib/stack/template";
import type { SessionUser } from "@/lib/auth/actor";
import { ensureDockerHost } from "@/test/support/docker-host";
import { NGINX_BIN, startNginx, viaNginx, type NginxHost } from "@/test/support/nginx-host";
import { startSecondEngine, type SecondEngine } from "@/test/support/second-engine";
import { ensureStandinImages, STANDIN_IMAGE_OVERRIDES } from "@/test/support/standin-images";
import { joinSwarm, type TestSwarm } from "@/test/support/swarm";

const DOMAIN = "fleet.test";
const tmp = mkdtempSync(join(tmpdir(), "supafleet-two-nodes-"));
let docker: Docker;
let swarm: TestSwarm;
let worker: SecondEngine;
let workerNodeId: string;
let nginx: NginxHost;
let db: Db;
let provisioner: Provisioner;
let service: ProjectService;
let admin: SessionUser;
const timings: Record<string, number> = {};

function settings(port: number): ProxySettings {
  // The app upstream is never reached here: only the project's own block is.
  return {
    rootDomain: DOMAIN,
    scheme: "http",
    appUpstream: { host: "127.0.0.1", port: 9 },
    httpListen: { host: "127.0.0.1", port },
    pagesDir: resolve("nginx/pages"),
    clientMaxBodySize: "50m",
  };
}

async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t = Date.now();
  try {
    return await fn();
  } finally {
    timings[name] = Date.now() - t;
  }
}

beforeAll(async () => {
  docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  swarm = await joinSwarm(docker);
  worker = await timed("worker engine start", () => startSecondEngine());
  // What a create of the newest template pulls, after the stand-in overrides (db has one per version).
  const images = [
    ...new Set(templateServices(LATEST_STACK_VERSION, { analytics: false }).map((s) => templateImage(LATEST_STACK_VERSION, s, STANDIN_IMAGE_OVERRIDES))),
  ];
  const sent = await timed("images save/load", () => worker.loadImages(docker, images));
  console.info(`two-nodes: ${sent.length} of ${images.length} images sent to the worker (the others were in its cache)`);
  workerNodeId = await worker.joinSwarm(swarm.managerAddress, swarm.workerToken);
  // (expect.poll works only inside a test.)
  for (let i = 0; ((await docker.getNode(workerNodeId).inspect()) as { Status: { State: string } }).Status.State !== "ready"; i++) {
    if (i > 60) throw new Error(`The worker node ${workerNodeId} did not become ready within 30 s.`);
    await new Promise((r) => setTimeout(r, 500));
  }

  nginx = await startNginx();
  const url = `file:${join(tmp, "supafleet.db")}`;
  await migrate(url);
  db = createDb(url);
  const installationId = await ensureInstallationId(db);
  // The worker's engine is known by its address, as SUPAFLEET_SWARM_NODE_ENGINES would name it.
  provisioner = swarmProvisioner(docker, installationId, { nodeEngines: { [worker.address]: worker.docker }, watchPollMs: 1_000 });
  const applier = new NginxApplier({
    nginxBin: NGINX_BIN,
    mainConfPath: nginx.mainConfPath,
    siteConfPath: nginx.siteConfPath,
    loadProjects: loadProxyProjects(db),
    settings: settings(nginx.port),
  });
  service = new ProjectService(db, provisioner, applier, {
    portRange: { start: 58000, end: 58099 },
    masterKey: randomBytes(32),
    rootDomain: DOMAIN,
    publicScheme: "http",
    imageOverrides: STANDIN_IMAGE_OVERRIDES,
  });
  const u = await db.user.create({ data: { id: randomUUID(), email: "ops@example.com", passwordHash: "x", role: "ADMIN", projectQuota: 3 } });
  admin = { id: u.id, email: u.email, name: null, role: "ADMIN" };
}, 600_000);

afterAll(async () => {
  service?.stopMonitor();
  if (db && provisioner) {
    for (const p of await db.project.findMany({ select: { ref: true } }))
      await provisioner.destroy(p.ref).catch((err: unknown) => console.error(`two-nodes cleanup ${p.ref}: ${String(err)}`));
  }
  if (swarm) await provisioner?.placement?.setNodeDrained(swarm.nodeId, false).catch(() => undefined);
  await worker?.remove();
  // The worker's node entry stays on the manager as "down" until removed.
  if (workerNodeId)
    await docker
      .getNode(workerNodeId)
      .remove({ force: true })
      .catch(() => undefined);
  nginx?.stop();
  await db?.$disconnect();
  await swarm?.release();
  rmSync(tmp, { recursive: true, force: true });
  console.info(`two-nodes timings (ms): ${JSON.stringify(timings)}`);
}, 300_000);

describe("two Swarm nodes on one machine", () => {
  let ref: string;
  let anonKey: string;

  it("lists both nodes for the admin; a drained manager takes no new projects, so the project goes to the worker", async () => {
    const nodes = (await service.nodes(admin))!;
    expect(nodes.map((n) => n.id).sort()).toEqual([swarm.nodeId, workerNodeId].sort());
    expect(nodes.find((n) => n.id === workerNodeId)).toMatchObject({ state: "ready", address: worker.address, local: false, role: "worker" });
    expect(nodes.find((n) => n.id === swarm.nodeId)).toMatchObject({ local: true, role: "manager" });
    await service.setNodeDrained(admin, { nodeId: swarm.nodeId, drained: true });
    expect((await service.nodes(admin))!.find((n) => n.id === swarm.nodeId)!.drained).toBe(true);

    ref = (await service.createProject(admin, { name: "On the worker" })).ref;
    await timed("create on worker", () => service.waitForIdle(ref));
    const p = await db.project.findUniqueOrThrow({ where: { ref } });
    expect(p.statusReason).toBeNull();
    expect(p.status).toBe("ACTIVE_HEALTHY");
    expect(p.nodeId).toBe(workerNodeId);
    expect(p.nodeAddress).toBe(worker.address);
    // Its containers and volumes are on the worker's engine, none on the manager's.
    const filters = JSON.stringify({ label: [`supafleet.ref=${ref}`] });
    expect((await worker.docker.listContainers({ filters })).length).toBe(templateServices(LATEST_STACK_VERSION, { analytics: false }).length);
    expect((await docker.listContainers({ all: true, filters })).length).toBe(0);
    expect(((await worker.docker.listVolumes({ filters })).Volumes ?? []).length).toBeGreaterThan(0);
    expect((await service.nodes(admin))!.find((n) => n.id === workerNodeId)!.projects).toEqual([ref]);
  });

  it("is reached through nginx on the manager by its subdomain", async () => {
    anonKey = (await service.getProjectDetails(admin, ref)).anonKey;
    expect((await viaNginx(nginx.port, `${ref}.${DOMAIN}`, "/rest/v1/todos")).status).toBe(401);
    // The REST double on the worker answers (for a table this project does not have).
    const ok = await viaNginx(nginx.port, `${ref}.${DOMAIN}`, "/rest/v1/todos?select=*", { apikey: anonKey });
    expect(ok.headers.get("x-supafleet-standin")).toBe("rest");
    expect({ status: ok.status, code: (JSON.parse(ok.body) as { code?: string }).code }).toEqual({ status: 404, code: "PGRST205" });
    // Service logs come from the worker through the manager.
    const lines: string[] = [];
    for await (const l of await service.logs(admin, ref, "db", { tail: 50, follow: false })) lines.push(l.line);
    expect(lines.some((l) => l.includes("standin-db: initialised"))).toBe(true);
  });

  it("turns UNKNOWN when the worker's engine stops, and healthy and reachable again when it comes back", async () => {
    service.startMonitor({ sweepMs: 2_000, debounceMs: 200, maxBackoffMs: 1_000 });
    const status = async () => (await db.project.findUniqueOrThrow({ where: { ref } })).status;
    await worker.stop();
    const stopped = Date.now();
    await expect.poll(status, { timeout: 90_000, interval: 1_000 }).toBe("UNKNOWN");
    timings["UNKNOWN after engine stop"] = Date.now() - stopped;
    expect((await service.nodes(admin))!.find((n) => n.id === workerNodeId)!.state).not.toBe("ready");
    // nginx still routes it (UNKNOWN is routed): the gateway is simply not there.
    expect((await viaNginx(nginx.port, `${ref}.${DOMAIN}`, "/rest/v1/todos", { apikey: anonKey, accept: "application/json" })).status).toBe(503);

    const restarted = Date.now();
    await worker.start();
    await expect.poll(status, { timeout: 240_000, interval: 1_000 }).toBe("ACTIVE_HEALTHY");
    timings["healthy after engine start"] = Date.now() - restarted;
    const ok = await viaNginx(nginx.port, `${ref}.${DOMAIN}`, "/rest/v1/todos?select=*", { apikey: anonKey });
    expect(ok.headers.get("x-supafleet-standin")).toBe("rest");
    expect(ok.status).toBe(404);
    service.stopMonitor();
  });

  it("deletes the project: services, configs and network on the manager, volumes on the worker", async () => {
    await service.deleteProject(admin, { ref, confirmRef: ref });
    const filters = JSON.stringify({ label: [`supafleet.ref=${ref}`] });
    expect(await docker.listServices({ filters })).toEqual([]);
    expect(await docker.listConfigs({ filters })).toEqual([]);
    expect(await docker.listNetworks({ filters })).toEqual([]);
    expect((await worker.docker.listVolumes({ filters })).Volumes ?? []).toEqual([]);
    await expect.poll(async () => (await worker.docker.listContainers({ all: true, filters })).length, { timeout: 60_000 }).toBe(0);
  });
});
