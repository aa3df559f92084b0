import { describe, expect, it } from "vitest";
import { MemoryWindowLimiter } from "@/lib/api/rate-limit";

describe("MemoryWindowLimiter", () => {
  it("allows the limit per window and key, then says when to come back", async () => {
    let now = 1_000_000;
    const l = new MemoryWindowLimiter({ points: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) expect((await l.consume("a")).allowed).toBe(true);
    now += 15_000;
    const denied = await l.consume("a");
    expect(denied).toEqual({ allowed: false, retryAfterSeconds: 45 });
    // another key has its own budget
    expect((await l.consume("b")).allowed).toBe(true);
    // a new window starts fresh
    now += 45_000;
    expect(await l.consume("a")).toEqual({ allowed: true, remaining: 2 });
  });

  it("never says to retry in less than a second", async () => {
    let now = 0;
    const l = new MemoryWindowLimiter({ points: 1, windowMs: 1000, now: () => now });
    await l.consume("k");
    now = 999;
    expect(await l.consume("k")).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it("remembers at most maxKeys keys, dropping expired and then the oldest", async () => {
    let now = 0;
    const l = new MemoryWindowLimiter({ points: 1, windowMs: 1000, maxKeys: 100, now: () => now });
    for (let i = 0; i < 1000; i++) {
      now += 1;
      await l.consume(`k${i}`);
      expect(l.size).toBeLessThanOrEqual(100);
    }
    // the newest key is still limited (its window was kept)
    expect((await l.consume("k999")).allowed).toBe(false);
  });

  it("refuses nonsense settings", () => {
    expect(() => new MemoryWindowLimiter({ points: 0, windowMs: 1000 })).toThrow(RangeError);
  });
});
