// The shared Postgres port (lib/proxy/pg-router.ts) on loopback, in front of
// a pooler double that behaves as Supavisor does with a certificate (answers
// SSLRequest with 'S', then TLS with the project's certificate from a pooler
// CA): routing by server name through the SSLRequest and directly (PG17),
// refusals as TLS alerts or Postgres errors, deadlines, and the per-address cap.
import net, { type AddressInfo, type Socket } from "node:net";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPoolerCa, poolerCertificate } from "@/lib/crypto/pooler-ca";
import { PgRouter, type PgRouteAnswer, type PgRouterLimits } from "@/lib/proxy/pg-router";
import { sslRequest } from "@/lib/proxy/pg-sni";

const ca = createPoolerCa();
const cert = poolerCertificate(ca, ["abcdefghijklmnopqrst.example.test", "db.abcdefghijklmnopqrst.example.test"]);

/** A pooler double: 'S' (or `answer`) to the SSLRequest, then TLS, then it says which name the client dialled. */
async function startPooler(answer = "S", listenPort = 0): Promise<{ port: number; close(): void }> {
  const server = net.createServer((raw) => {
    raw.once("data", (d: Buffer) => {
      if (!d.equals(sslRequest())) return void raw.destroy();
      raw.write(answer);
      if (answer !== "S") return void raw.end();
      const secure = new tls.TLSSocket(raw, { isServer: true, cert: cert.certPem, key: cert.keyPem, ALPNProtocols: ["postgresql"] });
      secure.on("error", () => raw.destroy());
      secure.on("secure", () => secure.end(`pooler saw ${(secure as unknown as { servername?: string }).servername}`));
    });
    raw.on("error", () => undefined);
  });
  await new Promise<void>((r) => server.listen(listenPort, "127.0.0.1", r));
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

let pooler: { port: number; close(): void };
let refusing: { port: number; close(): void };

beforeAll(async () => {
  pooler = await startPooler();
  refusing = await startPooler("N");
});
afterAll(() => {
  pooler.close();
  refusing.close();
});

async function withRouter(route: (name: string) => Promise<PgRouteAnswer>, limits: Partial<PgRouterLimits>, fn: (port: number, r: PgRouter) => Promise<void>) {
  const router = new PgRouter({ listen: { host: "127.0.0.1", port: 0 }, route, limits });
  const { port } = await router.start();
  try {
    await fn(port, router);
  } finally {
    await router.stop();
  }
}

const toPooler =
  (port: number) =>
  async (name: string): Promise<PgRouteAnswer> =>
    name === "abcdefghijklmnopqrst.example.test" || name === "db.abcdefghijklmnopqrst.example.test"
      ? { kind: "route", host: "127.0.0.1", port }
      : { kind: "refuse", reason: name.startsWith("paused.") ? "unavailable" : "unknown_host" };

/** SSLRequest, 'S', then TLS as libpq does it; resolves with what the far end said, or rejects with the TLS error. */
function viaSslRequest(port: number, servername: string | undefined, opts: { direct?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const raw = net.connect(port, "127.0.0.1");
    raw.on("error", reject);
    const upgrade = () => {
      const s = tls.connect({ socket: raw, servername, ca: ca.certPem, ALPNProtocols: ["postgresql"], rejectUnauthorized: servername !== undefined });
      let text = "";
      s.on("data", (d: Buffer) => (text += d.toString()));
      s.on("end", () => resolve(text));
      s.on("error", reject);
    };
    if (opts.direct) return raw.once("connect", upgrade);
    raw.once("connect", () => raw.write(sslRequest()));
    raw.once("data", (d: Buffer) => (d.toString() === "S" ? upgrade() : reject(new Error(`answered ${d.toString()}`))));
  });
}

/** Resolves with everything the router sent before it closed. */
function rawExchange(port: number, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve) => {
    const s: Socket = net.connect(port, "127.0.0.1", () => s.write(bytes));
    const got: Buffer[] = [];
    s.on("data", (d: Buffer) => got.push(d));
    s.on("error", () => undefined);
    s.once("close", () => resolve(Buffer.concat(got)));
  });
}

describe("the shared Postgres port", () => {
  it("routes by server name to the pooler, TLS end to end, after an SSLRequest and directly", async () => {
    await withRouter(toPooler(pooler.port), {}, async (port, router) => {
      expect(await viaSslRequest(port, "abcdefghijklmnopqrst.example.test")).toBe("pooler saw abcdefghijklmnopqrst.example.test");
      expect(await viaSslRequest(port, "db.abcdefghijklmnopqrst.example.test")).toBe("pooler saw db.abcdefghijklmnopqrst.example.test");
      expect(await viaSslRequest(port, "abcdefghijklmnopqrst.example.test", { direct: true })).toBe("pooler saw abcdefghijklmnopqrst.example.test");
      for (let i = 0; i < 50 && router.connections > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(router.connections).toBe(0);
    });
  });

  it("refuses unknown and paused hosts, no server name, and a pooler that will not speak TLS, with TLS alerts", async () => {
    await withRouter(
      async (name) => (name === "refusing.example.test" ? { kind: "route", host: "127.0.0.1", port: refusing.port } : toPooler(pooler.port)(name)),
      {},
      async (port) => {
        await expect(viaSslRequest(port, "nobody.example.test")).rejects.toThrow(/unrecognized name/i);
        await expect(viaSslRequest(port, "paused.example.test")).rejects.toThrow(/handshake failure/i);
        await expect(viaSslRequest(port, undefined)).rejects.toThrow(/unrecognized name/i);
        await expect(viaSslRequest(port, "refusing.example.test")).rejects.toThrow(/internal error/i);
      },
    );
  });

  it("answers a plaintext StartupMessage with a Postgres error, and closes on garbage and at the deadlines", async () => {
    await withRouter(
      async () => new Promise<PgRouteAnswer>(() => undefined),
      { openingMs: 300, routeMs: 300 },
      async (port) => {
        const params = Buffer.from("user\0postgres\0\0");
        const head = Buffer.alloc(8);
        head.writeUInt32BE(8 + params.length, 0);
        head.writeUInt32BE(0x00030000, 4);
        const answer = await rawExchange(port, Buffer.concat([head, params]));
        expect(answer.subarray(0, 1).toString()).toBe("E");
        expect(answer.toString("latin1")).toContain("sslmode=require");
        expect((await rawExchange(port, Buffer.from("GET / HTTP/1.1\r\n\r\n"))).length).toBe(0);
        // An SSLRequest, then silence: 'S', then closed at the opening deadline.
        const t0 = Date.now();
        expect((await rawExchange(port, sslRequest())).toString()).toBe("S");
        expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
        // A route that never answers: an internal_error alert at the route deadline.
        await expect(viaSslRequest(port, "abcdefghijklmnopqrst.example.test")).rejects.toThrow(/internal error/i);
      },
    );
  });

  it("keeps trying the pooler of a waking project until it answers", async () => {
    // A port nothing listens on yet: the pooler comes up 700 ms after the client arrives.
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const later = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const route = async (): Promise<PgRouteAnswer> => ({ kind: "route", host: "127.0.0.1", port: later, retryMs: 5_000 });
    await withRouter(route, {}, async (port) => {
      let late: { port: number; close(): void } | undefined;
      const timer = setTimeout(() => void startPooler("S", later).then((p) => (late = p)), 700);
      try {
        expect(await viaSslRequest(port, "abcdefghijklmnopqrst.example.test")).toBe("pooler saw abcdefghijklmnopqrst.example.test");
      } finally {
        clearTimeout(timer);
        late?.close();
      }
    });
  });

  it("caps the connections of one address", async () => {
    await withRouter(toPooler(pooler.port), { perAddress: 2, openingMs: 5_000 }, async (port, router) => {
      const held = [net.connect(port, "127.0.0.1"), net.connect(port, "127.0.0.1")];
      for (let i = 0; i < 50 && router.connections < 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect(router.connections).toBe(2);
      const third = await rawExchange(port, sslRequest());
      expect(third.toString("latin1")).toContain("53300");
      held.forEach((s) => s.destroy());
      for (let i = 0; i < 50 && router.connections > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(router.connections).toBe(0);
      expect(await viaSslRequest(port, "abcdefghijklmnopqrst.example.test")).toContain("pooler saw");
    });
  });
});
