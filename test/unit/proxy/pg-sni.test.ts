// The Postgres front door's reader of first bytes (lib/proxy/pg-sni.ts): real
// ClientHellos from Node's TLS client, cut anywhere, and hostile variations of
// them. Every input gets a verdict; none throws.
import { randomBytes } from "node:crypto";
import { Duplex } from "node:stream";
import tls from "node:tls";
import { describe, expect, it } from "vitest";
import {
  CANCEL_REQUEST_CODE,
  classifyOpening,
  errorResponse,
  GSSENC_REQUEST_CODE,
  MAX_OPENING_BYTES,
  parseClientHello,
  SSL_REQUEST_CODE,
  sslRequest,
  tlsAlert,
} from "@/lib/proxy/pg-sni";

/** The first flight of a real TLS client (Node's), captured without a network. */
async function clientHello(opts: { servername?: string; alpn?: string[] }): Promise<Buffer> {
  let captured: Buffer | undefined;
  let done!: (b: Buffer) => void;
  const got = new Promise<Buffer>((r) => (done = r));
  const wire = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      captured = captured ? Buffer.concat([captured, chunk]) : chunk;
      done(captured);
      cb();
    },
  });
  const socket = tls.connect({ socket: wire, servername: opts.servername, ALPNProtocols: opts.alpn, rejectUnauthorized: false });
  socket.on("error", () => undefined);
  const hello = await got;
  socket.destroy();
  return hello;
}

const word = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

describe("classifyOpening", () => {
  it("tells the Postgres openings apart", () => {
    expect(classifyOpening(sslRequest())).toEqual({ kind: "ssl-request" });
    expect(classifyOpening(Buffer.concat([word(8), word(GSSENC_REQUEST_CODE)]))).toEqual({ kind: "gss-request" });
    expect(classifyOpening(Buffer.concat([word(16), word(CANCEL_REQUEST_CODE), word(1), word(2)]))).toEqual({ kind: "cancel" });
    // StartupMessage, protocol 3.0: user=postgres
    const params = Buffer.from("user\0postgres\0\0");
    expect(classifyOpening(Buffer.concat([word(8 + params.length), word(0x00030000), params]))).toEqual({ kind: "startup" });
    expect(classifyOpening(Buffer.from([0x16, 0x03, 0x01]))).toEqual({ kind: "direct-tls" });
  });

  it("waits for eight bytes, and refuses what is no Postgres opening", () => {
    expect(classifyOpening(Buffer.alloc(0))).toEqual({ kind: "incomplete" });
    expect(classifyOpening(sslRequest().subarray(0, 7))).toEqual({ kind: "incomplete" });
    expect(classifyOpening(Buffer.from("GET / HTTP/1.1\r\n")).kind).toBe("invalid");
    expect(classifyOpening(Buffer.concat([word(9), word(SSL_REQUEST_CODE)])).kind).toBe("invalid");
    expect(classifyOpening(Buffer.concat([word(0xffffffff), word(0x00030000)])).kind).toBe("invalid");
    expect(classifyOpening(Buffer.concat([word(4), word(0x00030000)])).kind).toBe("invalid");
  });
});

describe("parseClientHello", () => {
  it("reads the server name and ALPN of a real ClientHello", async () => {
    const hello = await clientHello({ servername: "AbCdEfGhIjKlMnOpQrSt.Example.COM", alpn: ["postgresql"] });
    expect(parseClientHello(hello)).toEqual({ kind: "hello", serverName: "abcdefghijklmnopqrst.example.com", alpn: ["postgresql"] });
  });

  it("says when the client sent no server name", async () => {
    // Node sends no SNI for an IP literal (RFC 6066), as pgx and libpq do.
    const hello = await clientHello({ servername: "" });
    expect(parseClientHello(hello)).toEqual({ kind: "hello", serverName: null, alpn: [] });
  });

  it("waits while the hello is cut short anywhere, and reads it split over records", async () => {
    const hello = await clientHello({ servername: "db.ref.example.com" });
    for (let cut = 0; cut < hello.length; cut++) expect(parseClientHello(hello.subarray(0, cut)).kind, `cut at ${cut}`).toBe("incomplete");
    // The same handshake message in two records.
    const body = hello.subarray(5);
    const record = (part: Buffer) => Buffer.concat([Buffer.from([0x16, 0x03, 0x01, part.length >> 8, part.length & 0xff]), part]);
    const split = Buffer.concat([record(body.subarray(0, 10)), record(body.subarray(10))]);
    expect(parseClientHello(split)).toMatchObject({ kind: "hello", serverName: "db.ref.example.com" });
  });

  it("refuses malformed records and messages", async () => {
    const hello = await clientHello({ servername: "x.example.com" });
    const patched = (at: number, ...bytes: number[]) => {
      const b = Buffer.from(hello);
      bytes.forEach((v, i) => (b[at + i] = v));
      return b;
    };
    expect(parseClientHello(patched(0, 0x17)).kind).toBe("invalid"); // application data, not a handshake
    expect(parseClientHello(patched(1, 0x02)).kind).toBe("invalid"); // not TLS 1.x
    expect(parseClientHello(patched(3, 0x00, 0x00)).kind).toBe("invalid"); // empty record
    expect(parseClientHello(patched(3, 0x40, 0x01)).kind).toBe("invalid"); // record over 2^14
    expect(parseClientHello(patched(5, 0x02)).kind).toBe("invalid"); // a ServerHello
    expect(parseClientHello(patched(6, 0xff, 0xff, 0xff)).kind).toBe("invalid"); // a 16 MB hello
    expect(parseClientHello(patched(5 + 4 + 34, 0xff)).kind).toBe("invalid"); // session id longer than 32
    // The handshake message says it is one byte longer than the record carries, and nothing follows: still waiting.
    const longer = Buffer.from(hello);
    longer.writeUIntBE(longer.readUIntBE(6, 3) + 1, 6, 3);
    expect(parseClientHello(longer).kind).toBe("incomplete");
    // ... and one byte shorter: the extensions then overrun the message.
    const shorter = Buffer.from(hello);
    shorter.writeUIntBE(shorter.readUIntBE(6, 3) - 1, 6, 3);
    expect(parseClientHello(shorter).kind).toBe("invalid");
  });

  it("refuses a server name that is not a DNS host name, and two of them", () => {
    const hello = (names: Buffer[]) => {
      const entries = Buffer.concat(names.map((n) => Buffer.concat([Buffer.from([0, n.length >> 8, n.length & 0xff]), n])));
      const sni = Buffer.concat([Buffer.from([entries.length >> 8, entries.length & 0xff]), entries]);
      const ext = Buffer.concat([Buffer.from([0, 0, sni.length >> 8, sni.length & 0xff]), sni]);
      const body = Buffer.concat([
        Buffer.from([0x03, 0x03]),
        Buffer.alloc(32),
        Buffer.from([0]), // session id
        Buffer.from([0, 2, 0x13, 0x01]), // one suite
        Buffer.from([1, 0]), // null compression
        Buffer.from([ext.length >> 8, ext.length & 0xff]),
        ext,
      ]);
      const msg = Buffer.concat([Buffer.from([1, 0, body.length >> 8, body.length & 0xff]), body]);
      return Buffer.concat([Buffer.from([0x16, 0x03, 0x01, msg.length >> 8, msg.length & 0xff]), msg]);
    };
    expect(parseClientHello(hello([Buffer.from("ok.example.com")]))).toEqual({ kind: "hello", serverName: "ok.example.com", alpn: [] });
    expect(parseClientHello(hello([Buffer.from("ok.example.com.")]))).toMatchObject({ serverName: "ok.example.com" });
    for (const bad of ["a b.example.com", "x/../y", "a\0b.com", "-x.example.com", "x..y", `${"a".repeat(64)}.com`, `${"a.".repeat(127)}a`, "é.com"]) {
      expect(parseClientHello(hello([Buffer.from(bad)])).kind, bad).toBe("invalid");
    }
    expect(parseClientHello(hello([Buffer.from("a.com"), Buffer.from("b.com")])).kind).toBe("invalid");
  });

  it("gives a verdict for any mutation or random bytes, never an exception", async () => {
    const hello = await clientHello({ servername: "abcdefghijklmnopqrst.localhost", alpn: ["postgresql"] });
    for (let i = 0; i < 3000; i++) {
      const b = Buffer.from(hello);
      const flips = 1 + (i % 4);
      for (let f = 0; f < flips; f++) b[Math.floor(Math.random() * b.length)] = Math.floor(Math.random() * 256);
      expect(["hello", "invalid", "incomplete"]).toContain(parseClientHello(b).kind);
      expect(["hello", "invalid", "incomplete"]).toContain(parseClientHello(Buffer.concat([Buffer.from([0x16, 0x03, 0x01]), randomBytes(i % 64)])).kind);
    }
  });

  it("gives up on a hello made of many tiny records before the buffer bound", () => {
    // A ClientHello header claiming 16,000 bytes, then its body fed one byte per record.
    const head = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x00, 0x3e, 0x80]);
    const tiny = Buffer.concat([head, ...Array.from({ length: 4000 }, () => Buffer.from([0x16, 0x03, 0x01, 0x00, 0x01, 0x00]))]);
    const verdict = parseClientHello(tiny);
    expect(tiny.length).toBeGreaterThan(MAX_OPENING_BYTES);
    expect(verdict.kind).toBe("invalid");
  });
});

describe("the front door's answers", () => {
  it("writes a FATAL ErrorResponse as the protocol lays it out", () => {
    const e = errorResponse("28000", "needs TLS");
    expect(e.subarray(0, 1).toString()).toBe("E");
    expect(e.readUInt32BE(1)).toBe(e.length - 1);
    expect(e.subarray(5).toString("latin1")).toBe("SFATAL\0VFATAL\0C28000\0Mneeds TLS\0\0");
  });

  it("writes TLS alerts and the SSLRequest", () => {
    expect([...tlsAlert("unrecognized_name")]).toEqual([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 112]);
    expect([...sslRequest()]).toEqual([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
  });
});
