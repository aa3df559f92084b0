// Server-sent events over a web ReadableStream, closed when the client goes.
// Streams are long-lived and cost a timer, a subscription or a Docker log
// follow each, so one user may hold only a few at once (acquireStreamSlot),
// and every open stream re-checks its session: a user disabled by an admin
// stops receiving within one re-check interval.
import { RateLimitedError } from "@/lib/errors";

export type SseSend = (event: string, data: unknown, id?: string) => void;

/** Idle proxies (nginx: 60 s by default) cut silent streams; a comment line keeps them open. */
const HEARTBEAT_MS = 15_000;
/** How often an open stream asks whether its user may still see it. */
export const RECHECK_MS = 15_000;
/**
 * What a stream may hold for a client that does not read (bytes). Producers
 * (a Docker log follow) push as fast as their source goes; a client that never
 * reads would otherwise grow the app's memory by the log rate. Past it the
 * stream is dropped, its queue freed and its producer stopped; EventSource
 * reconnects by itself (with Last-Event-ID) if the client is merely slow.
 */
export const MAX_QUEUED_BYTES = 1 << 20;

export interface SseOptions {
  /** Resolves false when the user behind the stream lost access (disabled, removed). */
  stillAllowed?: () => Promise<boolean>;
  recheckMs?: number;
  /** Runs once when the stream ends, whatever ended it. */
  onClose?: () => void;
  /** Default MAX_QUEUED_BYTES. */
  maxQueuedBytes?: number;
}

const g = globalThis as unknown as { supafleetStreams?: Map<string, number> };
const openStreams = (g.supafleetStreams ??= new Map<string, number>());

/**
 * Takes one of `limit` stream slots of `userId` (in this process) or throws
 * RateLimitedError. release() is idempotent.
 */
export function acquireStreamSlot(userId: string, limit: number): { release(): void } {
  const n = openStreams.get(userId) ?? 0;
  if (n >= limit) throw new RateLimitedError(5, "open live views (close other tabs of this account)");
  openStreams.set(userId, n + 1);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      const left = (openStreams.get(userId) ?? 1) - 1;
      if (left > 0) openStreams.set(userId, left);
      else openStreams.delete(userId);
    },
  };
}

export function openStreamCount(userId: string): number {
  return openStreams.get(userId) ?? 0;
}

export function sseResponse(signal: AbortSignal, start: (send: SseSend, close: () => void) => (() => void) | void, opts: SseOptions = {}): Response {
  const encoder = new TextEncoder();
  let cleanup: (() => void) | void;
  let closed = false;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let recheck: ReturnType<typeof setInterval> | undefined;
  let onClose = opts.onClose;
  const stop = () => {
    if (heartbeat) clearInterval(heartbeat);
    if (recheck) clearInterval(recheck);
    const fn = cleanup;
    cleanup = undefined;
    fn?.();
    const done = onClose;
    onClose = undefined;
    done?.();
  };
  const maxQueued = opts.maxQueuedBytes ?? MAX_QUEUED_BYTES;
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const write = (text: string) => {
          if (closed) return;
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            // The consumer went away between the check and the write.
            closed = true;
            stop();
            return;
          }
          // desiredSize = high-water mark - queued bytes: far below zero means a client that does not read.
          if ((controller.desiredSize ?? 0) < -maxQueued) {
            closed = true;
            stop();
            // error(), not close(): close() would keep the queue until it is read, which it never is.
            controller.error(new Error("client does not read: stream dropped"));
          }
        };
        const close = () => {
          if (closed) return;
          closed = true;
          stop();
          try {
            controller.close();
          } catch {
            // already closed by the client
          }
        };
        // `id:` lets EventSource resume with Last-Event-ID after a reconnect.
        const send: SseSend = (event, data, id) => write(`${id ? `id: ${id}\n` : ""}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        if (signal.aborted) {
          close();
          return;
        }
        signal.addEventListener("abort", close, { once: true });
        heartbeat = setInterval(() => write(": keep-alive\n\n"), HEARTBEAT_MS);
        if (opts.stillAllowed) {
          const allowed = opts.stillAllowed;
          recheck = setInterval(() => {
            allowed().then(
              (ok) => {
                if (ok) return;
                send("end", { reason: "signed_out" });
                close();
              },
              () => undefined, // a failed check (database busy) is retried at the next tick
            );
          }, opts.recheckMs ?? RECHECK_MS);
        }
        cleanup = start(send, close);
        // start() may have closed the stream synchronously; run its cleanup too.
        if (closed) stop();
      },
      cancel() {
        closed = true;
        stop();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }),
  );
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
}
