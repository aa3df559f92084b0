// Throttling on both supported databases: the counters live in the app's own
// database, so a restart or a second app process sees the same lock.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { ForbiddenError, InvalidCredentialsError, RateLimitedError } from "@/lib/errors";
import { unlockAccount } from "@/lib/admin/service";
import { RateLimiter } from "@/lib/rate-limit/limiter";
import type { RateLimitName, RateLimitRule, RateLimitRules } from "@/lib/rate-limit/rules";
import { authenticate, ensureBootstrapAdmin, loadActiveUser, signUp, type ClientContext } from "@/lib/users/service";
import { startPostgres, type PgServer } from "@/test/support/postgres-server";

let pgServer: PgServer | undefined;
const tmp = mkdtempSync(join(tmpdir(), "supafleet-ratelimit-"));
afterAll(async () => {
  await pgServer?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const backends: Array<[string, () => Promise<string>]> = [
  ["sqlite", async () => `file:${join(tmp, `rl-${Math.random().toString(36).slice(2)}.db`)}`],
  [
    "postgres",
    async () => {
      pgServer ??= await startPostgres();
      return pgServer.createDatabase(`rl_${Math.random().toString(36).slice(2, 10)}`);
    },
  ],
];

const rule = (points: number, windowSec: number, blockSec: number): RateLimitRule => ({ points, windowSec, blockSec });
function rules(overrides: Partial<Record<RateLimitName, RateLimitRule>> = {}): RateLimitRules {
  return {
    rules: {
      loginAccount: rule(5, 900, 60),
      loginIp: rule(30, 900, 300),
      signupIp: rule(10, 3600, 600),
      createUser: rule(10, 3600, 300),
      createIp: rule(20, 3600, 300),
      lifecycleUser: rule(30, 3600, 300),
      lifecycleIp: rule(60, 3600, 300),
      ...overrides,
    },
    maxBlockSec: 3600,
  };
}

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    if (err instanceof RateLimitedError) return "limited";
    if (err instanceof InvalidCredentialsError) return "wrong";
    throw err;
  }
}

describe.each(backends)("throttling on %s", (_name, makeUrl) => {
  let url: string;
  let db: Db;
  const others: Db[] = [];
  const ctx = (address: string, r = rules(), on = db): ClientContext => ({ address, limiter: new RateLimiter(on, r) });

  beforeAll(async () => {
    url = await makeUrl();
    await migrate(url);
    db = createDb(url);
    const u = { address: "198.51.100.200", limiter: new RateLimiter(db, rules({ signupIp: rule(100, 60, 1) })) };
    for (const email of ["victim@example.com", "parallel@example.com", "steady@example.com", "backoff@example.com"])
      await signUp(db, { email, password: "the-right-password" }, u);
  });
  afterAll(async () => {
    await db?.$disconnect();
    for (const o of others) await o.$disconnect();
  });

  it("locks an account for the guessing address after 5 wrong passwords, even for the right one, and not for its owner elsewhere", async () => {
    const attacker = ctx("203.0.113.7");
    const results: string[] = [];
    // 20 tries: under the address's own limit (30), so the account lock is what answers
    for (let i = 0; i < 20; i++) results.push(await outcome(authenticate(db, { email: "victim@example.com", password: `guess-${i}` }, attacker)));
    expect(results.slice(0, 5)).toEqual(Array(5).fill("wrong"));
    expect(results.slice(5)).toEqual(Array(15).fill("limited"));
    // from the guessing address: locked, even with the right password
    const err = await authenticate(db, { email: "victim@example.com", password: "the-right-password" }, attacker).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterSeconds).toBeGreaterThan(0);
    expect((err as RateLimitedError).retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((err as RateLimitedError).publicMessage).toMatch(/^Too many failed log-ins for this account from your address\. Try again in \d+ s\.$/);
    // the owner, from their own address, with the right password: a stranger cannot lock them out
    expect(await outcome(authenticate(db, { email: "victim@example.com", password: "the-right-password" }, ctx("198.51.100.1")))).toBe("ok");
  });

  it("keeps the lock across a restart and in a second app process (the database holds it)", async () => {
    const restarted = createDb(url);
    others.push(restarted);
    await expect(
      authenticate(restarted, { email: "victim@example.com", password: "the-right-password" }, ctx("203.0.113.7", rules(), restarted)),
    ).rejects.toBeInstanceOf(RateLimitedError);
  });

  it("lets an admin lift an account's lock for every address at once", async () => {
    const email = "locked-out@example.com";
    await signUp(
      db,
      { email, password: "the-right-password" },
      { address: "198.51.100.250", limiter: new RateLimiter(db, rules({ signupIp: rule(100, 60, 1) })) },
    );
    const places = ["203.0.113.20", "2001:db8:20::1"];
    for (const address of places) for (let i = 0; i < 6; i++) await outcome(authenticate(db, { email, password: `typo-${i}` }, ctx(address)));
    for (const address of places) expect(await outcome(authenticate(db, { email, password: "the-right-password" }, ctx(address)))).toBe("limited");
    // another account's lock is not touched by the unlock
    expect(await outcome(authenticate(db, { email: "victim@example.com", password: "the-right-password" }, ctx("203.0.113.7")))).toBe("limited");

    await ensureBootstrapAdmin(db, { email: "admin@example.com", password: "admin-password-1" });
    const admin = await loadActiveUser(db, (await db.user.findUniqueOrThrow({ where: { email: "admin@example.com" } })).id);
    const target = await db.user.findUniqueOrThrow({ where: { email } });
    const mallory = await loadActiveUser(db, (await db.user.findUniqueOrThrow({ where: { email: "steady@example.com" } })).id);
    await expect(unlockAccount(db, mallory, { userId: target.id }, new RateLimiter(db, rules()))).rejects.toBeInstanceOf(ForbiddenError);
    expect(await unlockAccount(db, admin, { userId: target.id }, new RateLimiter(db, rules()))).toBeGreaterThanOrEqual(2);

    for (const address of places) expect(await outcome(authenticate(db, { email, password: "the-right-password" }, ctx(address)))).toBe("ok");
    expect(await outcome(authenticate(db, { email: "victim@example.com", password: "the-right-password" }, ctx("203.0.113.7")))).toBe("limited");
  });

  it("lets only 5 of 20 parallel guesses reach the password check", async () => {
    const two = createDb(url);
    others.push(two);
    const a = ctx("203.0.113.8");
    const b = ctx("203.0.113.8", rules(), two);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => outcome(authenticate(i % 2 ? two : db, { email: "parallel@example.com", password: `guess-${i}` }, i % 2 ? b : a))),
    );
    expect(results.filter((r) => r === "wrong")).toHaveLength(5);
    expect(results.filter((r) => r === "limited")).toHaveLength(15);
  });

  it("forgets an account's failures after a successful log-in", async () => {
    const me = ctx("198.51.100.3");
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) expect(await outcome(authenticate(db, { email: "steady@example.com", password: "typo-password" }, me))).toBe("wrong");
      expect(await outcome(authenticate(db, { email: "steady@example.com", password: "the-right-password" }, me))).toBe("ok");
    }
  });

  it("limits failed log-ins per address across accounts, and not other addresses", async () => {
    const r = rules({ loginIp: rule(8, 900, 300) });
    const sprayer = ctx("203.0.113.9", r);
    const results: string[] = [];
    for (let i = 0; i < 12; i++) results.push(await outcome(authenticate(db, { email: `spray-${i}@example.com`, password: "password-1" }, sprayer)));
    expect(results).toEqual([...Array(8).fill("wrong"), ...Array(4).fill("limited")]);
    expect(await outcome(authenticate(db, { email: "spray-0@example.com", password: "password-1" }, ctx("203.0.113.10", r)))).toBe("wrong");
  });

  it("backs off: a second lock-out of the same key lasts twice as long", async () => {
    const r = rules({ loginAccount: rule(2, 60, 1) });
    const c = ctx("198.51.100.4", r);
    const fail = () => authenticate(db, { email: "backoff@example.com", password: "wrong-password" }, c).catch((e: unknown) => e);
    await fail();
    await fail();
    const first = await fail();
    expect(first).toBeInstanceOf(RateLimitedError);
    expect((first as RateLimitedError).retryAfterSeconds).toBe(1);
    await new Promise((res) => setTimeout(res, 1300));
    await fail();
    await fail();
    const second = await fail();
    expect(second).toBeInstanceOf(RateLimitedError);
    expect((second as RateLimitedError).retryAfterSeconds).toBe(2);
  });

  it("throttles sign-up attempts per address", async () => {
    const c = ctx("203.0.113.11", rules({ signupIp: rule(3, 3600, 600) }));
    for (let i = 0; i < 3; i++) await signUp(db, { email: `bulk-${i}@example.com`, password: "bulk-password" }, c);
    const err = await signUp(db, { email: "bulk-3@example.com", password: "bulk-password" }, c).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterSeconds).toBe(600);
    expect(await db.user.count({ where: { email: "bulk-3@example.com" } })).toBe(0);
  });
});
