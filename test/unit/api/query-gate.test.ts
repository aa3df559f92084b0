// The SQL endpoint's concurrency gate: per user (whatever token), and in all.
import { describe, expect, it } from "vitest";
import { QueryGate } from "@/lib/api/query-gate";
import { isAppError, type RateLimitedError } from "@/lib/errors";

function held(): { promise: Promise<void>; release: () => void } {
  let release = () => undefined as void;
  const promise = new Promise<void>((r) => (release = r));
  return { promise, release };
}

async function refusal(p: Promise<unknown>): Promise<RateLimitedError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAppError(err, "rate_limited")) throw new Error(`expected a 429, got ${String(err)}`);
  return err as RateLimitedError;
}

describe("QueryGate", () => {
  it("refuses a user's third query at once, with Retry-After, and lets another user run", async () => {
    const gate = new QueryGate({ perUser: 2, overall: 8 });
    const h = held();
    const running = [gate.run("alice", () => h.promise), gate.run("alice", () => h.promise)];
    const refused = await refusal(gate.run("alice", async () => undefined));
    expect([refused.status, refused.retryAfterSeconds]).toEqual([429, 1]);
    expect(refused.message).toMatch(/for this account \(at most 2\)/);
    expect(await gate.run("bob", async () => "ran")).toBe("ran");
    h.release();
    await Promise.all(running);
    expect(await gate.run("alice", async () => "again")).toBe("again");
  });

  it("refuses anyone past the server's total, and frees the slot after a failure", async () => {
    const gate = new QueryGate({ perUser: 2, overall: 3 });
    const h = held();
    const running = ["a", "b", "c"].map((u) => gate.run(u, () => h.promise));
    expect((await refusal(gate.run("d", async () => undefined))).message).toMatch(/on this server \(at most 3\)/);
    h.release();
    await Promise.all(running);
    await expect(gate.run("d", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await Promise.all(["d", "d"].map((u) => gate.run(u, async () => u)))).toEqual(["d", "d"]);
  });
});
