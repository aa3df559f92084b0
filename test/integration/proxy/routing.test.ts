// Subdomain routing end to end: a real nginx (Debian) on a loopback port in
// front of a real project stack (stand-in images), driven by the project
// service, which re-applies the generated config after every change.
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { NginxConfigInvalidError } from "@/lib/errors";
import { ensureInstallationId } from "@/lib/installation/service";
import { createDockerProvisioner } from "@/lib/projects/docker-provisioner";
import { ProjectService } from "@/lib/projects/service";
import { loadProxyProjects } from "@/lib/proxy/app-proxy";
import { NginxApplier } from "@/lib/proxy/nginx-applier";
import { renderNginxConfig, type ProxyProject, type ProxySettings } from "@/lib/proxy/render-nginx-config";
import type { SessionUser } from "@/lib/users/service";
import { LATEST_STACK_VERSION } from "@/lib/stack/template";
import { ensureDockerHost } from "@/test/support/docker-host";
import { NGINX_BIN, startNginx, viaNginx, type NginxHost } from "@/test/support/nginx-host";
import { freePort } from "@/test/support/postgres-server";
import { ensureStandinImages, STANDIN_IMAGE_OVERRIDES } from "@/test/support/standin-images";

const DOMAIN = "fleet.test";
let nginx: NginxHost;
let app: Server;
let appPort: number;
const tmp = mkdtempSync(join(tmpdir(), "supafleet-routing-"));

function settingsFor(port: number): ProxySettings {
  return {
    rootDomain: DOMAIN,
    scheme: "http",
    appUpstream: { host: "127.0.0.1", port: appPort },
    httpListen: { host: "127.0.0.1", port },
    pagesDir: resolve("nginx/pages"),
    clientMaxBodySize: "50m",
  };
}

beforeAll(async () => {
  nginx = await startNginx();
  appPort = await freePort();
  app = createServer((_req, res) => res.end("supafleet app"));
  await new Promise<void>((r) => app.listen(appPort, "127.0.0.1", r));
});

afterAll(async () => {
  nginx?.stop();
  await new Promise((r) => app?.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

describe("the applier against a real nginx", () => {
  const A = "aaaaaaaaaaaaaaaaaaaa";
  let upstream: Server;
  let upstreamPort: number;
  let projects: ProxyProject[] = [];
  let applier: NginxApplier;

  beforeAll(async () => {
    upstreamPort = await freePort();
    upstream = createServer((req, res) => res.end(`gateway of A saw ${req.headers.host} ${req.headers["x-forwarded-proto"]}`));
    await new Promise<void>((r) => upstream.listen(upstreamPort, "127.0.0.1", r));
    applier = new NginxApplier({ nginxBin: NGINX_BIN, mainConfPath: nginx.mainConfPath, siteConfPath: nginx.siteConfPath, loadProjects: async () => projects, settings: settingsFor(nginx.port) });
  });
  afterAll(() => new Promise((r) => upstream.close(r)));

  it("routes by subdomain, serves the app on the root domain, and skips unchanged applies", async () => {
    projects = [{ ref: A, status: "ACTIVE_HEALTHY", kongPort: upstreamPort }];
    expect((await applier.apply()).changed).toBe(true);
    const r = await viaNginx(nginx.port, `${A}.${DOMAIN}`, "/rest/v1/");
    expect(r.status).toBe(200);
    expect(r.body).toBe(`gateway of A saw ${A}.${DOMAIN} http`);
    expect((await viaNginx(nginx.port, DOMAIN)).body).toBe("supafleet app");
    expect((await applier.apply()).changed).toBe(false);
  });

  it("never lets a broken config go live, and keeps serving the old one", async () => {
    const before = readFileSync(nginx.siteConfPath, "utf8");
    const broken = new NginxApplier({
      nginxBin: NGINX_BIN,
      mainConfPath: nginx.mainConfPath,
      siteConfPath: nginx.siteConfPath,
      loadProjects: async () => [],
      settings: settingsFor(nginx.port),
      render: (p, s) => renderNginxConfig(p, s) + "\nthis_is_not_a_directive on;\n",
    });
    const err = await broken.apply().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NginxConfigInvalidError);
    expect((err as NginxConfigInvalidError).nginxOutput).toContain("this_is_not_a_directive");
    expect(readFileSync(nginx.siteConfPath, "utf8")).toBe(before);
    expect((await viaNginx(nginx.port, `${A}.${DOMAIN}`)).status).toBe(200);
  });

  it("coalesces concurrent applies into a few runs that all see the latest state", async () => {
    projects = [{ ref: A, status: "INACTIVE", kongPort: upstreamPort }];
    const runsBefore = applier.runs;
    const results = await Promise.all(Array.from({ length: 20 }, () => applier.apply()));
    expect(results).toHaveLength(20);
    expect(applier.runs - runsBefore).toBeLessThanOrEqual(2);
    expect((await viaNginx(nginx.port, `${A}.${DOMAIN}`)).status).toBe(503);
  });

  it("shows paused and not-found pages as HTML to browsers and JSON to API clients", async () => {
    const html = await viaNginx(nginx.port, `${A}.${DOMAIN}`);
    expect(html.status).toBe(503);
    expect(html.headers.get("content-type")).toContain("text/html");
    expect(html.body).toContain("This project is paused");
    expect(html.headers.get("retry-after")).toBe("60");
    const json = await viaNginx(nginx.port, `${A}.${DOMAIN}`, "/rest/v1/x", { apikey: "anything" });
    expect(json.status).toBe(503);
    expect(json.headers.get("content-type")).toContain("application/json");
    expect(JSON.parse(json.body)).toMatchObject({ code: 503 });
    const unknown = await viaNginx(nginx.port, `zzzzzzzzzzzzzzzzzzzz.${DOMAIN}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain("Project not found");
    const unknownJson = await viaNginx(nginx.port, `zzzzzzzzzzzzzzzzzzzz.${DOMAIN}`, "/", { accept: "application/json" });
    expect(JSON.parse(unknownJson.body)).toEqual({ code: 404, message: "Project not found." });
  });

  it("shows the unavailable page when an active project's gateway is down", async () => {
    const deadPort = await freePort();
    projects = [{ ref: A, status: "ACTIVE_HEALTHY", kongPort: deadPort }];
    await applier.apply();
    const r = await viaNginx(nginx.port, `${A}.${DOMAIN}`);
    expect(r.body).toContain("starting or unavailable");
  });
});

describe("a real project behind nginx, through its lifecycle", () => {
  let db: Db;
  let service: ProjectService;
  let user: SessionUser;
  let ref: string;
  let applier: NginxApplier;
  let installationId: string;

  beforeAll(async () => {
    const docker = await ensureDockerHost();
    await ensureStandinImages(docker);
    const url = `file:${join(tmp, "supafleet.db")}`;
    await migrate(url);
    db = createDb(url);
    installationId = await ensureInstallationId(db);
    applier = new NginxApplier({ nginxBin: NGINX_BIN, mainConfPath: nginx.mainConfPath, siteConfPath: nginx.siteConfPath, loadProjects: loadProxyProjects(db), settings: settingsFor(nginx.port) });
    service = new ProjectService(db, createDockerProvisioner("/var/run/docker.sock", installationId), applier, {
      portRange: { start: 55400, end: 55499 },
      masterKey: randomBytes(32),
      rootDomain: DOMAIN,
      publicScheme: "http",
      imageOverrides: STANDIN_IMAGE_OVERRIDES,
    });
    const u = await db.user.create({ data: { id: randomUUID(), email: "router@example.com", passwordHash: "x", projectQuota: 2 } });
    user = { id: u.id, email: u.email, name: null, role: "USER" };
  });

  afterAll(async () => {
    if (ref) await createDockerProvisioner("/var/run/docker.sock", installationId).destroy(ref).catch(() => undefined);
    await db?.$disconnect();
  });

  it("reaches the project's gateway by subdomain once it is healthy", async () => {
    ref = (await service.createProject(user, { name: "Routed" })).ref;
    await service.waitForIdle(ref);
    expect((await service.getProject(user, ref)).status).toBe("ACTIVE_HEALTHY");
    const { anonKey } = await service.getProjectDetails(user, ref);
    const noKey = await viaNginx(nginx.port, `${ref}.${DOMAIN}`, "/rest/v1/todos");
    expect(noKey.status).toBe(401);
    const ok = await viaNginx(nginx.port, `${ref}.${DOMAIN}`, "/rest/v1/todos?select=*", { apikey: anonKey });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ service: "rest", ref, path: "/todos?select=*" });
  });

  it("answers 403 on upstream's blocked routes (Realtime's tenant API and OpenAPI document) through the subdomain, whatever the key", async () => {
    const d = await service.getProjectDetails(user, ref);
    expect(d.stackVersion).toBe(LATEST_STACK_VERSION);
    for (const path of ["/realtime/v1/api/tenants", "/realtime/v1/api/tenants/" + ref, "/realtime/v1/api/openapi"]) {
      for (const key of [d.anonKey, d.serviceRoleKey, d.publishableKey!, d.secretKey!]) {
        const r = await viaNginx(nginx.port, `${ref}.${DOMAIN}`, path, { apikey: key });
        expect(r.status, `${path} with ${key.slice(0, 14)}…`).toBe(403);
        expect(r.body).not.toContain('"service":"realtime"');
      }
    }
    // The route next to them still reaches Realtime: the 403 is the block, not a broken route.
    const open = await viaNginx(nginx.port, `${ref}.${DOMAIN}`, "/realtime/v1/api/ping", { apikey: d.anonKey });
    expect(open.status).toBe(200);
    expect(JSON.parse(open.body)).toMatchObject({ service: "realtime" });
  });

  it("serves the paused page after pause", async () => {
    await service.pauseProject(user, ref);
    const r = await viaNginx(nginx.port, `${ref}.${DOMAIN}`, "/rest/v1/todos");
    expect(r.status).toBe(503);
    expect(r.body).toContain("paused");
  });

  it("answers not found after delete, with no entry left in the config", async () => {
    await service.deleteProject(user, { ref, confirmRef: ref });
    const r = await viaNginx(nginx.port, `${ref}.${DOMAIN}`, "/rest/v1/todos");
    expect(r.status).toBe(404);
    expect(readFileSync(nginx.siteConfPath, "utf8")).not.toContain(ref);
  });
});
