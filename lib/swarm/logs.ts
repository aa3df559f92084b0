// A Swarm service's logs as lines: the manager gathers them from the node
// that runs the task, in the same multiplexed frames as a container's.
import type Docker from "dockerode";
import { NotFoundError } from "@/lib/errors";
import { statusOf } from "@/lib/docker/client";
import { FrameDecoder } from "@/lib/docker/logs";
import type { LogLine } from "@/lib/stack/types";

async function open(docker: Docker, name: string, follow: boolean, tail: number): Promise<NodeJS.ReadableStream> {
  try {
    const svc = docker.getService(name);
    const opts = { stdout: true, stderr: true, tail, timestamps: true, details: false };
    return (follow ? await svc.logs({ ...opts, follow: true }) : await svc.logs({ ...opts, follow: false })) as unknown as NodeJS.ReadableStream;
  } catch (err) {
    if (statusOf(err) === 404) throw new NotFoundError(`${name} has no Swarm service yet.`);
    throw err;
  }
}

export async function* swarmServiceLogs(docker: Docker, name: string, opts: { tail: number; follow: boolean; signal?: AbortSignal }): AsyncGenerator<LogLine> {
  const decoder = new FrameDecoder();
  const stream = await open(docker, name, opts.follow, opts.tail);
  if (Buffer.isBuffer(stream)) {
    yield* decoder.push(stream, true);
    yield* decoder.flush(true);
    return;
  }
  const s = stream as NodeJS.ReadableStream & { destroy?: () => void };
  const onAbort = () => s.destroy?.();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    for await (const chunk of s) yield* decoder.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)), true);
    yield* decoder.flush(true);
  } catch (err) {
    if (!opts.signal?.aborted) throw err;
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
    s.destroy?.();
  }
}
