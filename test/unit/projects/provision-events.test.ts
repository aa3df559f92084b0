// One rule turns the runtime's reports into project events, for every caller
// (create/resume/restart, restore, upgrade, one service replaced).
import { describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { eventBus, projectEventSink, provisionEventLevel, type ProjectEventView } from "@/lib/projects/events";

const P = { id: "p1", ref: "abcdefghijklmnopqrst" };

function fakeDb(): { db: Db; rows: Array<{ level: string; kind: string; message: string; data: string | null }> } {
  const rows: Array<{ level: string; kind: string; message: string; data: string | null }> = [];
  const db = {
    projectEvent: {
      create: async ({ data }: { data: { level: string; kind: string; message: string; data: string | null } }) => {
        rows.push({ level: data.level, kind: data.kind, message: data.message, data: data.data });
        return { id: rows.length, at: new Date() };
      },
    },
  } as unknown as Db;
  return { db, rows };
}

const flush = () => new Promise((r) => setImmediate(r));

describe("a runtime report as a project event", () => {
  it("is an error when something failed, a warning when a service is unhealthy or its seed was skipped, else information", () => {
    expect(provisionEventLevel({ kind: "service.failed" })).toBe("ERROR");
    expect(provisionEventLevel({ kind: "service.unhealthy" })).toBe("WARN");
    expect(provisionEventLevel({ kind: "service.seed_skipped" })).toBe("WARN");
    expect(provisionEventLevel({ kind: "service.healthy" })).toBe("INFO");
    expect(provisionEventLevel({ kind: "stack.serving" })).toBe("INFO");
  });

  it("records reports with their details, keeps only the named service's when asked, and publishes pulls live without storing them", async () => {
    const { db, rows } = fakeDb();
    const live: ProjectEventView[] = [];
    const off = eventBus.subscribe(P.ref, (e) => live.push(e));
    try {
      const all = projectEventSink(db, P);
      all({ kind: "service.unhealthy", service: "rest" });
      all({ kind: "image.pull", image: "postgrest/postgrest:v12", percent: 40 });
      const authOnly = projectEventSink(db, P, { service: "auth" });
      authOnly({ kind: "service.started", service: "rest" });
      authOnly({ kind: "service.failed", service: "auth", message: "exited 1" });
      await flush();
    } finally {
      off();
    }
    expect(rows).toEqual([
      { level: "WARN", kind: "service.unhealthy", message: "service.unhealthy rest", data: JSON.stringify({ service: "rest" }) },
      { level: "ERROR", kind: "service.failed", message: "exited 1", data: JSON.stringify({ service: "auth" }) },
    ]);
    expect(live.find((e) => e.kind === "image.pull")).toMatchObject({ id: null, data: { image: "postgrest/postgrest:v12", percent: 40 } });
  });

  it("never throws when the event cannot be stored", async () => {
    const db = { projectEvent: { create: async () => Promise.reject(new Error("disk full")) } } as unknown as Db;
    expect(() => projectEventSink(db, P)({ kind: "service.healthy", service: "db" })).not.toThrow();
    await flush();
  });
});
