// Runs a service's own health-check command inside its container, now, the
// way the engine's health checker does (exec, exit code 0 = healthy). During
// a start this replaces waiting for the engine's schedule: Docker 20.10 runs
// the first check one full interval after start (30 s for realtime), while
// the service is often ready within a second or two.
import type Docker from "dockerode";
import { statusOf } from "@/lib/docker/client";
import { inspectOrNull } from "@/lib/docker/containers";
import { logTail } from "@/lib/docker/logs";
import { StackTimeoutError } from "@/lib/errors";

export interface ProbeResult {
  ok: boolean;
  output: string;
}

/** The exec command for a Docker healthcheck test (["CMD", …] or ["CMD-SHELL", "…"]); null for none. */
export function probeCommand(test: string[]): string[] | null {
  const [kind, ...rest] = test;
  if (kind === "CMD" && rest.length) return rest;
  if (kind === "CMD-SHELL" && rest.length === 1) return ["/bin/sh", "-c", rest[0]!];
  return null;
}

export async function probeOnce(docker: Docker, containerName: string, test: string[], timeoutMs: number): Promise<ProbeResult> {
  const cmd = probeCommand(test);
  if (!cmd) return { ok: false, output: `unsupported health check ${JSON.stringify(test)}` };
  let exec: Docker.Exec;
  try {
    exec = await docker.getContainer(containerName).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  } catch (err) {
    // 409: not running (yet, or any more); the caller reads the state itself.
    if (statusOf(err) === 409 || statusOf(err) === 404) return { ok: false, output: "container not running" };
    throw err;
  }
  const stream = (await exec.start({ hijack: true, stdin: false })) as NodeJS.ReadableStream & { destroy(): void };
  let output = "";
  const finished = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      stream.destroy();
      resolve(false);
    }, timeoutMs);
    stream.on("data", (d: Buffer) => {
      if (output.length < 2000) output += d.toString("utf8");
    });
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    stream.on("end", done);
    stream.on("close", done);
    stream.on("error", done);
  });
  if (!finished) return { ok: false, output: `timed out after ${timeoutMs} ms` };
  // The stream can end a moment before the engine records the exit code.
  for (let i = 0; i < 20; i++) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return { ok: info.ExitCode === 0, output: output.replace(/[\x00-\x08]/g, "").trim() };
    await new Promise((r) => setTimeout(r, 25));
  }
  return { ok: false, output: "the check did not report an exit code" };
}

/**
 * Until a lone container (not part of a start: a seed's or an upgrade's
 * database) passes its check, probed every 250 ms. Fails at once when it stops
 * running, with its last lines, and with StackTimeoutError at the deadline.
 */
export async function untilProbeOk(
  docker: Docker,
  name: string,
  test: string[],
  o: { deadlineMs: number; label: string; stopped: (state: string) => string },
): Promise<void> {
  const deadline = Date.now() + o.deadlineMs;
  while (Date.now() < deadline) {
    const state = (await inspectOrNull(docker, name))?.State.Status ?? null;
    if (state !== "running") {
      const lines = await logTail(docker, name, 20).catch((err: unknown) => `(no logs: ${err instanceof Error ? err.message : String(err)})`);
      throw new Error(`${o.stopped(state ?? "vanished")}: ${lines}`);
    }
    if ((await probeOnce(docker, name, test, 5_000)).ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new StackTimeoutError([o.label], o.deadlineMs / 1000);
}
