// Counts what a project's database sends back for a Management API query on
// the socket itself, before node-postgres parses it: the header of every
// backend message (a type byte and a length; PostgreSQL's protocol,
// "Message Formats") is read as it arrives, so a result past the budget is
// stopped at the message that would cross it, before its body is buffered.
// node-postgres would otherwise buffer a whole message (up to 1 GB for one
// field) and keep every row of every statement of a simple query until the
// end.
//
// Counted: DataRow ('D') bytes over the whole request, rows per result set
// (a RowDescription 'T' starts one), and any single message (notices and
// errors too) larger than the byte budget.
//
// The app reaches the project's Supavisor in plain text on the host's
// loopback (lib/api/index.ts databaseHost), so the socket carries the
// protocol itself; a TLS connection would hide it, and runSql asks for none.
import net from "node:net";

export type GuardStop = { kind: "bytes"; limit: number } | { kind: "rows"; limit: number };

export interface WireGuardLimits {
  /** DataRow bytes, as sent on the wire, over the whole request. */
  maxResultBytes: number;
  /** Rows of one statement's result. */
  maxRows: number;
}

const HEADER = 5;
const DATA_ROW = 0x44; // 'D'
const ROW_DESCRIPTION = 0x54; // 'T'

export class WireGuard {
  /** The socket node-postgres is given (ClientConfig.stream): this guard's listener runs before the parser's. */
  readonly socket: net.Socket;
  private readonly header = Buffer.alloc(HEADER);
  private headerFill = 0;
  private bodyLeft = 0;
  private bytes = 0;
  private rows = 0;
  private stop: GuardStop | undefined;

  constructor(
    private readonly limits: WireGuardLimits,
    private readonly onStop: (stop: GuardStop) => void,
  ) {
    this.socket = new net.Socket();
    // Attached now, before node-postgres attaches its parser on 'connect'.
    this.socket.on("data", (chunk: Buffer) => this.read(chunk));
  }

  /** Why the guard stopped the connection, if it did. */
  get stopped(): GuardStop | undefined {
    return this.stop;
  }

  private read(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length && !this.stop) {
      if (this.bodyLeft > 0) {
        const n = Math.min(this.bodyLeft, chunk.length - i);
        this.bodyLeft -= n;
        i += n;
        continue;
      }
      const n = Math.min(HEADER - this.headerFill, chunk.length - i);
      chunk.copy(this.header, this.headerFill, i, i + n);
      this.headerFill += n;
      i += n;
      if (this.headerFill < HEADER) return;
      this.headerFill = 0;
      const length = this.header.readUInt32BE(1); // counts itself, not the type byte
      this.bodyLeft = length - 4;
      this.message(this.header[0], length + 1);
    }
  }

  private message(type: number | undefined, size: number): void {
    if (size > this.limits.maxResultBytes) return this.halt({ kind: "bytes", limit: this.limits.maxResultBytes });
    if (type === ROW_DESCRIPTION) {
      this.rows = 0;
    } else if (type === DATA_ROW) {
      this.rows += 1;
      this.bytes += size;
      if (this.rows > this.limits.maxRows) return this.halt({ kind: "rows", limit: this.limits.maxRows });
      if (this.bytes > this.limits.maxResultBytes) return this.halt({ kind: "bytes", limit: this.limits.maxResultBytes });
    }
  }

  /** Stops reading at once: the rest of this chunk still reaches node-postgres (at most one socket read), nothing after it. */
  private halt(stop: GuardStop): void {
    this.stop = stop;
    this.socket.destroy();
    this.onStop(stop);
  }
}
