// Auto-pause and wake against a fake engine and a real SQLite database. The
// activity log reader and the wake answers are pure: test/unit/proxy/activity.test.ts
// and test/unit/projects/wake-http.test.ts.
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import type { ProjectService } from "@/lib/projects/service";
import { MAX_HOLDS_PER_OWNER, MAX_HOLDS_PER_PROJECT } from "@/lib/projects/wake-gate";
import type { SessionUser } from "@/lib/auth/actor";
import type { FakeEngine } from "@/test/support/fake-provisioner";
import { addUser, projectServiceFixture, tempFolder, type ProjectFixture } from "@/test/support/project-service-fixture";

const tmp = tempFolder("idle");

describe("auto-pause and wake", () => {
  let fixture: ProjectFixture;
  let db: Db;
  let engine: FakeEngine;
  let service: ProjectService;
  let owner: SessionUser;
  const seen = new Map<string, Date>();

  beforeEach(async () => {
    seen.clear();
    fixture = await projectServiceFixture({
      dir: tmp,
      config: { portRange: { start: 45000, end: 45099 }, rootDomain: "cloud.test" },
      activity: { read: async () => new Map(seen) },
    });
    ({ db, engine, service } = fixture);
    owner = await addUser(db, "o@example.com", { projectQuota: 10 });
  });

  async function running(): Promise<string> {
    const { ref } = await service.createProject(owner, { name: "Sleeper" });
    await service.waitForIdle(ref);
    return ref;
  }
  const row = (ref: string) => db.project.findUniqueOrThrow({ where: { ref } });

  it("pauses a project idle past its timeout, and keeps one that was asked for", async () => {
    const idle = await running();
    const busy = await running();
    const never = await running();
    await service.setIdleTimeout(owner, { ref: never, minutes: 0 });
    const later = new Date(Date.now() + 8 * 24 * 3600_000); // past the 7-day default
    seen.set(busy, new Date(later.getTime() - 60_000));
    const report = await service.sweepIdle(later);
    expect(report.paused).toEqual([idle]);
    expect(await row(idle)).toMatchObject({ status: "INACTIVE", pausedBy: "idle" });
    expect((await row(busy)).status).toBe("ACTIVE_HEALTHY");
    expect((await row(never)).status).toBe("ACTIVE_HEALTHY");
    const kinds = (await db.projectEvent.findMany({ where: { project: { ref: idle } } })).map((e) => e.kind);
    expect(kinds).toContain("pause.idle");
  });

  it("wakes an idle-paused project once however many requests race, and never one its owner paused", async () => {
    const ref = await running();
    await service.setIdleTimeout(owner, { ref, minutes: 1 });
    await service.sweepIdle(new Date(Date.now() + 120_000));
    expect((await row(ref)).pausedBy).toBe("idle");
    const states = await Promise.all([1, 2, 3, 4, 5].map(() => service.wakeProject(ref)));
    expect(states.every((s) => s === "waking" || s === "awake")).toBe(true);
    await service.waitForIdle(ref);
    expect(await row(ref)).toMatchObject({ status: "ACTIVE_HEALTHY", pausedBy: null });
    const wakes = (await db.projectEvent.findMany({ where: { project: { ref }, kind: "wake.requested" } })).length;
    expect(wakes).toBe(1);
    expect(engine.calls.filter((c) => c.op === "up" && c.ref === ref)).toHaveLength(2); // create + one wake

    await service.pauseProject(owner, ref);
    expect((await row(ref)).pausedBy).toBe("owner");
    expect(await service.wakeProject(ref)).toBe("paused");
    expect((await row(ref)).status).toBe("INACTIVE");
    expect(await service.wakeProject("zzzzzzzzzzzzzzzzzzzz")).toBe("not_found");
  });

  /** An idle-paused project, and an app on the same database whose engine holds the wake's start until released. */
  async function asleep(serving: boolean) {
    const ref = await running();
    await service.setIdleTimeout(owner, { ref, minutes: 1 });
    await service.sweepIdle(new Date(Date.now() + 120_000));
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const applied: string[] = [];
    const app = fixture.another({
      hooks: {
        up: async (_spec, onEvent) => {
          // As applyStack on existing data: the request path is healthy before the rest.
          if (serving) onEvent({ kind: "stack.serving", message: "API requests are answered" });
          await held;
        },
      },
      proxy: { apply: async () => void applied.push(`${(await row(ref)).status}/${(await row(ref)).pausedBy}`) },
    });
    return { ref, app, applied, release };
  }
  const api = (uri: string) => ({ api: true, uri });

  it("the gate: the first request wakes the project; API clients are held until it can answer, browsers get the page at once", async () => {
    const { ref, app, applied, release } = await asleep(false);
    const first = app.wakeGate(ref, api("/rest/v1/todos"));
    const second = app.wakeGate(ref, api("/storage/v1/object/x"));
    expect(await app.wakeGate(ref, { api: false, uri: "/" })).toEqual({ pass: false, state: "waking" });
    // Still behind the gate while it starts: "paused for idleness" stays until the start ends, and nginx is not reloaded for it.
    expect(await row(ref)).toMatchObject({ status: "RESTORING", pausedBy: "idle" });
    expect(applied).toEqual([]);
    let settled = false;
    void first.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(settled).toBe(false);
    release();
    expect(await first).toEqual({ pass: true });
    expect(await second).toEqual({ pass: true });
    await app.waitForIdle(ref);
    expect(await row(ref)).toMatchObject({ status: "ACTIVE_HEALTHY", pausedBy: null, pausedAt: null });
    expect(applied.at(-1)).toBe("ACTIVE_HEALTHY/null");
    expect(await app.wakeGate(ref, { api: false, uri: "/" })).toEqual({ pass: true });
    const wakes = await db.projectEvent.count({ where: { project: { ref }, kind: "wake.requested" } });
    expect(wakes).toBe(1);
  });

  it("the gate lets PostgREST and Auth requests through once the request path serves, other paths only once every service is healthy", async () => {
    const { ref, app, release } = await asleep(true);
    expect(await app.wakeGate(ref, api("/rest/v1/todos?select=*"))).toEqual({ pass: true });
    expect(await app.wakeGate(ref, api("/auth/v1/token?grant_type=password"))).toEqual({ pass: true });
    // Storage is not on the request path: held, and answered "waking" when its hold runs out.
    expect(await app.wakeGate(ref, api("/storage/v1/object/x"), 300)).toEqual({ pass: false, state: "waking" });
    expect(await app.wakeGate(ref, api("/rest/v1/../storage/v1/object/x"), 300)).toEqual({ pass: false, state: "waking" });
    // A client that goes away is let go.
    const gone = new AbortController();
    const leaving = app.wakeGate(ref, { ...api("/storage/v1/x"), signal: gone.signal });
    gone.abort();
    expect(await leaving).toEqual({ pass: false, state: "waking" });
    release();
    await app.waitForIdle(ref);
    expect(await app.wakeGate(ref, api("/storage/v1/object/x"))).toEqual({ pass: true });
  });

  it("the gate does not take an earlier wake's \"serving\" for this one's", async () => {
    const { ref, app, release } = await asleep(true);
    expect(await app.wakeGate(ref, api("/rest/v1/x"))).toEqual({ pass: true });
    release();
    await app.waitForIdle(ref);
    await app.sweepIdle(new Date(Date.now() + 120_000));
    expect(await row(ref)).toMatchObject({ status: "INACTIVE", pausedBy: "idle" });
    // The next wake's start has not said "serving" yet (its engine holds it).
    let again: () => void = () => undefined;
    const held = new Promise<void>((r) => (again = r));
    const next = fixture.another({ hooks: { up: () => held } });
    expect(await next.wakeGate(ref, api("/rest/v1/x"), 300)).toEqual({ pass: false, state: "waking" });
    again();
    await next.waitForIdle(ref);
    expect(await next.wakeGate(ref, api("/rest/v1/x"), 300)).toEqual({ pass: true });
  });

  it("the gate holds at most MAX_HOLDS_PER_PROJECT clients of one project; the others are answered at once", async () => {
    const { ref, app, release } = await asleep(false);
    await app.wakeGate(ref, { api: false, uri: "/" }); // starts the wake
    const holds = Array.from({ length: MAX_HOLDS_PER_PROJECT }, () => app.wakeGate(ref, api("/rest/v1/x"), 5_000));
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    expect(await app.wakeGate(ref, api("/rest/v1/x"), 5_000)).toEqual({ pass: false, state: "waking" });
    expect(Date.now() - t0).toBeLessThan(2_000);
    release();
    expect((await Promise.all(holds)).every((a) => a.pass)).toBe(true);
    await app.waitForIdle(ref);
  });

  it("the gate holds at most MAX_HOLDS_PER_OWNER clients of one owner's projects; another owner's are still held", async () => {
    const neighbour = await addUser(db, "n@example.com", { projectQuota: 10 });
    const perProject = MAX_HOLDS_PER_PROJECT;
    const mine = Math.ceil(MAX_HOLDS_PER_OWNER / perProject) + 1;
    const refs: string[] = [];
    for (let i = 0; i < mine; i++) refs.push(await running());
    const { ref: theirs } = await service.createProject(neighbour, { name: "Neighbour" });
    await service.waitForIdle(theirs);
    for (const ref of [...refs, theirs]) await service.setIdleTimeout(ref === theirs ? neighbour : owner, { ref, minutes: 1 });
    await service.sweepIdle(new Date(Date.now() + 120_000));
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const app = fixture.another({ hooks: { up: () => held } });
    for (const ref of [...refs, theirs]) expect(await app.wakeGate(ref, { api: false, uri: "/" })).toEqual({ pass: false, state: "waking" });
    // Fill the owner's pool, project by project (each below its own cap).
    const holds: Array<Promise<unknown>> = [];
    for (let i = 0; i < MAX_HOLDS_PER_OWNER; i++) holds.push(app.wakeGate(refs[Math.floor(i / perProject)]!, api("/rest/v1/x"), 10_000));
    await new Promise((r) => setTimeout(r, 200));
    const last = refs.at(-1)!;
    const t0 = Date.now();
    expect(await app.wakeGate(last, api("/rest/v1/x"), 10_000)).toEqual({ pass: false, state: "waking" });
    expect(Date.now() - t0).toBeLessThan(2_000);
    // The neighbour's client is held, not turned away.
    let settled = false;
    const neighbourHold = app.wakeGate(theirs, api("/rest/v1/x"), 10_000).then((a) => ((settled = true), a));
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    release();
    expect(await neighbourHold).toEqual({ pass: true });
    expect((await Promise.all(holds)).every((a) => (a as { pass: boolean }).pass)).toBe(true);
    for (const ref of [...refs, theirs]) await app.waitForIdle(ref);
  });

  it("the gate never lets a project its owner paused through, nor one that does not exist", async () => {
    const ref = await running();
    await service.pauseProject(owner, ref);
    expect(await service.wakeGate(ref, api("/rest/v1/x"))).toEqual({ pass: false, state: "paused" });
    expect(await service.wakeGate("zzzzzzzzzzzzzzzzzzzz", api("/rest/v1/x"))).toEqual({ pass: false, state: "not_found" });
    expect((await row(ref)).status).toBe("INACTIVE");
  });
});
