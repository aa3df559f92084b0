// Auto-pause and wake end to end through a real nginx by subdomain: requests
// to a project are seen in nginx's own activity log; a project idle past its
// timeout is paused; its next requests pass the app's wake gate (here the
// same handler served by a small HTTP server standing in for the Next.js
// app), which starts it once however many requests race and holds API
// clients until the gateway can answer them. A project its owner paused
// stays paused.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { join, resolve } from "node:path";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NginxActivityLog } from "@/lib/proxy/activity";
import { loadProxyProjects } from "@/lib/proxy/app-proxy";
import { NginxApplier } from "@/lib/proxy/nginx-applier";
import { ProjectService } from "@/lib/projects/service";
import { handleWakeRequest } from "@/lib/projects/wake-http";
import type { SessionUser } from "@/lib/auth/actor";
import { ensureDockerHost } from "@/test/support/docker-host";
import { openInstallation, type Installation } from "@/test/support/installation";
import { NGINX_BIN, sendViaNginx, startNginx, viaNginx, type NginxHost } from "@/test/support/nginx-host";
import { ensureStandinImages } from "@/test/support/standin-images";

const DOMAIN = "idle.test";
let nginx: NginxHost;
let app: Server;
let inst: Installation;
let service: ProjectService;
let user: SessionUser;
let ref: string;
// The service role key: upstream (2026.09-r1) answers /rest/v1/ (the OpenAPI document) to that role only.
let apiKey: string;

beforeAll(async () => {
  const docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  nginx = await startNginx();
  const activityLog = join(nginx.dir, "log", "activity.log");
  // The app's wake route, served by its own handler (app/api/wake/[ref]/route.ts calls the same).
  app = createServer((req, res) => {
    const ref = /^\/api\/wake\/([^/?]+)$/.exec(req.url ?? "")?.[1] ?? "";
    const headers = { get: (n: string) => (req.headers[n] as string | undefined) ?? null };
    const gone = new AbortController();
    res.on("close", () => gone.abort());
    void handleWakeRequest(service, ref, { method: req.method ?? "GET", headers, signal: gone.signal }).then(
      (reply) => res.writeHead(reply.status, reply.headers).end(reply.body),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
  const appPort = (app.address() as { port: number }).port;
  // The stopped tier: idle projects are stopped at once, not frozen first (that tier: frozen-tier.test.ts).
  const base = await openInstallation({ portRange: { start: 56400, end: 56499 }, config: { rootDomain: DOMAIN, frozenStopMin: 0 } });
  const applier = new NginxApplier({
    nginxBin: NGINX_BIN,
    mainConfPath: nginx.mainConfPath,
    siteConfPath: nginx.siteConfPath,
    loadProjects: loadProxyProjects(base.db),
    settings: {
      rootDomain: DOMAIN,
      scheme: "http",
      appUpstream: { host: "127.0.0.1", port: appPort },
      httpListen: { host: "127.0.0.1", port: nginx.port },
      pagesDir: resolve("nginx/pages"),
      clientMaxBodySize: "50m",
      activityLog,
    },
  });
  inst = base;
  service = new ProjectService(base.db, base.provisioner, applier, base.config, { activity: new NginxActivityLog(activityLog, DOMAIN) });
  const u = await base.db.user.create({ data: { id: randomUUID(), email: "sleepy@example.com", passwordHash: "x" } });
  user = { id: u.id, email: u.email, name: null, role: "USER" };
});

afterAll(async () => {
  if (ref) await inst.provisioner.destroy(ref).catch(() => undefined);
  await inst?.db.$disconnect();
  app?.close();
  nginx?.stop();
});

const row = () => inst.db.project.findUniqueOrThrow({ where: { ref } });

describe("auto-pause and wake through nginx", () => {
  it("sees requests in nginx's activity log", async () => {
    ref = (await service.createProject(user, { name: "Sleepy" })).ref;
    await service.waitForIdle(ref);
    expect((await row()).status).toBe("ACTIVE_HEALTHY");
    apiKey = (await service.getProjectDetails(user, ref)).serviceRoleKey;
    const before = Date.now();
    expect((await viaNginx(nginx.port, `${ref}.${DOMAIN}`, "/rest/v1/", { apikey: apiKey })).status).toBe(200);
    // nginx flushes the activity log every 5 s.
    await expect.poll(async () => (await service.sweepIdle()).seen, { timeout: 15_000, interval: 1_000 }).toBeGreaterThan(0);
    expect((await row()).lastActivityAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it("pauses it when idle; its first requests wake it once, API clients held until the gateway answers them", async () => {
    await service.setIdleTimeout(user, { ref, minutes: 1 });
    const report = await service.sweepIdle(new Date(Date.now() + 5 * 60_000));
    expect(report.paused).toEqual([ref]);
    expect(await row()).toMatchObject({ status: "INACTIVE", pausedBy: "idle" });
    const block = () =>
      readFileSync(nginx.siteConfPath, "utf8")
        .split("server {")
        .find((b) => b.includes(`server_name ${ref}.${DOMAIN};`)) ?? "";
    expect(block()).toContain("auth_request /__supafleet_wake_gate;");

    const t0 = Date.now();
    // API requests race (GETs and a POST with a body): the gate wakes the
    // project once and holds each until PostgREST can answer, then nginx
    // sends it, unchanged, to the gateway.
    const timed = <T>(p: Promise<T>) => p.then((r) => ({ ...r, ms: Date.now() - t0 }));
    const gets = [1, 2, 3].map(() => timed(viaNginx(nginx.port, `${ref}.${DOMAIN}`, "/rest/v1/", { apikey: apiKey })));
    const post = timed(
      sendViaNginx(nginx.port, `${ref}.${DOMAIN}`, {
        method: "POST",
        path: "/rest/v1/todos",
        body: Buffer.from(JSON.stringify({ task: "wake" })),
        headers: { apikey: apiKey, "content-type": "application/json" },
      }),
    );
    // A browser is not held: it gets the page that reloads itself.
    await new Promise((r) => setTimeout(r, 500));
    const browser = await viaNginx(nginx.port, `${ref}.${DOMAIN}`, "/", { accept: "text/html" });
    expect(browser.status).toBe(503);
    expect(browser.body).toContain('http-equiv="refresh"');
    expect(browser.body).toContain("Waking up");
    expect((await row()).status).toBe("RESTORING");

    const answers = [...(await Promise.all(gets)), await post];
    for (const a of await Promise.all(gets)) expect(a.status, a.body.slice(0, 300)).toBe(200);
    // The POST reached PostgREST (the REST double) with its JSON body: it read the body, then
    // answered for the table this project does not have (PostgREST reads the payload first).
    const posted = await post;
    expect(posted.headers.get("x-supafleet-standin")).toBe("rest");
    expect({ status: posted.status, code: (JSON.parse(posted.body) as { code?: string }).code }).toEqual({ status: 404, code: "PGRST205" });
    const first = Math.min(...answers.map((a) => a.ms));
    console.info(
      `wake: first request to its 200 from the gateway through nginx in ${first} ms (slowest of ${answers.length}: ${Math.max(...answers.map((a) => a.ms))} ms)`,
    );
    const wakes = (await service.listEvents(user, ref)).filter((e) => e.kind === "wake.requested");
    expect(wakes).toHaveLength(1);
    // Answered once the request path served, before every service was healthy; the wake then finishes.
    expect((await service.listEvents(user, ref)).map((e) => e.kind)).toContain("stack.serving");
    await service.waitForIdle(ref);
    expect(await row()).toMatchObject({ status: "ACTIVE_HEALTHY", pausedBy: null });
    expect(block()).not.toContain("auth_request");
    expect((await viaNginx(nginx.port, `${ref}.${DOMAIN}`, "/rest/v1/", { apikey: apiKey })).status).toBe(200);
  });

  it("leaves a project its owner paused on the paused page", async () => {
    await service.pauseProject(user, ref);
    const r = await viaNginx(nginx.port, `${ref}.${DOMAIN}`, "/rest/v1/", { apikey: apiKey });
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body).message).toContain("paused");
    expect((await row()).status).toBe("INACTIVE");
    expect((await service.listEvents(user, ref)).filter((e) => e.kind === "wake.requested")).toHaveLength(1);
  });
});
