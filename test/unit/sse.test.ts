import { describe, expect, it } from "vitest";
import { RateLimitedError } from "@/lib/errors";
import { acquireStreamSlot, openStreamCount, sseResponse } from "@/lib/sse";

async function readAll(res: Response, timeoutMs = 2000): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), new Promise<"timeout">((r) => setTimeout(() => r("timeout"), deadline - Date.now()))]);
    if (chunk === "timeout") throw new Error(`stream still open after ${timeoutMs} ms; got: ${text}`);
    if (chunk.done) return text;
    text += decoder.decode(chunk.value);
  }
  throw new Error(`stream still open after ${timeoutMs} ms; got: ${text}`);
}

describe("live streams", () => {
  it("caps the streams one user holds at once, and frees a slot on release", () => {
    const a = acquireStreamSlot("user-cap", 2);
    const b = acquireStreamSlot("user-cap", 2);
    let refused: unknown;
    try {
      acquireStreamSlot("user-cap", 2);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterSeconds).toBeGreaterThan(0);
    // another user is not affected
    acquireStreamSlot("someone-else", 2).release();
    a.release();
    a.release(); // idempotent
    expect(openStreamCount("user-cap")).toBe(1);
    acquireStreamSlot("user-cap", 2).release();
    b.release();
    expect(openStreamCount("user-cap")).toBe(0);
  });

  it("ends an open stream once its user is no longer allowed (disabled since it opened), and releases its slot", async () => {
    let allowed = true;
    let cleaned = 0;
    const slot = acquireStreamSlot("user-disabled", 1);
    const res = sseResponse(
      new AbortController().signal,
      (send) => {
        send("status", { ok: true });
        return () => void cleaned++;
      },
      { stillAllowed: async () => allowed, recheckMs: 20, onClose: slot.release },
    );
    setTimeout(() => (allowed = false), 100);
    const text = await readAll(res);
    expect(text).toContain("event: status");
    expect(text).toContain('event: end\ndata: {"reason":"signed_out"}');
    expect(cleaned).toBe(1);
    expect(openStreamCount("user-disabled")).toBe(0);
  });

  it("releases the slot when the client goes away", async () => {
    const abort = new AbortController();
    const slot = acquireStreamSlot("user-leaves", 1);
    sseResponse(abort.signal, () => undefined, { onClose: slot.release });
    expect(openStreamCount("user-leaves")).toBe(1);
    abort.abort();
    expect(openStreamCount("user-leaves")).toBe(0);
  });

  it("drops a stream whose client does not read, freeing what it held and stopping its producer", async () => {
    let stopped = 0;
    let produced = 0;
    let closed = false;
    const line = "x".repeat(1000);
    const res = sseResponse(
      new AbortController().signal,
      (send) => {
        // A producer as fast as a busy service's log: 20 MB offered, nobody reading.
        const timer = setInterval(() => {
          for (let i = 0; i < 1000; i++) {
            produced++;
            send("log", { line });
          }
        }, 1);
        return () => {
          clearInterval(timer);
          stopped++;
        };
      },
      { maxQueuedBytes: 256 * 1024, onClose: () => (closed = true) },
    );
    const deadline = Date.now() + 5000;
    while (!closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(closed).toBe(true);
    expect(stopped).toBe(1);
    // It stopped within a bounded amount: the budget plus one burst, not what the producer could offer.
    expect(produced * line.length).toBeLessThan(2 * 1024 * 1024);
    // The reader sees an error, not a stream that is silently cut short.
    await expect(res.body!.getReader().read()).rejects.toThrow(/does not read/);
  });

  it("keeps a stream whose client reads, however much passes through", async () => {
    let stopped = 0;
    const res = sseResponse(
      new AbortController().signal,
      (send, close) => {
        for (let i = 0; i < 2000; i++) send("log", { line: "y".repeat(1000) });
        close();
        return () => void stopped++;
      },
      { maxQueuedBytes: 16 * 1024 * 1024 },
    );
    const text = await readAll(res);
    expect(text.split("event: log").length - 1).toBe(2000);
    expect(stopped).toBe(1);
  });
});
