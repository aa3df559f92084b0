// The shared start orchestrator (lib/stack/run-graph.ts), without an engine:
// services start once their dependencies meet their condition, a failure
// stops everything that waits on it and is what the start rejects with, and
// one deadline covers the whole start.
import { describe, expect, it } from "vitest";
import { InvalidStateError, StackTimeoutError } from "@/lib/errors";
import { runGraph, type GraphStep, type StepRun } from "@/lib/stack/run-graph";
import type { Dependency } from "@/lib/stack/start-order";
import type { ServiceName, StackEvent } from "@/lib/stack/types";

interface Svc {
  service: ServiceName;
}

const step = (service: ServiceName, ...deps: Array<[ServiceName, Dependency["condition"]]>): GraphStep<Svc> => ({
  service: { service },
  dependsOn: deps.map(([s, condition]) => ({ service: s, condition })),
});

const tick = () => new Promise<void>((r) => setTimeout(r, 5));

/** A startOne that records when each service starts, becomes "started" and healthy. */
function recorder(fail: Record<string, Error> = {}, hang: string[] = []) {
  const log: string[] = [];
  const startOne = async (svc: Svc, run: StepRun) => {
    log.push(`start ${svc.service}`);
    await tick();
    if (fail[svc.service]) throw fail[svc.service];
    run.started();
    log.push(`started ${svc.service}`);
    if (hang.includes(svc.service))
      for (;;) {
        const stop = run.failed();
        if (stop) throw stop;
        await tick();
      }
    await tick();
    log.push(`healthy ${svc.service}`);
  };
  return { log, startOne };
}

describe("runGraph", () => {
  it("starts each service after its dependencies meet their condition, independent ones in parallel", async () => {
    const { log, startOne } = recorder();
    const steps = [step("rest", ["db", "service_healthy"]), step("db"), step("vector"), step("kong", ["rest", "service_started"])];
    await runGraph(steps, startOne, { timeoutMs: 10_000 });
    const at = (e: string) => log.indexOf(e);
    expect(at("start rest")).toBeGreaterThan(at("healthy db"));
    expect(at("start kong")).toBeGreaterThan(at("started rest"));
    expect(at("start kong")).toBeLessThan(at("healthy rest"));
    // vector waits for nothing: it starts with db, not after it.
    expect(at("start vector")).toBeLessThan(at("started db"));
    expect(log.filter((e) => e.startsWith("healthy")).sort()).toEqual(["healthy db", "healthy kong", "healthy rest", "healthy vector"]);
  });

  it("never starts the dependents of a failed service, and rejects with that service's error, reported once", async () => {
    const events: StackEvent[] = [];
    const cause = new Error("db exited (1)");
    const { log, startOne } = recorder({ db: cause });
    const run = runGraph([step("db"), step("rest", ["db", "service_healthy"]), step("kong", ["rest", "service_started"])], startOne, {
      timeoutMs: 10_000,
      emit: (e) => events.push(e),
    });
    await expect(run).rejects.toBe(cause);
    expect(log).toEqual(["start db"]);
    expect(events).toEqual([{ kind: "service.failed", service: "db", message: "db exited (1)" }]);
  });

  it("stops services already waiting when another fails, with the first failure", async () => {
    const cause = new Error("auth exited (1)");
    const { log, startOne } = recorder({ auth: cause }, ["db"]);
    await expect(runGraph([step("db"), step("auth")], startOne, { timeoutMs: 10_000 })).rejects.toBe(cause);
    expect(log).toContain("started db");
    expect(log).not.toContain("healthy db");
  });

  it("fails the whole start at its deadline, naming the services still pending", async () => {
    const { startOne } = recorder({}, ["rest"]);
    const started = Date.now();
    const run = runGraph([step("db"), step("rest", ["db", "service_healthy"])], startOne, { timeoutMs: 300 });
    await expect(run).rejects.toBeInstanceOf(StackTimeoutError);
    await expect(run).rejects.toThrow(/still waiting for: rest\./);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("stops on cancellation, and runs the finish check under the same deadline", async () => {
    const ac = new AbortController();
    const { startOne } = recorder({}, ["db"]);
    const run = runGraph([step("db")], startOne, { timeoutMs: 10_000, signal: ac.signal });
    setTimeout(() => ac.abort(), 30);
    await expect(run).rejects.toThrow(InvalidStateError);
    await expect(run).rejects.toThrow("Cancelled.");

    const finished: number[] = [];
    const ok = recorder();
    await runGraph([step("db")], ok.startOne, { timeoutMs: 10_000, finish: async (r) => void finished.push(r.deadline) });
    expect(finished).toHaveLength(1);
    // A finish that waits (as the final running check does) ends with the start's deadline.
    const waiting = async (r: { failed: () => unknown }) => {
      for (;;) {
        const stop = r.failed();
        if (stop) throw stop;
        await tick();
      }
    };
    const late = runGraph([step("db")], ok.startOne, { timeoutMs: 200, finish: waiting });
    await expect(late).rejects.toBeInstanceOf(StackTimeoutError);
  });

  it("refuses a dependency that is not in the stack before starting anything", async () => {
    const { log, startOne } = recorder();
    await expect(runGraph([step("rest", ["db", "service_healthy"])], startOne, { timeoutMs: 1_000 })).rejects.toThrow(
      /rest depends on db, which is not in the stack/,
    );
    expect(log).toEqual([]);
  });
});
