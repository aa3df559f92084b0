// The Management API's request limits, behind a small interface so the shared
// limiter (lib/rate-limit, rate-limiter-flexible) can replace this one without
// touching the routes: anything with consume(key) fits.
//
// This implementation is in memory, one fixed window per key. That is right
// for one Supafleet process (the supported deployment: scripts/serve.sh runs
// one `next start`); with several processes each would allow the limit on its
// own, so a shared store is the upgrade path, not a fix this module needs.
// Memory is bounded: expired windows are dropped, and past maxKeys the oldest
// keys go first.

export type LimitDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

export interface RequestLimiter {
  consume(key: string): Promise<LimitDecision>;
}

export interface WindowLimiterOptions {
  /** Requests allowed per window and key. */
  points: number;
  windowMs: number;
  /** Most keys remembered at once (default 10 000). */
  maxKeys?: number;
  now?: () => number;
}

export class MemoryWindowLimiter implements RequestLimiter {
  private readonly windows = new Map<string, { startedAt: number; used: number }>();
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(private readonly opts: WindowLimiterOptions) {
    if (!(opts.points >= 1) || !(opts.windowMs >= 1)) throw new RangeError("points and windowMs must be at least 1");
    this.maxKeys = opts.maxKeys ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  async consume(key: string): Promise<LimitDecision> {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || now - w.startedAt >= this.opts.windowMs) {
      this.windows.delete(key);
      this.makeRoom(now);
      w = { startedAt: now, used: 0 };
      // Re-inserted: Map order is then "oldest window first".
      this.windows.set(key, w);
    }
    if (w.used >= this.opts.points) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((w.startedAt + this.opts.windowMs - now) / 1000)) };
    }
    w.used += 1;
    return { allowed: true, remaining: this.opts.points - w.used };
  }

  /** Keys currently remembered (for tests and the bound). */
  get size(): number {
    return this.windows.size;
  }

  private makeRoom(now: number): void {
    if (this.windows.size < this.maxKeys) return;
    for (const [k, w] of this.windows) {
      if (now - w.startedAt >= this.opts.windowMs) this.windows.delete(k);
      else break; // windows are in start order: the rest are younger
    }
    while (this.windows.size >= this.maxKeys) {
      const oldest = this.windows.keys().next().value;
      if (oldest === undefined) break;
      this.windows.delete(oldest);
    }
  }
}
