// The installation's Postgres front door: one shared port (5432 by default)
// that sends each connection to its project's pooler by the TLS server name
// the client dialled (`<ref>.<domain>`, `db.<ref>.<domain>`, or an active
// custom hostname), as Supabase's pooler hosts are reached on 5432. It never
// terminates TLS: it answers the client's SSLRequest with 'S', reads the
// ClientHello (lib/proxy/pg-sni.ts), opens the project's pooler port, makes
// its own SSLRequest there and hands the buffered ClientHello over, so the
// handshake is end to end with the project's own pooler certificate
// (lib/crypto/pooler-ca.ts) and the router sees only ciphertext after it.
//
// Every read before the pipe has a deadline, buffers are bounded, and
// connections are capped per source address and in all. Whatever is refused
// gets a Postgres ErrorResponse (before TLS) or a TLS alert (mid-handshake),
// then the socket is closed.
import net, { type AddressInfo, type Socket } from "node:net";
import { Opening } from "@/lib/proxy/pg-opening";
import { classifyOpening, errorResponse, MAX_OPENING_BYTES, parseClientHello, sslRequest, tlsAlert } from "@/lib/proxy/pg-sni";

/** Where a server name leads: a pooler to connect to, or a refusal the client hears as a TLS alert. */
export type PgRouteAnswer =
  /** `retryMs`: the project is waking; its pooler may refuse for that long yet, so the router tries again until then. */
  { kind: "route"; host: string; port: number; retryMs?: number } | { kind: "refuse"; reason: "unknown_host" | "unavailable" };

export interface PgRouterLimits {
  /** Open connections from one source address. */
  perAddress: number;
  /** Open connections in all. */
  total: number;
  /** Time for the client's SSLRequest and ClientHello. */
  openingMs: number;
  /** Time for the route (a wake included). */
  routeMs: number;
  /** Time for the pooler to accept and answer its SSLRequest. */
  upstreamMs: number;
}

export const DEFAULT_PG_ROUTER_LIMITS: PgRouterLimits = {
  perAddress: 100,
  total: 2_000,
  openingMs: 10_000,
  // The HTTP wake gate holds a client 25 s (lib/proxy/wake-protocol.ts); a little more for the lookups around it.
  routeMs: 30_000,
  upstreamMs: 5_000,
};

export interface PgRouterOptions {
  listen: { host: string; port: number };
  route(serverName: string): Promise<PgRouteAnswer>;
  limits?: Partial<PgRouterLimits>;
  /** Problems worth an operator's eye (a pooler that does not answer); strangers' bad input is not logged. */
  warn?: (line: string) => void;
}

const RETRY_MS = 500;

const NO_TLS_MESSAGE =
  "Supafleet's Postgres port routes by TLS server name: connect with sslmode=require (or stronger) to <ref>.<domain>, or use the project's own pooler port";

export class PgRouter {
  private server: net.Server | undefined;
  private readonly limits: PgRouterLimits;
  private readonly perAddress = new Map<string, number>();
  private open = 0;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly opts: PgRouterOptions) {
    this.limits = { ...DEFAULT_PG_ROUTER_LIMITS, ...opts.limits };
  }

  /** Listens; rejects when the port cannot be bound (EADDRINUSE, EACCES). */
  async start(): Promise<AddressInfo> {
    const server = net.createServer((socket) => this.accept(socket));
    server.maxConnections = this.limits.total;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.opts.listen.port, this.opts.listen.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", (err) => this.opts.warn?.(`Postgres front door: ${err.message}`));
    this.server = server;
    return server.address() as AddressInfo;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The port it listens on (0 before start). */
  get port(): number {
    const a = this.server?.address();
    return a && typeof a === "object" ? a.port : 0;
  }

  /** Open client connections (for tests and the admin's figures). */
  get connections(): number {
    return this.open;
  }

  private accept(client: Socket): void {
    const address = client.remoteAddress ?? "?";
    const mine = this.perAddress.get(address) ?? 0;
    if (mine >= this.limits.perAddress || this.open >= this.limits.total) {
      client.end(errorResponse("53300", "too many connections to this Postgres port from your address"));
      client.destroySoon();
      return;
    }
    this.perAddress.set(address, mine + 1);
    this.open++;
    this.sockets.add(client);
    client.once("close", () => {
      this.sockets.delete(client);
      this.open--;
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left > 0) this.perAddress.set(address, left);
      else this.perAddress.delete(address);
    });
    client.on("error", () => client.destroy());
    void this.handle(client).catch((err: unknown) => {
      this.opts.warn?.(`Postgres front door: ${err instanceof Error ? err.message : String(err)}`);
      client.destroy();
    });
  }

  private async handle(client: Socket): Promise<void> {
    const opening = new Opening(client, this.limits.openingMs);
    let hello: Buffer;
    let serverName: string;
    try {
      // Until the client names a host: the SSLRequest (or a direct ClientHello), then the ClientHello.
      let tlsStarted = false;
      for (;;) {
        const kind = tlsStarted ? "direct-tls" : classifyOpening(await opening.atLeast(opening.buffered || 1)).kind;
        if (kind === "incomplete") {
          await opening.atLeast(opening.buffered + 1);
          continue;
        }
        if (kind === "ssl-request") {
          opening.consume(8);
          client.write("S");
          tlsStarted = true;
          continue;
        }
        if (kind === "gss-request") {
          // No GSSAPI encryption here: 'N', and the client goes on to its SSLRequest (as PostgreSQL answers).
          opening.consume(8);
          client.write("N");
          continue;
        }
        if (kind === "startup") return refuseBeforeTls(client, "28000", NO_TLS_MESSAGE);
        if (kind !== "direct-tls") return void client.destroy(); // cancel requests cannot be routed without a name; garbage
        const verdict = parseClientHello(opening.bytes);
        if (verdict.kind === "incomplete") {
          if (opening.buffered >= MAX_OPENING_BYTES) return void client.destroy();
          await opening.atLeast(opening.buffered + 1);
          continue;
        }
        if (verdict.kind === "invalid") return void client.destroy();
        if (!verdict.serverName) return refuseInTls(client, "unrecognized_name");
        serverName = verdict.serverName;
        hello = opening.bytes;
        break;
      }
    } catch {
      // The deadline passed, the client left, or it sent more than a hello may be.
      return void client.destroy();
    } finally {
      // Paused before the reader lets go: whatever the client sends next waits in the socket for the pipe.
      client.pause();
      opening.done();
    }
    const answer = await withDeadline(this.opts.route(serverName), this.limits.routeMs);
    if (client.destroyed) return;
    // A host this installation does not serve: unrecognized_name; a project that cannot take connections now: handshake_failure.
    if (!answer) return refuseInTls(client, "internal_error");
    if (answer.kind === "refuse") return refuseInTls(client, answer.reason === "unknown_host" ? "unrecognized_name" : "handshake_failure");
    const upstream = await this.upstreamFor(answer, () => client.destroyed).catch((err: unknown) => {
      this.opts.warn?.(`Postgres front door: the pooler for ${serverName} at ${answer.host}:${answer.port} did not accept TLS: ${String(err)}`);
      return null;
    });
    if (!upstream) return refuseInTls(client, "internal_error");
    if (client.destroyed) return void upstream.destroy();
    upstream.write(hello);
    client.pipe(upstream);
    upstream.pipe(client);
    upstream.once("close", () => client.destroy());
    client.once("close", () => upstream.destroy());
    client.resume();
  }

  /** The pooler's connection; for a waking project, tried again every half second until `retryMs` has passed. */
  private async upstreamFor(answer: { host: string; port: number; retryMs?: number }, gone: () => boolean): Promise<Socket> {
    const deadline = Date.now() + (answer.retryMs ?? 0);
    for (;;) {
      try {
        return await this.connectUpstream(answer.host, answer.port);
      } catch (err) {
        if (gone() || Date.now() + RETRY_MS >= deadline) throw err;
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  }

  /** Connects to a pooler and has it agree to TLS ('S' to our SSLRequest). */
  private connectUpstream(host: string, port: number): Promise<Socket> {
    return new Promise<Socket>((resolve, reject) => {
      const upstream = net.connect({ host, port });
      const fail = (why: string) => {
        clearTimeout(timer);
        upstream.destroy();
        reject(new Error(why));
      };
      const timer = setTimeout(() => fail("no answer in time"), this.limits.upstreamMs);
      upstream.once("error", (err) => fail(err.message));
      // A published port whose container is not listening yet accepts and closes at once.
      upstream.once("close", () => fail("closed before answering"));
      upstream.once("connect", () => upstream.write(sslRequest()));
      upstream.once("data", (d: Buffer) => {
        // Exactly 'S', and nothing after it before the handshake (CVE-2021-23222's lesson: no bytes may ride along).
        if (d.length !== 1 || d[0] !== 0x53) return fail(`answered ${JSON.stringify(d.subarray(0, 1).toString("latin1"))} instead of 'S'`);
        clearTimeout(timer);
        upstream.removeAllListeners("error");
        upstream.removeAllListeners("close");
        upstream.on("error", () => upstream.destroy());
        upstream.pause();
        resolve(upstream);
      });
    });
  }
}

function refuseBeforeTls(client: Socket, sqlState: string, message: string): void {
  client.end(errorResponse(sqlState, message));
  client.destroySoon();
}

function refuseInTls(client: Socket, alert: "unrecognized_name" | "handshake_failure" | "internal_error"): void {
  if (client.destroyed) return;
  client.end(tlsAlert(alert));
  client.destroySoon();
}

/** The promise's value, or null when it fails or takes longer than `ms`. */
function withDeadline<T>(p: Promise<T>, ms: number): Promise<T | null> {
  return new Promise<T | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(null);
      },
    );
  });
}
