// The first bytes of a Postgres connection, read by the shared Postgres front
// door (lib/proxy/pg-router.ts) to find which project it is for, without
// terminating TLS. Pure; every length is bounded, and anything malformed is an
// "invalid" verdict (the router closes), never an exception.
//
// A Postgres client asks for TLS with an 8-byte SSLRequest (length 8, code
// 80877103), and sends its TLS ClientHello once the server answered 'S'
// (PostgreSQL protocol docs, "SSL Session Encryption"). PostgreSQL 17 clients
// may skip the request and open with the ClientHello ("direct" TLS,
// sslnegotiation=direct, with ALPN "postgresql"). The ClientHello's
// server_name extension (RFC 6066 §3) names the host the client dialled.
// Clients send it by default: pgx as the Supabase CLI's Go code uses it
// (jackc/pgconn v1.14.3, pinned in supabase/cli apps/cli-go/go.mod @627e534b;
// config.go configTLS: `sslsni` defaults to "1" and sets tls.Config.ServerName
// to any host that is not an IP literal), node-postgres as the CLI's npm build
// 2.117.0 bundles it (Connection.upgradeToSSL sets `servername` for any host
// that is not an IP), and libpq since PostgreSQL 14 (`sslsni=1`).

export const SSL_REQUEST_CODE = 80877103;
export const GSSENC_REQUEST_CODE = 80877104;
export const CANCEL_REQUEST_CODE = 80877102;

/** TLS handshake records' content type, and the ClientHello message type. */
const TLS_HANDSHAKE = 0x16;
const CLIENT_HELLO = 0x01;
/** A TLS record's payload is at most 2^14 bytes (RFC 8446 §5.1). */
const MAX_RECORD = 16_384;
/** The most of a ClientHello the router buffers (post-quantum key shares make ~1.8 KB; 16 KB is ample). */
export const MAX_CLIENT_HELLO = 16_384;
/** The most bytes the router reads before it must have the whole ClientHello (records' headers included). */
export const MAX_OPENING_BYTES = MAX_CLIENT_HELLO + 1024;
const EXT_SERVER_NAME = 0x0000;
const EXT_ALPN = 0x0010;
const MAX_HOSTNAME = 253;

export type Opening =
  | { kind: "incomplete" }
  | { kind: "ssl-request" }
  | { kind: "direct-tls" }
  | { kind: "gss-request" }
  | { kind: "cancel" }
  | { kind: "startup" }
  | { kind: "invalid"; reason: string };

/** What the first bytes of a connection are: an SSLRequest, a direct ClientHello, or something the router refuses. */
export function classifyOpening(buf: Buffer): Opening {
  if (buf.length === 0) return { kind: "incomplete" };
  if (buf[0] === TLS_HANDSHAKE) return { kind: "direct-tls" };
  if (buf.length < 8) return { kind: "incomplete" };
  const length = buf.readUInt32BE(0);
  const code = buf.readUInt32BE(4);
  if (length === 8 && code === SSL_REQUEST_CODE) return { kind: "ssl-request" };
  if (length === 8 && code === GSSENC_REQUEST_CODE) return { kind: "gss-request" };
  if (length === 16 && code === CANCEL_REQUEST_CODE) return { kind: "cancel" };
  // A StartupMessage: protocol 3.x, and a sane length (PostgreSQL caps it at 10,000 bytes).
  if (code >>> 16 === 3 && length >= 8 && length <= 10_000) return { kind: "startup" };
  return { kind: "invalid", reason: "not a Postgres opening message" };
}

export type HelloVerdict =
  | { kind: "incomplete" }
  | { kind: "invalid"; reason: string }
  /** `serverName` is lowercase, or null when the client sent none; `alpn` the protocols offered. */
  | { kind: "hello"; serverName: string | null; alpn: string[] };

/** A cursor that reports running past the end instead of throwing. */
class Reader {
  pos = 0;
  constructor(private readonly b: Buffer) {}
  has(n: number): boolean {
    return this.pos + n <= this.b.length;
  }
  u8(): number {
    return this.b[this.pos++]!;
  }
  u16(): number {
    const v = this.b.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u24(): number {
    const v = this.b.readUIntBE(this.pos, 3);
    this.pos += 3;
    return v;
  }
  bytes(n: number): Buffer {
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
}

/** The handshake bytes carried by the leading TLS handshake records of `buf`, or a verdict when they are not (yet) complete. */
function handshakeBytes(buf: Buffer): Buffer | HelloVerdict {
  const parts: Buffer[] = [];
  let have = 0;
  let pos = 0;
  for (;;) {
    if (buf.length < pos + 5) return { kind: "incomplete" };
    if (buf[pos] !== TLS_HANDSHAKE) return { kind: "invalid", reason: "not a TLS handshake record" };
    if (buf[pos + 1] !== 0x03) return { kind: "invalid", reason: "not a TLS record version" };
    const len = buf.readUInt16BE(pos + 3);
    if (len === 0 || len > MAX_RECORD) return { kind: "invalid", reason: "bad TLS record length" };
    if (buf.length < pos + 5 + len) return { kind: "incomplete" };
    parts.push(buf.subarray(pos + 5, pos + 5 + len));
    have += len;
    pos += 5 + len;
    if (have >= 4) {
      const joined = Buffer.concat(parts);
      if (joined[0] !== CLIENT_HELLO) return { kind: "invalid", reason: "the first handshake message is not a ClientHello" };
      const need = 4 + joined.readUIntBE(1, 3);
      if (need > MAX_CLIENT_HELLO) return { kind: "invalid", reason: "ClientHello too large" };
      if (have >= need) return joined.subarray(0, need);
    }
    // Many tiny records: more header than hello. The router buffers no more than this.
    if (pos > MAX_OPENING_BYTES) return { kind: "invalid", reason: "ClientHello too fragmented" };
  }
}

/** Host names as DNS carries them: letters, digits, hyphens and dots, at most 253 characters. */
function validHostname(name: string): boolean {
  return name.length > 0 && name.length <= MAX_HOSTNAME && /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(name);
}

/** Parses a TLS ClientHello (in one or more handshake records) for its server_name and ALPN extensions. */
export function parseClientHello(buf: Buffer): HelloVerdict {
  const hs = handshakeBytes(buf);
  if (!Buffer.isBuffer(hs)) return hs;
  try {
    return readHello(new Reader(hs), hs.length);
  } catch {
    // A length that points past the message: readUInt* threw.
    return { kind: "invalid", reason: "truncated ClientHello" };
  }
}

function readHello(r: Reader, end: number): HelloVerdict {
  r.pos = 4; // message type and length, checked above
  if (!r.has(2 + 32 + 1)) return { kind: "invalid", reason: "truncated ClientHello" };
  r.pos += 2 + 32; // legacy_version, random
  const sessionId = r.u8();
  if (sessionId > 32 || !r.has(sessionId + 2)) return { kind: "invalid", reason: "bad session id" };
  r.pos += sessionId;
  const suites = r.u16();
  if (suites === 0 || suites % 2 !== 0 || !r.has(suites + 1)) return { kind: "invalid", reason: "bad cipher suites" };
  r.pos += suites;
  const compression = r.u8();
  if (compression === 0 || !r.has(compression)) return { kind: "invalid", reason: "bad compression methods" };
  r.pos += compression;
  if (r.pos === end) return { kind: "hello", serverName: null, alpn: [] };
  const extLen = r.u16();
  if (r.pos + extLen !== end) return { kind: "invalid", reason: "bad extensions length" };
  let serverName: string | null = null;
  let alpn: string[] = [];
  const seen = new Set<number>();
  while (r.pos < end) {
    if (!r.has(4)) return { kind: "invalid", reason: "truncated extension" };
    const type = r.u16();
    const len = r.u16();
    if (!r.has(len)) return { kind: "invalid", reason: "truncated extension" };
    if (seen.has(type)) return { kind: "invalid", reason: "repeated extension" };
    seen.add(type);
    const body = r.bytes(len);
    if (type === EXT_SERVER_NAME) {
      const name = readServerName(body);
      if (name === undefined) return { kind: "invalid", reason: "bad server_name extension" };
      serverName = name;
    } else if (type === EXT_ALPN) {
      const list = readAlpn(body);
      if (!list) return { kind: "invalid", reason: "bad ALPN extension" };
      alpn = list;
    }
  }
  return { kind: "hello", serverName, alpn };
}

/** RFC 6066 §3: a list of (type, name); the host_name (type 0) entry, lowercase; undefined when malformed. */
function readServerName(body: Buffer): string | null | undefined {
  const r = new Reader(body);
  if (!r.has(2)) return undefined;
  const listLen = r.u16();
  if (listLen !== body.length - 2 || listLen === 0) return undefined;
  let name: string | null = null;
  while (r.pos < body.length) {
    if (!r.has(3)) return undefined;
    const type = r.u8();
    const len = r.u16();
    if (!r.has(len) || len === 0) return undefined;
    const raw = r.bytes(len);
    if (type !== 0) continue;
    if (name !== null) return undefined; // one host_name only (RFC 6066)
    const text = raw.toString("latin1").toLowerCase().replace(/\.$/, "");
    if (!validHostname(text)) return undefined;
    name = text;
  }
  return name;
}

/** RFC 7301 §3.1: a list of length-prefixed protocol names. */
function readAlpn(body: Buffer): string[] | null {
  const r = new Reader(body);
  if (!r.has(2)) return null;
  const listLen = r.u16();
  if (listLen !== body.length - 2 || listLen === 0) return null;
  const out: string[] = [];
  while (r.pos < body.length) {
    const len = r.u8();
    if (len === 0 || !r.has(len)) return null;
    out.push(r.bytes(len).toString("latin1"));
  }
  return out;
}

/** The 8-byte SSLRequest the router sends the project's pooler. */
export function sslRequest(): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(8, 0);
  b.writeUInt32BE(SSL_REQUEST_CODE, 4);
  return b;
}

/** A Postgres ErrorResponse (severity FATAL), for a client that has not started TLS. */
export function errorResponse(sqlState: string, message: string): Buffer {
  const field = (tag: string, value: string) => Buffer.concat([Buffer.from(tag, "latin1"), Buffer.from(value, "utf8"), Buffer.from([0])]);
  const body = Buffer.concat([field("S", "FATAL"), field("V", "FATAL"), field("C", sqlState), field("M", message), Buffer.from([0])]);
  const head = Buffer.alloc(5);
  head.write("E", 0, "latin1");
  head.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

/**
 * A fatal TLS alert record (RFC 8446 §6): what a client mid-handshake can
 * read. `unrecognized_name` (112) for a host this installation does not serve,
 * `handshake_failure` (40) otherwise.
 */
export function tlsAlert(description: "unrecognized_name" | "handshake_failure" | "internal_error"): Buffer {
  const code = { unrecognized_name: 112, handshake_failure: 40, internal_error: 80 }[description];
  return Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, code]);
}
