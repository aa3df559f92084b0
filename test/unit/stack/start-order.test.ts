import { describe, expect, it } from "vitest";
import { LATEST_STACK_VERSION } from "@/lib/stack/build-stack-spec";
import { REQUEST_PATH, servedByRequestPath, startPlan, type StartStep } from "@/lib/stack/start-order";
import type { StackSpec } from "@/lib/stack/types";
import { sampleSpec } from "@/test/support/sample-spec";

async function spec(stackVersion: string, analytics: boolean): Promise<StackSpec> {
  return sampleSpec("startorderaaaaaaaaaa", stackVersion, { analytics });
}

const waitsOf = (plan: StartStep[], service: string) =>
  plan
    .find((s) => s.service.service === service)!
    .dependsOn.map((d) => `${d.service}:${d.condition}`)
    .sort();

describe("startPlan", () => {
  it("keeps the template's depends_on exactly on a first boot", async () => {
    for (const [version, analytics] of [
      ["2026.02-r1", true],
      [LATEST_STACK_VERSION, false],
    ] as const) {
      const s = await spec(version, analytics);
      const plan = startPlan(s.services, "first-boot");
      expect(plan.map((p) => p.service)).toEqual(s.services);
      for (const p of plan) expect(p.dependsOn).toEqual(p.service.dependsOn);
    }
  });

  it("on existing data starts the db first, then the gateway, PostgREST and Auth, one after another, waiting only on each other (2026.09-r1)", async () => {
    const plan = startPlan((await spec(LATEST_STACK_VERSION, false)).services, "existing-data");
    expect(plan.slice(0, 4).map((p) => p.service.service)).toEqual(["db", "api-gw", "rest", "auth"]);
    expect(waitsOf(plan, "db")).toEqual([]);
    // upstream's api-gw waits for studio: healthy; a start on existing data does not.
    expect(waitsOf(plan, "api-gw")).toEqual(["db:service_started"]);
    expect(waitsOf(plan, "rest")).toEqual(["api-gw:service_started", "db:service_healthy"]);
    expect(waitsOf(plan, "auth")).toEqual(["db:service_healthy", "rest:service_started"]);
  });

  it("makes every other service wait for the whole request path, and keeps its own other waits", async () => {
    const plan = startPlan((await spec(LATEST_STACK_VERSION, false)).services, "existing-data");
    const path = ["api-gw", "auth", "db", "rest"].map((s) => `${s}:service_healthy`);
    expect(waitsOf(plan, "studio")).toEqual(path);
    // storage: its own wait on imgproxy stays; on rest it becomes "healthy" (stricter than "started").
    expect(waitsOf(plan, "storage")).toEqual([...path, "imgproxy:service_started"].sort());
    expect(waitsOf(plan, "functions")).toEqual(path);
    expect(new Set(plan.map((p) => p.service.service)).size).toBe(plan.length);
  });

  it("with analytics on 2026.02-r1: kong, rest and auth no longer wait for analytics, nor the db for vector", async () => {
    const s = await spec("2026.02-r1", true);
    // The template's order really has those waits: the test would pass vacuously otherwise.
    expect(s.services.find((x) => x.service === "kong")!.dependsOn.map((d) => d.service)).toContain("analytics");
    expect(s.services.find((x) => x.service === "db")!.dependsOn.map((d) => d.service)).toContain("vector");
    const plan = startPlan(s.services, "existing-data");
    expect(plan.slice(0, 4).map((p) => p.service.service)).toEqual(["db", "kong", "rest", "auth"]);
    expect(waitsOf(plan, "kong")).toEqual(["db:service_started"]);
    expect(waitsOf(plan, "db")).toEqual([]);
    expect(waitsOf(plan, "rest")).toEqual(["db:service_healthy", "kong:service_started"]);
    expect(waitsOf(plan, "auth")).toEqual(["db:service_healthy", "rest:service_started"]);
    const path = ["auth", "db", "kong", "rest"].map((x) => `${x}:service_healthy`);
    expect(waitsOf(plan, "analytics")).toEqual(path);
    expect(waitsOf(plan, "vector")).toEqual(path);
    expect(waitsOf(plan, "meta")).toEqual([...path, "analytics:service_healthy"].sort());
    expect(REQUEST_PATH[0]).toBe("db");
  });
});

describe("servedByRequestPath", () => {
  it("is PostgREST's and Auth's paths as the gateways match them, and nothing a normalisation could move elsewhere", () => {
    for (const uri of ["/rest/v1/todos?select=*", "/rest/v1/", "/auth/v1/token?grant_type=password", "/graphql/v1", "/graphql/v1?query=x"])
      expect(servedByRequestPath(uri), uri).toBe(true);
    for (const uri of [
      "/",
      "/rest/v1",
      "/storage/v1/object/x",
      "/realtime/v1/websocket",
      "/functions/v1/hello",
      "/pg/tables",
      "/rest/v1/../storage/v1/x",
      "/rest/v1/%2e%2e/storage/v1/x",
      "/rest/v1//x",
      "/rest/v1/.",
      "/project/default",
    ])
      expect(servedByRequestPath(uri), uri).toBe(false);
  });
});

describe("stop grace", () => {
  it("is the template's stop_grace_period (meta: 3 s), else 20 s, in both versions", async () => {
    for (const [version, analytics] of [
      ["2026.02-r1", true],
      [LATEST_STACK_VERSION, false],
    ] as const) {
      const s = await spec(version, analytics);
      const grace = Object.fromEntries(s.services.map((x) => [x.service, x.stopGraceSeconds]));
      expect(grace.meta).toBe(3);
      expect(grace.db).toBe(20);
      expect(Object.values(grace).filter((g) => g !== 20)).toEqual([3]);
    }
  });
});
