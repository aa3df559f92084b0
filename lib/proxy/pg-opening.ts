// The first bytes of a connection to the shared Postgres port
// (lib/proxy/pg-router.ts), read with one deadline for the whole opening
// (SSLRequest and ClientHello) and a bound on what is kept.
import type { Socket } from "node:net";
import { MAX_OPENING_BYTES } from "@/lib/proxy/pg-sni";

/** The client's first bytes, read with one deadline for the whole opening and a bound on what is kept. */
export class Opening {
  private chunks: Buffer[] = [];
  private size = 0;
  private waiter: { need: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | undefined;
  private failed: Error | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly onData = (d: Buffer) => {
    this.chunks.push(d);
    this.size += d.length;
    if (this.size > MAX_OPENING_BYTES + 8) return this.fail(new Error("too much before a hello"));
    this.wake();
  };
  private readonly onEnd = () => this.fail(new Error("the client left"));

  constructor(
    private readonly socket: Socket,
    ms: number,
  ) {
    this.timer = setTimeout(() => this.fail(new Error("no hello in time")), ms);
    socket.on("data", this.onData);
    socket.once("end", this.onEnd);
    socket.once("close", this.onEnd);
  }

  get buffered(): number {
    return this.size;
  }

  get bytes(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  consume(n: number): void {
    const rest = this.bytes.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.size = rest.length;
  }

  /** Resolves once `need` bytes are buffered. */
  atLeast(need: number): Promise<Buffer> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.size >= need) return Promise.resolve(this.bytes);
    return new Promise((resolve, reject) => {
      this.waiter = { need, resolve, reject };
    });
  }

  done(): void {
    clearTimeout(this.timer);
    this.socket.off("data", this.onData);
    this.socket.off("end", this.onEnd);
    this.socket.off("close", this.onEnd);
  }

  private wake(): void {
    const w = this.waiter;
    if (w && this.size >= w.need) {
      this.waiter = undefined;
      w.resolve(this.bytes);
    }
  }

  private fail(err: Error): void {
    this.failed ??= err;
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(err);
  }
}
