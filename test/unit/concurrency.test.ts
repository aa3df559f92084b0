import { describe, expect, it } from "vitest";
import { InvalidStateError } from "@/lib/errors";
import { Slots } from "@/lib/concurrency";

const tick = () => new Promise((r) => setImmediate(r));

describe("Slots (start admission)", () => {
  it("grants up to its size at once, then queues in order and hands slots over on release", async () => {
    const slots = new Slots(2);
    const order: string[] = [];
    const r1 = await slots.acquire();
    const r2 = await slots.acquire();
    const w3 = slots.acquire().then((r) => (order.push("third"), r));
    const w4 = slots.acquire().then((r) => (order.push("fourth"), r));
    await tick();
    expect(slots.running).toBe(2);
    expect(slots.waiting).toBe(2);
    expect(order).toEqual([]);
    r2();
    const r3 = await w3;
    expect(order).toEqual(["third"]);
    expect(slots.running).toBe(2);
    r1();
    const r4 = await w4;
    expect(order).toEqual(["third", "fourth"]);
    r3();
    r4();
    expect(slots.running).toBe(0);
    expect(slots.waiting).toBe(0);
  });

  it("releasing twice frees one slot only", async () => {
    const slots = new Slots(1);
    const r1 = await slots.acquire();
    r1();
    r1();
    expect(slots.running).toBe(0);
    const r2 = await slots.acquire();
    expect(slots.running).toBe(1);
    r2();
  });

  it("an abort while waiting leaves the queue and rejects; one already aborted never takes a slot", async () => {
    const slots = new Slots(1);
    const r1 = await slots.acquire();
    const abort = new AbortController();
    const waiting = slots.acquire(abort.signal);
    const after = slots.acquire();
    await tick();
    expect(slots.waiting).toBe(2);
    abort.abort();
    await expect(waiting).rejects.toBeInstanceOf(InvalidStateError);
    expect(slots.waiting).toBe(1);
    r1();
    const r2 = await after;
    expect(slots.running).toBe(1);
    await expect(slots.acquire(AbortSignal.abort())).rejects.toBeInstanceOf(InvalidStateError);
    expect(slots.waiting).toBe(0);
    r2();
    expect(slots.running).toBe(0);
  });

  it("refuses a size that is not a positive integer", () => {
    expect(() => new Slots(0)).toThrow(RangeError);
    expect(() => new Slots(1.5)).toThrow(RangeError);
  });
});
