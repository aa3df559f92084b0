// Container logs as lines. Non-TTY containers multiplex stdout/stderr in
// frames: 8-byte header (stream id, 3 zero bytes, big-endian length).
import type Docker from "dockerode";
import { NotFoundError } from "@/lib/errors";
import { statusOf } from "@/lib/docker/client";

async function openLogs<T>(fn: () => Promise<T>, containerName: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    // While a project is coming up (or after delete) a service may have no container.
    if (statusOf(err) === 404) throw new NotFoundError(`${containerName} has no container yet.`);
    throw err;
  }
}

import type { LogLine } from "@/lib/stack/types";

export type { LogLine } from "@/lib/stack/types";

/** Splits a chunk sequence of multiplexed frames into lines (stateful). */
export class FrameDecoder {
  private buf = Buffer.alloc(0);
  private partial: Record<"stdout" | "stderr", string> = { stdout: "", stderr: "" };

  push(chunk: Buffer, timestamps: boolean): LogLine[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: LogLine[] = [];
    while (this.buf.length >= 8) {
      const size = this.buf.readUInt32BE(4);
      if (this.buf.length < 8 + size) break;
      const stream = this.buf[0] === 2 ? "stderr" : "stdout";
      const text = this.partial[stream] + this.buf.subarray(8, 8 + size).toString("utf8");
      this.buf = this.buf.subarray(8 + size);
      const lines = text.split("\n");
      this.partial[stream] = lines.pop() ?? "";
      for (const l of lines) out.push(toLine(stream, l, timestamps));
    }
    return out;
  }

  flush(timestamps: boolean): LogLine[] {
    const out: LogLine[] = [];
    for (const stream of ["stdout", "stderr"] as const) {
      if (this.partial[stream]) out.push(toLine(stream, this.partial[stream], timestamps));
      this.partial[stream] = "";
    }
    return out;
  }
}

function toLine(stream: "stdout" | "stderr", raw: string, timestamps: boolean): LogLine {
  if (timestamps) {
    const sp = raw.indexOf(" ");
    if (sp > 0) return { stream, time: raw.slice(0, sp), line: raw.slice(sp + 1) };
  }
  return { stream, line: raw };
}

export async function* containerLogs(
  docker: Docker,
  containerName: string,
  opts: { tail: number; follow: boolean; signal?: AbortSignal },
): AsyncGenerator<LogLine> {
  const container = docker.getContainer(containerName);
  const decoder = new FrameDecoder();
  if (!opts.follow) {
    const buf = (await openLogs(
      () => container.logs({ follow: false, stdout: true, stderr: true, tail: opts.tail, timestamps: true }),
      containerName,
    )) as unknown as Buffer;
    yield* decoder.push(buf, true);
    yield* decoder.flush(true);
    return;
  }
  const stream = (await openLogs(
    () => container.logs({ follow: true, stdout: true, stderr: true, tail: opts.tail, timestamps: true }),
    containerName,
  )) as unknown as NodeJS.ReadableStream & { destroy(): void };
  const onAbort = () => stream.destroy();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    for await (const chunk of stream) {
      yield* decoder.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)), true);
    }
    yield* decoder.flush(true);
  } catch (err) {
    // Destroying the stream on abort ends the iteration with an error; that is the normal stop.
    if (!opts.signal?.aborted) throw err;
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
    stream.destroy();
  }
}

/** The last lines of a container's output, for error messages. */
export async function logTail(docker: Docker, containerName: string, lines = 30): Promise<string> {
  const out: string[] = [];
  for await (const l of containerLogs(docker, containerName, { tail: lines, follow: false })) out.push(l.line);
  return out.join("\n").slice(-4000);
}
