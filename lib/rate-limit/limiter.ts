// Throttling on rate-limiter-flexible's Prisma store: counters live in the
// app's own database (model RateLimiterFlexible), so every app process sees
// the same counts and a restart forgets nothing. Increments are atomic in the
// database (upsert with increment), on SQLite and PostgreSQL alike.
import { createHash } from "node:crypto";
import { RateLimiterPrisma, type RateLimiterRes } from "rate-limiter-flexible";
import type { Db } from "@/lib/db/client";
import { RateLimitedError } from "@/lib/errors";
import { backoffSeconds, LIMIT_SUBJECT, type RateLimitName, type RateLimitRules } from "@/lib/rate-limit/rules";

const DAY = 86_400;

/** A rejection from the library (over the limit), as opposed to a store failure. */
function isRejection(err: unknown): err is RateLimiterRes {
  return (
    typeof err === "object" &&
    err !== null &&
    typeof (err as RateLimiterRes).msBeforeNext === "number" &&
    typeof (err as RateLimiterRes).consumedPoints === "number"
  );
}

/** Keys are hashed: no email or address an attacker typed is stored as is, and every key has one length. */
export function limitKey(key: string): string {
  return createHash("sha256").update(key).digest("base64url").slice(0, 32);
}

/**
 * A key within a scope, e.g. one client address's attempts on one account.
 * The scope's hash leads the stored key, so every key of a scope can be
 * forgotten at once (resetScope) without knowing the others.
 */
export interface ScopedKey {
  scope: string;
  key: string;
}

function storedKey(key: string | ScopedKey): string {
  return typeof key === "string" ? limitKey(key) : `${limitKey(key.scope)}.${limitKey(key.key)}`;
}

export class RateLimiter {
  private readonly limiters = new Map<string, RateLimiterPrisma>();

  constructor(
    private readonly db: Db,
    readonly config: RateLimitRules,
  ) {}

  private store(prefix: string, points: number, duration: number): RateLimiterPrisma {
    const id = `${prefix}/${points}/${duration}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiterPrisma({
        storeClient: this.db,
        tableName: "RateLimiterFlexible",
        keyPrefix: prefix,
        points,
        duration,
        // One sweep per process is enough; pruneExpired() does it.
        clearExpiredByTimeout: false,
      });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  private limiter(name: RateLimitName): RateLimiterPrisma {
    const rule = this.config.rules[name];
    return this.store(name, rule.points, rule.windowSec);
  }

  /**
   * Counts one attempt. Over the limit it throws RateLimitedError; the
   * attempt that first goes over locks the key, longer for each lock-out of
   * that key within a day.
   */
  async consume(name: RateLimitName, key: string | ScopedKey): Promise<void> {
    const rule = this.config.rules[name];
    const limiter = this.limiter(name);
    const k = storedKey(key);
    try {
      await limiter.consume(k);
    } catch (err) {
      if (!isRejection(err)) throw err;
      if (err.consumedPoints === rule.points + 1) {
        // Exactly one attempt per window sees this count (increments are atomic).
        const strikes = await this.store(`${name}:strikes`, 1_000_000, DAY).consume(k);
        const seconds = backoffSeconds(rule, strikes.consumedPoints, this.config.maxBlockSec);
        await limiter.block(k, seconds);
        throw new RateLimitedError(seconds, LIMIT_SUBJECT[name]);
      }
      throw new RateLimitedError(err.msBeforeNext / 1000, LIMIT_SUBJECT[name]);
    }
  }

  /** Gives back one attempt (e.g. the log-in succeeded). */
  async refund(name: RateLimitName, key: string | ScopedKey): Promise<void> {
    await this.limiter(name).reward(storedKey(key), 1);
  }

  /** Forgets a key's count (e.g. failures of an account that just logged in). */
  async reset(name: RateLimitName, key: string | ScopedKey): Promise<void> {
    await this.limiter(name).delete(storedKey(key));
  }

  /**
   * Forgets every key of a scope under this limit, with its lock-outs and
   * their backoff history (e.g. an admin unlocks an account for every
   * address). Returns how many counters were dropped.
   */
  async resetScope(name: RateLimitName, scope: string): Promise<number> {
    const lead = `${limitKey(scope)}.`;
    // Rows are stored as "<keyPrefix>:<key>" (rate-limiter-flexible's getKey).
    const r = await this.db.rateLimiterFlexible.deleteMany({
      where: { OR: [{ key: { startsWith: `${name}:${lead}` } }, { key: { startsWith: `${name}:strikes:${lead}` } }] },
    });
    return r.count;
  }

  /**
   * A cap whose size is chosen per call (an admin setting): at most `points`
   * per `windowSec` per key, no backoff. `refund` gives one back.
   */
  async consumeCap(prefix: string, key: string, points: number, windowSec: number, subject: string): Promise<{ refund(): Promise<void> }> {
    const limiter = this.store(prefix, points, windowSec);
    const k = limitKey(key);
    try {
      await limiter.consume(k);
    } catch (err) {
      if (!isRejection(err)) throw err;
      throw new RateLimitedError(err.msBeforeNext / 1000, subject);
    }
    return { refund: async () => void (await limiter.reward(k, 1)) };
  }

  /** Deletes counters that ended more than an hour ago (bounded table). */
  async pruneExpired(now = Date.now()): Promise<number> {
    const r = await this.db.rateLimiterFlexible.deleteMany({ where: { expire: { lt: new Date(now - 3_600_000) } } });
    return r.count;
  }
}
