// The dependency-gated start of a stack, as `docker compose up` orders it:
// every service starts once its dependencies meet their depends_on condition
// (started or healthy), in parallel where the order allows. The engine's own
// work (make a container, or a Swarm service, and wait for it) is the
// caller's startOne; the orchestration is here, once, for both runtimes
// (lib/docker/stack-runner.ts, lib/swarm/stack.ts). The first failure stops
// the start: services that wait on it never start, the others see it through
// `failed`, and it is what the start rejects with. One deadline covers the
// whole start: when it passes, the start fails naming what it still waits for.
import { InvalidStateError, StackTimeoutError } from "@/lib/errors";
import type { StackEvent, ServiceName } from "@/lib/stack/types";
import type { Dependency } from "@/lib/stack/start-order";

/** Dependency levels; throws on unknown dependencies and cycles. */
export function dependencyOrder<S extends { service: ServiceName; dependsOn: readonly Dependency[] }>(services: readonly S[]): S[][] {
  assertKnown(services.map((s) => ({ name: s.service, dependsOn: s.dependsOn })));
  const levels: S[][] = [];
  const placed = new Set<string>();
  while (placed.size < services.length) {
    const level = services.filter((s) => !placed.has(s.service) && s.dependsOn.every((d) => placed.has(d.service)));
    if (!level.length) {
      const stuck = services.filter((s) => !placed.has(s.service)).map((s) => s.service);
      throw new InvalidStateError(`Dependency cycle among: ${stuck.join(", ")}`);
    }
    for (const s of level) placed.add(s.service);
    levels.push(level);
  }
  return levels;
}

function assertKnown(steps: ReadonlyArray<{ name: ServiceName; dependsOn: readonly Dependency[] }>): void {
  const names = new Set(steps.map((s) => s.name));
  for (const s of steps)
    for (const d of s.dependsOn) if (!names.has(d.service)) throw new InvalidStateError(`${s.name} depends on ${d.service}, which is not in the stack.`);
}

/** A promise opened from outside: each service's "started" and "healthy" gates. Rejects with the start's first failure. */
class Gate {
  readonly promise: Promise<void>;
  resolve!: () => void;
  reject!: (err: unknown) => void;
  constructor() {
    this.promise = new Promise<void>((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
    // Gates nobody waits on must not become unhandled rejections.
    this.promise.catch(() => undefined);
  }
}

/** What a running start tells each service's work. */
export interface GraphRun {
  /** The start's first failure (or the cancellation); null while all goes well. Long waits poll it. */
  failed: () => unknown;
  /** When the whole start gives up (ms since the epoch). */
  deadline: number;
}

export interface StepRun extends GraphRun {
  /** Opens the service's "started" gate (services waiting on service_started go on); the step's end opens "healthy". */
  started: () => void;
}

export interface GraphStep<S> {
  service: S;
  dependsOn: readonly Dependency[];
}

export interface RunGraphOptions<S> {
  /** The whole start's budget; the start fails with StackTimeoutError when it is over. */
  timeoutMs: number;
  /** When the budget began, if before this call (default: now). */
  deadline?: number;
  signal?: AbortSignal;
  emit?: (e: StackEvent) => void;
  /** A wait of its own before a service starts, after its dependencies (a db volume being filled). */
  waitFor?: (service: S) => Promise<void> | null;
  /** Told as each service becomes healthy (its step resolved). */
  onHealthy?: (service: ServiceName) => void;
  /** A last check once every step is done, still under the deadline and the cancellation. */
  finish?: (run: GraphRun) => Promise<void>;
}

/**
 * Runs startOne for every step once its dependencies allow, and resolves when
 * every step (and `finish`) has. startOne calls `started()` when the service
 * exists and runs, and resolves when it is healthy. Rejects with the first
 * failure; a service that fails on its own is reported as "service.failed".
 */
export async function runGraph<S extends { service: ServiceName }>(
  steps: readonly GraphStep<S>[],
  startOne: (service: S, run: StepRun) => Promise<void>,
  opts: RunGraphOptions<S>,
): Promise<void> {
  const emit = opts.emit ?? (() => undefined);
  const names = steps.map((s) => s.service.service);
  assertKnown(steps.map((s) => ({ name: s.service.service, dependsOn: s.dependsOn })));
  const deadline = opts.deadline ?? Date.now() + opts.timeoutMs;
  const started = new Map(names.map((n) => [n, new Gate()]));
  const healthy = new Map(names.map((n) => [n, new Gate()]));
  let firstError: unknown = null;
  const failed = () => firstError ?? (opts.signal?.aborted ? new InvalidStateError("Cancelled.") : null);
  const fail = (err: unknown) => {
    firstError ??= err;
    for (const g of [...started.values(), ...healthy.values()]) g.reject(firstError);
  };
  const onAbort = () => fail(new InvalidStateError("Cancelled."));
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  const pending = new Set(names);
  const timer = setTimeout(() => fail(new StackTimeoutError([...pending], Math.round(opts.timeoutMs / 1000))), Math.max(0, deadline - Date.now()));
  try {
    await Promise.all(
      steps.map(async ({ service: svc, dependsOn }) => {
        const name = svc.service;
        try {
          await Promise.all(dependsOn.map((d) => (d.condition === "service_healthy" ? healthy : started).get(d.service)!.promise));
          await opts.waitFor?.(svc);
          const stop = failed();
          if (stop) throw stop;
          await startOne(svc, { failed, deadline, started: () => started.get(name)!.resolve() });
          started.get(name)!.resolve();
          healthy.get(name)!.resolve();
          pending.delete(name);
          opts.onHealthy?.(name);
        } catch (err) {
          if (err !== firstError) emit({ kind: "service.failed", service: name, message: err instanceof Error ? err.message.slice(0, 300) : String(err) });
          fail(err);
          throw err;
        }
      }),
    );
    await opts.finish?.({ failed, deadline });
  } catch (err) {
    // firstError is the cause every other service failed with; err is the
    // finish check's own failure when no service failed before it.
    throw firstError ?? err;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onAbort);
  }
}
