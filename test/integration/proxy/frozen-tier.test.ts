// The frozen sleep tier end to end through a real nginx by subdomain
// (lib/projects/sleep-tier.ts): an idle project is frozen (its containers
// paused by the engine, memory kept) and its next API request, held by the
// wake gate, thaws it and gets its 200; the monitor and the usage sampler
// leave a frozen project asleep; a create that needs memory frozen projects
// holds stops it first; a project frozen long enough is stopped, and wakes
// from there as before; a restart of the app keeps a whole frozen stack
// frozen and stops one that is not whole, data kept. One stack for the file.
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
let apikey: string;
const docker = testDocker();

beforeAll(async () => {
  h = await startWakeHarness({ domain: DOMAIN, portRange: { start: 56500, end: 56599 } });
  a = (await h.service.createProject(h.user, { name: "Frost" })).ref;
  await h.service.waitForIdle(a);
  const p = await row(a);
  expect(p.status, `after its create: ${p.statusReason}`).toBe("ACTIVE_HEALTHY");
  apikey = (await h.service.getProjectDetails(h.user, a)).serviceRoleKey;
  await h.service.setIdleTimeout(h.user, { ref: a, minutes: 1 });
});

afterAll(async () => {
  await h?.close();
});

const row = (ref: string) => h.inst.db.project.findUniqueOrThrow({ where: { ref } });
const states = async (ref: string) =>
  (await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABELS.ref}=${ref}`, `${LABELS.installation}=${h.inst.installationId}`] }) }))
    .filter((c) => c.Labels[LABELS.role] === undefined)
    .map((c) => c.State);
const api = () => viaNginx(h.nginx.port, `${a}.${DOMAIN}`, "/rest/v1/", { apikey });
const kinds = async (ref: string) => (await h.service.listEvents(h.user, ref)).map((e) => e.kind);
const count = async (ref: string, kind: string) => (await kinds(ref)).filter((k) => k === kind).length;
/** An idle sweep as if `minutes` had passed. */
const sweepIn = (minutes: number) => h.service.sweepIdle(new Date(Date.now() + minutes * 60_000));
const frozenWhole = async () => expect(new Set(await states(a))).toEqual(new Set(["paused"]));
const stoppedWhole = async () => expect((await states(a)).every((s) => s === "exited")).toBe(true);

describe("the frozen sleep tier through nginx", () => {
  it("freezes an idle project: paused containers, the wake gate in front, the tier on its summary", async () => {
    expect((await sweepIn(5)).frozen).toEqual([a]);
    expect(await row(a)).toMatchObject({ status: "INACTIVE", pausedBy: "idle", frozenAt: expect.any(Date) });
    expect((await states(a)).length).toBeGreaterThan(5);
    await frozenWhole();
    expect((await h.service.getProject(h.user, a)).sleepTier).toBe("frozen");
    expect(await kinds(a)).toContain("sleep.frozen");
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
    const r = await api();
    const ms = Date.now() - t0;
    expect(r.status, r.body.slice(0, 300)).toBe(200);
    console.info(`frozen wake: first request to its 200 through nginx in ${ms} ms`);
    expect(await row(a)).toMatchObject({ status: "ACTIVE_HEALTHY", pausedBy: null, frozenAt: null });
    expect(new Set(await states(a))).toEqual(new Set(["running"]));
    expect(await kinds(a)).toContain("sleep.thawed");
    // Thawed in place: no start of the stack.
    expect(await count(a, "wake.requested")).toBe(0);
    expect((await api()).status).toBe(200);
  });

  it("stops a frozen project when a create needs the memory it holds (the oldest first: test/db/projects/sleep-tier.test.ts)", async () => {
    expect((await sweepIn(5)).frozen).toEqual([a]);
    // A memory budget with room for a new project only once the frozen one is stopped.
    const capacityMb = Math.floor(totalmem() / 1024 / 1024);
    await h.inst.db.systemSettings.upsert({ where: { id: 1 }, create: { id: 1, memoryCommitPercent: 100 }, update: { memoryCommitPercent: 100 } });
    await h.inst.db.project.update({ where: { ref: a }, data: { memoryMb: capacityMb - defaultBudget().memoryMb + 1 } });
    const c = await h.service.createProject(h.user, { name: "Needs room" });
    try {
      expect(await row(a)).toMatchObject({ status: "INACTIVE", pausedBy: "idle", frozenAt: null });
      await stoppedWhole();
      expect(await kinds(a)).toContain("sleep.stopped");
      expect((await h.service.getProject(h.user, a)).sleepTier).toBe("stopped");
    } finally {
      await h.service.deleteProject(h.user, { ref: c.ref, confirmRef: c.ref });
      await h.inst.db.systemSettings.update({ where: { id: 1 }, data: { memoryCommitPercent: 150 } });
      await h.inst.db.project.update({ where: { ref: a }, data: { memoryMb: null } });
    }
  });

  it("wakes a stopped one by its first API request as before", async () => {
    const t0 = Date.now();
    const r = await api();
    expect(r.status, r.body.slice(0, 300)).toBe(200);
    console.info(`stopped wake: first request to its 200 through nginx in ${Date.now() - t0} ms`);
    expect(await count(a, "wake.requested")).toBe(1);
    await h.service.waitForIdle(a);
    expect(await row(a)).toMatchObject({ status: "ACTIVE_HEALTHY", frozenAt: null });
  });

  it("keeps a whole frozen stack frozen across an app restart, and stops one that is not whole, data kept", async () => {
    expect((await sweepIn(5)).frozen).toEqual([a]);
    await h.inst.restart().reconcile();
    expect(await row(a)).toMatchObject({ status: "INACTIVE", frozenAt: expect.any(Date) });
    await frozenWhole();
    // One container thawed behind Supafleet's back (or a freeze cut short): the record is settled.
    const one = (await docker.listContainers({ filters: JSON.stringify({ label: [`${LABELS.ref}=${a}`, `${LABELS.service}=rest`], status: ["paused"] }) }))[0];
    expect(one, "the rest container, paused").toBeDefined();
    await docker.getContainer(one!.Id).unpause();
    const report = await h.inst.restart().reconcile();
    expect(report.drift.join("\n")).toContain(`${a}: frozen in the database`);
    expect(await row(a)).toMatchObject({ status: "INACTIVE", pausedBy: "idle", frozenAt: null });
    await stoppedWhole();
    // The data stays: the next request starts it on the same volumes.
    expect((await api()).status).toBe(200);
    await h.service.waitForIdle(a);
  });

  it("stops a project frozen longer than its frozen time", async () => {
    expect((await sweepIn(5)).frozen).toEqual([a]);
    const report = await sweepIn(5 + 24 * 60 + 1);
    expect(report.stopped).toEqual([a]);
    expect(await row(a)).toMatchObject({ status: "INACTIVE", pausedBy: "idle", frozenAt: null });
    await stoppedWhole();
  });
});
