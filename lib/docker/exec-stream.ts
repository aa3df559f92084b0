// Running a program inside a container through the engine's exec API and
// streaming its output: stdout as bytes with backpressure (a 1 GB tar must not
// pile up in memory while a slower consumer compresses and uploads it),
// stderr kept (bounded) for error messages, and the exit code.
import { Transform, type TransformCallback, type Duplex } from "node:stream";
import type Docker from "dockerode";
import { statusOf } from "@/lib/docker/client";
import { InvalidStateError } from "@/lib/errors";

const STDERR_KEEP = 16 * 1024;

/**
 * Splits the engine's multiplexed exec/attach stream (8-byte frame header:
 * stream id, 3 zero bytes, big-endian length) into stdout bytes; stderr is
 * collected. A Transform, so a slow reader slows the engine down.
 */
export class ExecDemux extends Transform {
  private buf: Buffer = Buffer.alloc(0);
  stderr = "";

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 8) {
      const size = this.buf.readUInt32BE(4);
      if (this.buf.length < 8 + size) break;
      const payload = this.buf.subarray(8, 8 + size);
      if (this.buf[0] === 2) {
        if (this.stderr.length < STDERR_KEEP) this.stderr += payload.toString("utf8");
      } else if (this.buf[0] === 1) {
        this.push(Buffer.from(payload));
      }
      this.buf = this.buf.subarray(8 + size);
    }
    cb();
  }

  override _flush(cb: TransformCallback): void {
    cb(this.buf.length ? new InvalidStateError("The engine's output stream ended inside a frame.") : undefined);
  }
}

export interface ExecHandle {
  /** stdout, demultiplexed */
  stdout: ExecDemux;
  /** The raw hijacked connection: write stdin here, end() closes it. */
  socket: Duplex;
  /** Resolves with the exit code once the program has ended and its output is read. */
  exitCode(): Promise<number>;
  stderr(): string;
}

export async function startExec(
  docker: Docker,
  containerName: string,
  cmd: string[],
  opts: { user?: string; env?: string[]; stdin?: boolean } = {},
): Promise<ExecHandle> {
  let exec: Docker.Exec;
  try {
    exec = await docker
      .getContainer(containerName)
      .exec({ Cmd: cmd, User: opts.user, Env: opts.env, AttachStdin: !!opts.stdin, AttachStdout: true, AttachStderr: true, Tty: false });
  } catch (err) {
    if (statusOf(err) === 409 || statusOf(err) === 404) throw new InvalidStateError(`${containerName} is not running.`);
    throw err;
  }
  const socket = (await exec.start({ hijack: true, stdin: !!opts.stdin })) as unknown as Duplex;
  const stdout = new ExecDemux();
  socket.pipe(stdout);
  socket.on("error", (err) => stdout.destroy(err));
  const ended = new Promise<void>((resolve) => {
    stdout.on("end", resolve);
    stdout.on("close", resolve);
    stdout.on("error", () => resolve());
  });
  return {
    stdout,
    socket,
    stderr: () => stdout.stderr,
    async exitCode() {
      await ended;
      // The stream can end a moment before the engine records the exit code.
      for (let i = 0; i < 200; i++) {
        const info = await exec.inspect();
        if (!info.Running && info.ExitCode !== null) return info.ExitCode;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new InvalidStateError(`${cmd[0]} in ${containerName} did not report an exit code.`);
    },
  };
}

/** Runs a program to the end with `input` on stdin; returns its stdout as text. Fails on a non-zero exit. */
export async function runExec(
  docker: Docker,
  containerName: string,
  cmd: string[],
  opts: { user?: string; env?: string[]; input?: string } = {},
): Promise<string> {
  const h = await startExec(docker, containerName, cmd, { ...opts, stdin: opts.input !== undefined });
  if (opts.input !== undefined) h.socket.end(opts.input);
  const out: Buffer[] = [];
  h.stdout.on("data", (d: Buffer) => out.push(d));
  const code = await h.exitCode();
  if (code !== 0) throw new InvalidStateError(`${cmd[0]} failed in ${containerName} (exit ${code}): ${h.stderr().trim().slice(0, 1000)}`);
  return Buffer.concat(out).toString("utf8");
}
