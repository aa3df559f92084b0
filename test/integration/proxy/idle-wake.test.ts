// Auto-pause and wake end to end through a real nginx by subdomain: requests
// to a project are seen in nginx's own activity log; a project idle past its
// timeout is paused; its next requests pass the app's wake gate (here the
// same handler served by a small HTTP server standing in for the Next.js
// app), which starts it once however many requests race and holds API
// clients until the gateway can answer them. A project its owner paused
// stays paused. The shared Postgres port (lib/proxy/pg-router.ts) wakes an
// idle project too, and holds the connection until the pooler answers.
import { readFileSync } from "node:fs";
import pg from "pg";
import { createPoolerCa } from "@/lib/crypto/pooler-ca";
import { PgRouter } from "@/lib/proxy/pg-router";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProjectService } from "@/lib/projects/service";
import type { SessionUser } from "@/lib/auth/actor";
import type { Installation } from "@/test/support/installation";
import { sendViaNginx, viaNginx, type NginxHost } from "@/test/support/nginx-host";
import { startWakeHarness, type WakeHarness } from "@/test/support/wake-harness";

const DOMAIN = "idle.test";
let nginx: NginxHost;
let inst: Installation;
let service: ProjectService;
let user: SessionUser;
let ref: string;
// The service role key: upstream (2026.09-r1) answers /rest/v1/ (the OpenAPI document) to that role only.
let apiKey: string;

let harness: WakeHarness | undefined;
// The pooler speaks TLS (the shared port passes TLS through): an installation with the shared Postgres port has a pooler CA.
const poolerCa = createPoolerCa();
let router: PgRouter | undefined;

beforeAll(async () => {
  // The stopped tier: idle projects are stopped at once, not frozen first (that tier: frozen-tier.test.ts).
  harness = await startWakeHarness({ domain: DOMAIN, portRange: { start: 56400, end: 56499 }, config: { frozenStopMin: 0, poolerCa } });
  ({ nginx, inst, service, user } = harness);
  router = new PgRouter({ listen: { host: "127.0.0.1", port: 0 }, route: (name) => service.pgRoute(name, "127.0.0.1") });
  await router.start();
});

afterAll(async () => {
  await router?.stop();
  await harness?.close();
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

  it("wakes an idle project for a Postgres connection through the shared port, and holds it until the pooler answers", async () => {
    const report = await service.sweepIdle(new Date(Date.now() + 5 * 60_000));
    expect(report.paused).toEqual([ref]);
    expect(await row()).toMatchObject({ status: "INACTIVE", pausedBy: "idle" });
    const d = await service.getProjectDetails(user, ref);
    const t0 = Date.now();
    const c = pgClient(d.dbPassword);
    await c.connect();
    try {
      expect((await c.query("select current_user as u")).rows).toEqual([{ u: "postgres" }]);
    } finally {
      await c.end();
    }
    console.info(`wake: a Postgres connection through the shared port answered ${Date.now() - t0} ms after it opened`);
    await service.waitForIdle(ref);
    const after = await row();
    expect({ status: after.status, pausedBy: after.pausedBy }, after.statusReason ?? "").toEqual({ status: "ACTIVE_HEALTHY", pausedBy: null });
  });

  it("leaves a project its owner paused on the paused page", async () => {
    await service.pauseProject(user, ref);
    const r = await viaNginx(nginx.port, `${ref}.${DOMAIN}`, "/rest/v1/", { apikey: apiKey });
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body).message).toContain("paused");
    expect((await row()).status).toBe("INACTIVE");
    // Nor does a Postgres connection wake it: the shared port refuses it (a handshake_failure alert).
    const c = pgClient("x");
    await expect(c.connect()).rejects.toThrow(/handshake failure|alert/i);
    await c.end().catch(() => undefined);
    expect((await service.listEvents(user, ref)).filter((e) => e.kind === "wake.requested")).toHaveLength(2);
    expect((await row()).status).toBe("INACTIVE");
  });
});

/** node-postgres through the shared port, verify-full for the project's host. */
function pgClient(password: string): pg.Client {
  return new pg.Client({
    host: "127.0.0.1",
    port: router!.port,
    user: `postgres.${ref}`,
    password,
    database: "postgres",
    connectionTimeoutMillis: 40_000,
    ssl: { ca: poolerCa.certPem, servername: `${ref}.${DOMAIN}`, rejectUnauthorized: true },
  });
}
