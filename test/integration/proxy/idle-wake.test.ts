// Auto-pause and wake end to end through a real nginx by subdomain: requests
// to a project are seen in nginx's own activity log; a project idle past its
// timeout is paused; its next request reaches the app's wake route (here the
// same handler served by a small HTTP server standing in for the Next.js
// app), which starts it once however many requests race; the gateway answers
// again. A project its owner paused stays paused.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { join, resolve } from "node:path";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NginxActivityLog } from "@/lib/proxy/activity";
import { loadProxyProjects } from "@/lib/proxy/app-proxy";
import { NginxApplier } from "@/lib/proxy/nginx-applier";
import { ProjectService } from "@/lib/projects/service";
import { wakeReply, wantsJson } from "@/lib/projects/wake-http";
import { REF_PATTERN } from "@/lib/validations/project";
import type { SessionUser } from "@/lib/users/service";
import { ensureDockerHost } from "@/test/support/docker-host";
import { openInstallation, type Installation } from "@/test/support/installation";
import { NGINX_BIN, startNginx, viaNginx, type NginxHost } from "@/test/support/nginx-host";
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
  // The app's wake route, served by its own handler (app/api/wake/[ref]/route.ts does the same).
  app = createServer((req, res) => {
    const ref = /^\/api\/wake\/([a-z]+)$/.exec(req.url ?? "")?.[1] ?? "";
    const headers = { get: (n: string) => (req.headers[n] as string | undefined) ?? null };
    void (REF_PATTERN.test(ref) ? service.wakeProject(ref) : Promise.resolve("not_found" as const)).then((state) => {
      const reply = wakeReply(state, wantsJson(headers));
      res.writeHead(reply.status, reply.headers).end(reply.body);
    });
  });
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
  const appPort = (app.address() as { port: number }).port;
  const base = await openInstallation({ portRange: { start: 56400, end: 56499 }, config: { rootDomain: DOMAIN } });
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

  it("pauses it when idle, and its first request wakes it, once", async () => {
    await service.setIdleTimeout(user, { ref, minutes: 1 });
    const report = await service.sweepIdle(new Date(Date.now() + 5 * 60_000));
    expect(report.paused).toEqual([ref]);
    expect(await row()).toMatchObject({ status: "INACTIVE", pausedBy: "idle" });
    expect(readFileSync(nginx.siteConfPath, "utf8")).toContain(`rewrite ^ /api/wake/${ref} break;`);

    const t0 = Date.now();
    // Requests race: API clients get 503 + Retry-After (JSON), a browser a page that reloads itself.
    // The wake routes the project to its gateway at once, so a request that
    // arrives after that gets nginx's "starting" answer until the gateway listens.
    const answers = await Promise.all([1, 2, 3, 4].map(() => viaNginx(nginx.port, `${ref}.${DOMAIN}`, "/rest/v1/todos", { apikey: apiKey })));
    for (const a of answers) {
      expect(a.status).toBe(503);
      expect(["3", "5"]).toContain(a.headers.get("retry-after"));
      expect(JSON.parse(a.body).message).toMatch(/waking up|is up|is starting/);
    }
    // The request that woke it was answered by the app.
    expect(answers.some((a) => /waking up/.test(JSON.parse(a.body).message))).toBe(true);
    const browser = await viaNginx(nginx.port, `${ref}.${DOMAIN}`, "/", { accept: "text/html" });
    expect(browser.body).toContain('http-equiv="refresh"');
    // Through nginx until the gateway answers again.
    let status = 0;
    while (Date.now() - t0 < 120_000) {
      status = (await viaNginx(nginx.port, `${ref}.${DOMAIN}`, "/rest/v1/", { apikey: apiKey })).status;
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
    console.info(`wake: first request to the gateway's first 200 through nginx in ${Date.now() - t0} ms`);
    const wakes = (await service.listEvents(user, ref)).filter((e) => e.kind === "wake.requested");
    expect(wakes).toHaveLength(1);
    // The first answer comes before every service is healthy (the gateway is routed as the wake begins); the wake then finishes.
    await service.waitForIdle(ref);
    expect(await row()).toMatchObject({ status: "ACTIVE_HEALTHY", pausedBy: null });
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
