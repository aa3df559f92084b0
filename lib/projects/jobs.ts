// Background work per project: one operation per project at a time (a lock
// chain in arrival order), at most one background job per project, and the
// host-wide start slots (lib/concurrency.ts).
import { describeError } from "@/lib/errors";
import { defaultMaxParallelStarts, Slots } from "@/lib/concurrency";

export class JobRunner {
  private readonly jobs = new Map<string, { promise: Promise<void>; abort: AbortController }>();
  private readonly locks = new Map<string, Promise<unknown>>();
  readonly starts: Slots;

  constructor(maxParallelStarts = defaultMaxParallelStarts()) {
    this.starts = new Slots(maxParallelStarts);
  }

  has(ref: string): boolean {
    return this.jobs.has(ref);
  }

  /** Starts run(signal) under the project's lock; failures are the job's to record. */
  start(ref: string, run: (signal: AbortSignal) => Promise<void>): void {
    const abort = new AbortController();
    const promise = this.withLock(ref, () => run(abort.signal))
      .catch((err: unknown) => {
        // Jobs record their own failures; this only catches bugs.
        console.error(`[supafleet] job for ${ref} crashed: ${describeError(err)}`);
      })
      .finally(() => {
        if (this.jobs.get(ref)?.promise === promise) this.jobs.delete(ref);
      });
    this.jobs.set(ref, { promise, abort });
  }

  /** Aborts the project's job, if any, and waits until it has rolled itself back. */
  async cancel(ref: string): Promise<void> {
    const job = this.jobs.get(ref);
    if (!job) return;
    job.abort.abort();
    await job.promise;
  }

  /** Resolves when no background job runs for the ref (tests, shutdown). */
  async waitForIdle(ref: string): Promise<void> {
    await this.jobs.get(ref)?.promise;
  }

  async waitForAll(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((j) => j.promise));
  }

  /** One operation per project at a time, in arrival order. */
  async withLock<T>(ref: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(ref) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    const tail = next.catch(() => undefined);
    this.locks.set(ref, tail);
    try {
      return await next;
    } finally {
      if (this.locks.get(ref) === tail) this.locks.delete(ref);
    }
  }
}
