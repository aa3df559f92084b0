// How many Management API SQL queries run at once: per user and in total.
// Per user, not per token: a user may hold 25 tokens (lib/tokens/service.ts),
// and each running query holds a database connection and up to the byte
// budget of rows in this process.
import { RateLimitedError } from "@/lib/errors";

export interface QueryConcurrency {
  perUser: number;
  overall: number;
}

export const DEFAULT_QUERY_CONCURRENCY: QueryConcurrency = { perUser: 2, overall: 8 };

export class QueryGate {
  private readonly running = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: QueryConcurrency = DEFAULT_QUERY_CONCURRENCY) {}

  /** Runs fn for userId, or refuses at once (429, Retry-After 1 s) when the user or the server is at its limit. */
  async run<T>(userId: string, fn: () => Promise<T>): Promise<T> {
    const mine = this.running.get(userId) ?? 0;
    if (mine >= this.limits.perUser) throw new RateLimitedError(1, `SQL queries running at once for this account (at most ${this.limits.perUser})`);
    if (this.total >= this.limits.overall) throw new RateLimitedError(1, `SQL queries running at once on this server (at most ${this.limits.overall})`);
    this.running.set(userId, mine + 1);
    this.total += 1;
    try {
      return await fn();
    } finally {
      this.total -= 1;
      const left = (this.running.get(userId) ?? 1) - 1;
      if (left > 0) this.running.set(userId, left);
      else this.running.delete(userId);
    }
  }
}
