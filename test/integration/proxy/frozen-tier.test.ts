// The frozen sleep tier end to end through a real nginx by subdomain
// (lib/projects/sleep-tier.ts): an idle project is frozen (its containers
// paused by the engine, memory kept) and its next API request, held by the
// wake gate, thaws it and gets its 200; the monitor and the usage sampler
// leave a frozen project asleep; a create that needs memory frozen projects
// hold stops the longest-frozen one first; a project frozen long enough is
// stopped, and wakes from there as before; a restart of the app keeps a whole
// frozen stack frozen and stops one that is not whole, data kept.
// Two stacks for the whole file.
import { totalmem } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LABELS } from "@/lib/stack/types";
import { defaultBudget } from "@/lib/stack/limits";
import { testDocker } from "@/test/support/docker-host";
import { viaNginx } from "@/test/support/nginx-host";
import { startWakeHarness, type WakeHarness } from "@/test/support/wake-harness";

const DOMAIN = "frozen.test";
let h: WakeHarness;
let a: string;
let b: string;
const keys = new Map<string, string>();
const docker = testDocker();

beforeAll(async () => {
  h = await startWakeHarness({ domain: DOMAIN, portRange: { start: 56500, end: 56599 } });
  // One create at a time: two at once on a busy host can miss their health checks' timeouts.
  a = (await h.service.createProject(h.user, { name: "Frost A" })).ref;
  await h.service.waitForIdle(a);
  b = (await h.service.createProject(h.user, { name: "Frost B" })).ref;
  await h.service.waitForIdle(b);
  for (const ref of [a, b]) {
    const p = await row(ref);
    expect(p.status, `${ref} after its create: ${p.statusReason}`).toBe("ACTIVE_HEALTHY");
  }
  for (const ref of [a, b]) {
    keys.set(ref, (await h.service.getProjectDetails(h.user, ref)).serviceRoleKey);
    await h.service.setIdleTimeout(h.user, { ref, minutes: 1 });
  }
});

afterAll(async () => {
  await h?.close();
});

const row = (ref: string) => h.inst.db.project.findUniqueOrThrow({ where: { ref } });
const states = async (ref: string) =>
  (await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABELS.ref}=${ref}`, `${LABELS.installation}=${h.inst.installationId}`] }) }))
    .filter((c) => c.Labels[LABELS.role] === undefined)
    .map((c) => c.State);
const api = (ref: string) => viaNginx(h.nginx.port, `${ref}.${DOMAIN}`, "/rest/v1/", { apikey: keys.get(ref)! });
const kinds = async (ref: string) => (await h.service.listEvents(h.user, ref)).map((e) => e.kind);
/** An idle sweep as if `minutes` had passed. */
const sweepIn = (minutes: number) => h.service.sweepIdle(new Date(Date.now() + minutes * 60_000));

describe("the frozen sleep tier through nginx", () => {
  it("freezes an idle project: paused containers, the wake gate in front, the tier on its summary", async () => {
    const report = await sweepIn(5);
    expect(report.frozen.sort()).toEqual([a, b].sort());
    for (const ref of [a, b]) {
      expect(await row(ref)).toMatchObject({ status: "INACTIVE", pausedBy: "idle", frozenAt: expect.any(Date) });
      const s = await states(ref);
      expect(s.length).toBeGreaterThan(5);
      expect(new Set(s)).toEqual(new Set(["paused"]));
      expect((await h.service.getProject(h.user, ref)).sleepTier).toBe("frozen");
      expect(await kinds(ref)).toContain("sleep.frozen");
    }
  });

  it("leaves a frozen project asleep in the monitor's check and the usage sampler", async () => {
    expect(await h.service.refreshStatus(a)).toBe("INACTIVE");
    await h.service.sampleUsage();
    expect(await h.inst.db.usageSample.count({ where: { project: { ref: a } } })).toBe(0);
    expect(await row(a)).toMatchObject({ status: "INACTIVE", statusReason: null, frozenAt: expect.any(Date) });
    expect(await kinds(a)).not.toContain("health.changed");
  });

  it("thaws it for its first API request, which gets its 200 from the gateway", async () => {
    const t0 = Date.now();
    const r = await api(a);
    const ms = Date.now() - t0;
    expect(r.status, r.body.slice(0, 300)).toBe(200);
    console.info(`frozen wake: first request to its 200 through nginx in ${ms} ms`);
    expect(await row(a)).toMatchObject({ status: "ACTIVE_HEALTHY", pausedBy: null, frozenAt: null });
    expect(new Set(await states(a))).toEqual(new Set(["running"]));
    const k = await kinds(a);
    expect(k).toContain("sleep.thawed");
    // Thawed in place: no start of the stack.
    expect(k).not.toContain("wake.requested");
    expect((await api(a)).status).toBe(200);
    // Docker kept its health across the freeze: the monitor finds it healthy.
    expect(await h.service.refreshStatus(a)).toBe("ACTIVE_HEALTHY");
  });

  it("stops the longest-frozen project first when a create needs the memory frozen projects hold", async () => {
    // Freeze a again: now b has been frozen longer.
    expect((await sweepIn(5)).frozen).toEqual([a]);
    // A memory budget with room for the two frozen projects, and for a new one only once one of them is stopped.
    const capacityMb = Math.floor(totalmem() / 1024 / 1024);
    const need = defaultBudget().memoryMb;
    const each = Math.floor((capacityMb - need) / 2) + 1;
    await h.inst.db.systemSettings.upsert({ where: { id: 1 }, create: { id: 1, memoryCommitPercent: 100 }, update: { memoryCommitPercent: 100 } });
    await h.inst.db.project.updateMany({ where: { ref: { in: [a, b] } }, data: { memoryMb: each } });
    const c = await h.service.createProject(h.user, { name: "Needs room" });
    try {
      expect(await row(b)).toMatchObject({ status: "INACTIVE", pausedBy: "idle", frozenAt: null });
      expect((await states(b)).every((s) => s === "exited")).toBe(true);
      expect(await kinds(b)).toContain("sleep.stopped");
      expect((await h.service.getProject(h.user, b)).sleepTier).toBe("stopped");
      // The newer frozen one was not needed.
      expect(await row(a)).toMatchObject({ status: "INACTIVE", frozenAt: expect.any(Date) });
      expect(new Set(await states(a))).toEqual(new Set(["paused"]));
    } finally {
      await h.service.deleteProject(h.user, { ref: c.ref, confirmRef: c.ref });
      await h.inst.db.systemSettings.update({ where: { id: 1 }, data: { memoryCommitPercent: 150 } });
    }
  });

  it("wakes a stopped one by its first API request as before", async () => {
    const t0 = Date.now();
    const r = await api(b);
    expect(r.status, r.body.slice(0, 300)).toBe(200);
    console.info(`stopped wake: first request to its 200 through nginx in ${Date.now() - t0} ms`);
    expect(await kinds(b)).toContain("wake.requested");
    await h.service.waitForIdle(b);
    expect(await row(b)).toMatchObject({ status: "ACTIVE_HEALTHY", frozenAt: null });
  });

  it("stops a project frozen longer than its frozen time", async () => {
    // b, awake again, is kept out of this sweep.
    await h.service.setIdleTimeout(h.user, { ref: b, minutes: 0 });
    const report = await sweepIn(5 + 24 * 60 + 1);
    expect(report.stopped).toEqual([a]);
    expect(await row(a)).toMatchObject({ status: "INACTIVE", pausedBy: "idle", frozenAt: null });
    expect((await states(a)).every((s) => s === "exited")).toBe(true);
  });

  it("keeps a whole frozen stack frozen across an app restart, and stops one that is not whole, data kept", async () => {
    await h.service.setIdleTimeout(h.user, { ref: b, minutes: 1 });
    expect((await sweepIn(5)).frozen).toEqual([b]);
    await h.inst.restart().reconcile();
    expect(await row(b)).toMatchObject({ status: "INACTIVE", frozenAt: expect.any(Date) });
    expect(new Set(await states(b))).toEqual(new Set(["paused"]));
    // One container thawed behind Supafleet's back (or a freeze cut short): the record is settled.
    const one = (await docker.listContainers({ filters: JSON.stringify({ label: [`${LABELS.ref}=${b}`, `${LABELS.service}=rest`], status: ["paused"] }) }))[0];
    expect(one, "b's rest container, paused").toBeDefined();
    await docker.getContainer(one!.Id).unpause();
    const report = await h.inst.restart().reconcile();
    expect(report.drift.join("\n")).toContain(`${b}: frozen in the database`);
    expect(await row(b)).toMatchObject({ status: "INACTIVE", pausedBy: "idle", frozenAt: null });
    expect((await states(b)).every((s) => s === "exited")).toBe(true);
    // The data stays: the next request starts it on the same volumes.
    expect((await api(b)).status).toBe(200);
    await h.service.waitForIdle(b);
  });
});
