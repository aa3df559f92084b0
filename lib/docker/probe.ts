// Runs a service's own health-check command inside its container, now, the
// way the engine's health checker does (exec, exit code 0 = healthy). During
// a start this replaces waiting for the engine's schedule: Docker 20.10 runs
// the first check one full interval after start (30 s for realtime), while
// the service is often ready within a second or two.
import type Docker from "dockerode";
import { statusOf } from "@/lib/docker/client";

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
