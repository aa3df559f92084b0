// Subdomain routing end to end: a real nginx (Debian) on a loopback port in
// front of a real project stack (stand-in images), driven by the project
// service, which re-applies the generated config after every change.
import { execFileSync } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { connect as tlsConnect } from "node:tls";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { NginxConfigInvalidError } from "@/lib/errors";
import { ensureInstallationId } from "@/lib/installation/service";
import { createDockerProvisioner } from "@/lib/docker/provisioner";
import { ProjectService } from "@/lib/projects/service";
import { loadProxyProjects } from "@/lib/proxy/app-proxy";
import { NginxApplier } from "@/lib/proxy/nginx-applier";
import { acceptingWorkers, stillAccepting } from "@/lib/proxy/nginx-workers";
import { renderNginxConfig, type ProxyProject, type ProxySettings } from "@/lib/proxy/render-nginx-config";
import type { SessionUser } from "@/lib/auth/actor";
import { LATEST_STACK_VERSION } from "@/lib/stack/template";
import { ensureDockerHost } from "@/test/support/docker-host";
import { NGINX_BIN, sendViaNginx, startNginx, viaNginx, type NginxHost } from "@/test/support/nginx-host";
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

/** Reads the whole body, then answers with its size and digest (a server that really takes uploads). */
function bodyEcho(greeting: (req: IncomingMessage) => string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const hash = createHash("sha256");
    let size = 0;
    req.on("data", (d: Buffer) => {
      size += d.length;
      hash.update(d);
    });
    req.on("end", () => res.end(req.method === "GET" ? greeting(req) : `${greeting(req)}: ${size} bytes ${hash.digest("hex")}`));
  };
}
const digest = (b: Buffer) => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  nginx = await startNginx();
  appPort = await freePort();
  app = createServer(bodyEcho(() => "supafleet app"));
  await new Promise<void>((r) => app.listen(appPort, "127.0.0.1", r));
});

afterAll(async () => {
  nginx?.stop();
  // (a failed beforeAll leaves no app: do not wait for a close that never comes)
  if (app) await new Promise((r) => app.close(r));
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
    upstream = createServer(bodyEcho((req) => `gateway of A saw ${req.headers.host} ${req.headers["x-forwarded-proto"]}`));
    await new Promise<void>((r) => upstream.listen(upstreamPort, "127.0.0.1", r));
    applier = new NginxApplier({
      nginxBin: NGINX_BIN,
      mainConfPath: nginx.mainConfPath,
      siteConfPath: nginx.siteConfPath,
      loadProjects: async () => projects,
      settings: settingsFor(nginx.port),
    });
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

  it("once an apply returns, no new connection is answered by the old config (old workers have stopped accepting)", async () => {
    // nginx's master starts the new workers, sleeps 100 ms, and only then
    // tells the old ones to stop accepting: a first answer from the new
    // config does not mean every connection gets it (a CI run saw a 404 for
    // a project just made ACTIVE_HEALTHY). An old worker held stopped makes
    // that window as long as the test wants.
    const master = Number(readFileSync(nginx.pidPath, "utf8").trim());
    const old = await acceptingWorkers(master);
    expect(old?.length, "nginx's workers, read from /proc").toBeGreaterThan(0);
    projects = [{ ref: A, status: "INACTIVE", kongPort: upstreamPort }];
    process.kill(old![0], "SIGSTOP");
    let applied = false;
    const apply = applier.apply().finally(() => (applied = true));
    try {
      await new Promise((r) => setTimeout(r, 1500));
      expect(applied, "the apply waits while an old worker still accepts").toBe(false);
    } finally {
      process.kill(old![0], "SIGCONT");
    }
    expect((await apply).changed).toBe(true);
    expect(await stillAccepting(old!)).toEqual([]);

    // And the race as it happens, without help: every connection right after
    // each apply (ends on ACTIVE_HEALTHY, which the next tests start from).
    const seen: string[] = [];
    for (let round = 0; round < 11; round++) {
      const paused = round % 2 === 1;
      projects = [{ ref: A, status: paused ? "INACTIVE" : "ACTIVE_HEALTHY", kongPort: upstreamPort }];
      expect((await applier.apply()).changed).toBe(true);
      const answers = await Promise.all(Array.from({ length: 24 }, () => viaNginx(nginx.port, `${A}.${DOMAIN}`, "/rest/v1/")));
      const want = paused ? 503 : 200;
      seen.push(...answers.filter((a) => a.status !== want).map((a) => `round ${round}: ${a.status} where the new config answers ${want}`));
    }
    expect(seen).toEqual([]);
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

  it("passes a 1 MB body to the app, and 20 MB bodies to a project ten times in a row (workers as in production)", async () => {
    projects = [{ ref: A, status: "ACTIVE_HEALTHY", kongPort: upstreamPort }];
    await applier.apply();
    const mb = randomBytes(1024 * 1024);
    const toApp = await sendViaNginx(nginx.port, DOMAIN, { path: "/signup", body: mb });
    expect(toApp.status).toBe(200);
    expect(toApp.body).toBe(`supafleet app: ${mb.length} bytes ${digest(mb)}`);
    const big = randomBytes(20 * 1024 * 1024);
    const answers: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await sendViaNginx(nginx.port, `${A}.${DOMAIN}`, { path: "/storage/v1/object/bucket/file.bin", body: big, headers: { apikey: "anon" } });
      answers.push(`${r.status} ${r.body.split(": ")[1] ?? r.body.slice(0, 80)}`);
    }
    expect(answers).toEqual(Array(10).fill(`200 ${big.length} bytes ${digest(big)}`));
  });

  it("answers every method with 503, Retry-After and JSON for API clients when an active project's gateway is down, never 405", async () => {
    const deadPort = await freePort();
    projects = [{ ref: A, status: "ACTIVE_HEALTHY", kongPort: deadPort }];
    await applier.apply();
    const page = await viaNginx(nginx.port, `${A}.${DOMAIN}`);
    expect(page.status).toBe(503);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.body).toContain("starting or unavailable");
    expect(page.headers.get("retry-after")).toBe("5");
    expect(page.body).toContain('<meta http-equiv="refresh" content="5">');
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const html = await sendViaNginx(nginx.port, `${A}.${DOMAIN}`, { method, path: "/rest/v1/todos", body: Buffer.from("{}") });
      expect(`${method} ${html.status}`).toBe(`${method} 503`);
      expect(html.headers.get("retry-after")).toBe("5");
      const api = await sendViaNginx(nginx.port, `${A}.${DOMAIN}`, {
        method,
        path: "/rest/v1/todos",
        body: Buffer.from("{}"),
        headers: { apikey: "k", "content-type": "application/json" },
      });
      expect(`${method} ${api.status}`).toBe(`${method} 503`);
      expect(api.headers.get("content-type")).toContain("application/json");
      expect(api.headers.get("retry-after")).toBe("5");
      expect(JSON.parse(api.body)).toMatchObject({ code: 503 });
    }
    const accepts = await sendViaNginx(nginx.port, `${A}.${DOMAIN}`, { path: "/auth/v1/token", headers: { accept: "application/json" } });
    expect(accepts.status).toBe(503);
    expect(JSON.parse(accepts.body)).toMatchObject({ code: 503 });
    // paused and unknown projects: POSTs get the status too, not 405
    projects = [{ ref: A, status: "INACTIVE", kongPort: deadPort }];
    await applier.apply();
    expect((await sendViaNginx(nginx.port, `${A}.${DOMAIN}`, { body: Buffer.from("x") })).status).toBe(503);
    expect((await sendViaNginx(nginx.port, `zzzzzzzzzzzzzzzzzzzz.${DOMAIN}`, { body: Buffer.from("x") })).status).toBe(404);
  });

  it("closes connections for unknown hosts and bare IPs without an answer", async () => {
    for (const name of ["evil.example", "127.0.0.1", `${DOMAIN}.evil.example`, "localhost"]) {
      const err = await viaNginx(nginx.port, name).then(
        (r) => `answered ${r.status}`,
        (e: unknown) => (e as NodeJS.ErrnoException).code ?? String(e),
      );
      expect(`${name}: ${err}`).toBe(`${name}: ECONNRESET`);
    }
    // the app and projects still answer
    expect((await viaNginx(nginx.port, DOMAIN)).body).toBe("supafleet app");
  });

  it("with TLS, refuses the handshake for names it does not serve", async () => {
    const certDir = mkdtempSync(join(tmpdir(), "supafleet-tls-"));
    const cert = join(certDir, "cert.pem");
    const key = join(certDir, "key.pem");
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=*.${DOMAIN}`, "-days", "1", "-keyout", key, "-out", cert], {
      stdio: "ignore",
    });
    const httpsPort = await freePort();
    const tls = new NginxApplier({
      nginxBin: NGINX_BIN,
      mainConfPath: nginx.mainConfPath,
      siteConfPath: nginx.siteConfPath,
      loadProjects: async () => [{ ref: A, status: "ACTIVE_HEALTHY", kongPort: upstreamPort }],
      settings: { ...settingsFor(nginx.port), scheme: "https", tls: { certPath: cert, keyPath: key, httpsListen: { host: "127.0.0.1", port: httpsPort } } },
    });
    try {
      await tls.apply();
      const handshake = (servername: string | undefined) =>
        new Promise<string>((resolve) => {
          const socket = tlsConnect({ host: "127.0.0.1", port: httpsPort, servername, rejectUnauthorized: false }, () => {
            socket.end();
            resolve("handshake ok");
          });
          socket.on("error", (e: NodeJS.ErrnoException) => resolve(`refused ${e.code ?? e.message}`));
        });
      expect(await handshake(`${A}.${DOMAIN}`)).toBe("handshake ok");
      expect(await handshake(DOMAIN)).toBe("handshake ok");
      expect(await handshake("evil.example")).toMatch(/^refused/);
      expect(await handshake(undefined)).toMatch(/^refused/);
      // plain HTTP for an unknown name is closed too, not redirected
      await expect(viaNginx(nginx.port, "evil.example")).rejects.toMatchObject({ code: "ECONNRESET" });
    } finally {
      await applier.apply();
      rmSync(certDir, { recursive: true, force: true });
    }
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
    applier = new NginxApplier({
      nginxBin: NGINX_BIN,
      mainConfPath: nginx.mainConfPath,
      siteConfPath: nginx.siteConfPath,
      loadProjects: loadProxyProjects(db),
      settings: settingsFor(nginx.port),
    });
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
    if (ref)
      await createDockerProvisioner("/var/run/docker.sock", installationId)
        .destroy(ref)
        .catch(() => undefined);
    await db?.$disconnect();
  });

  it("reaches the project's gateway by subdomain once it is healthy", async () => {
    ref = (await service.createProject(user, { name: "Routed" })).ref;
    await service.waitForIdle(ref);
    expect((await service.getProject(user, ref)).status).toBe("ACTIVE_HEALTHY");
    const { anonKey } = await service.getProjectDetails(user, ref);
    const noKey = await viaNginx(nginx.port, `${ref}.${DOMAIN}`, "/rest/v1/todos");
    expect(noKey.status).toBe(401);
    // Routed to this project's rest: the PostgREST double answers for a table the project does not have.
    const ok = await viaNginx(nginx.port, `${ref}.${DOMAIN}`, "/rest/v1/todos?select=*", { apikey: anonKey });
    expect(ok.headers.get("x-supafleet-standin")).toBe("rest");
    expect(ok.status).toBe(404);
    expect(JSON.parse(ok.body)).toMatchObject({ code: "PGRST205" });
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
