// Server-sent events over a web ReadableStream, closed when the client goes.

export type SseSend = (event: string, data: unknown, id?: string) => void;

/** Idle proxies (nginx: 60 s by default) cut silent streams; a comment line keeps them open. */
const HEARTBEAT_MS = 15_000;

export function sseResponse(signal: AbortSignal, start: (send: SseSend, close: () => void) => (() => void) | void): Response {
  const encoder = new TextEncoder();
  let cleanup: (() => void) | void;
  let closed = false;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    if (heartbeat) clearInterval(heartbeat);
    const fn = cleanup;
    cleanup = undefined;
    fn?.();
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          // The consumer went away between the check and the write.
          closed = true;
          stop();
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
      cleanup = start(send, close);
      // start() may have closed the stream synchronously; run its cleanup too.
      if (closed) stop();
    },
    cancel() {
      closed = true;
      stop();
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
}
