// A promise opened from outside: each service's "started" and "healthy"
// gates in a stack start (lib/docker/stack-runner.ts, lib/swarm/stack.ts).
// Resolves once opened; rejects with the first failure of the start.
export class Gate {
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
