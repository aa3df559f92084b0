// Admission control for stack start-ups. Starting a stack is a burst of work
// (a Postgres init and a dozen services probing each other); too many at once
// on a small host starve one another's health checks and fail creates that
// would have succeeded a minute later. Jobs beyond the limit wait in order.
import { availableParallelism } from "node:os";
import { InvalidStateError } from "@/lib/errors";

/**
 * 4 per core. Measured (bench/concurrency.ts, 2 cores): 10 stand-in stacks
 * starting at once all came up; 20 at once starved each other's health checks.
 */
export function defaultMaxParallelStarts(): number {
  return 4 * availableParallelism();
}

export type Release = () => void;

export class Slots {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`slot count must be a positive integer, got ${size}`);
  }

  get running(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves with a release function once a slot is free; an abort while waiting rejects and leaves the queue. */
  async acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) throw new InvalidStateError("Cancelled.");
    if (this.active < this.size) {
      this.active++;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        const i = this.queue.indexOf(grant);
        if (i >= 0) this.queue.splice(i, 1);
        reject(new InvalidStateError("Cancelled."));
      };
      this.queue.push(grant);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    return this.releaser();
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // Hand the slot straight to the next waiter (active stays the same).
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    };
  }
}
