// DNS messages on the wire (RFC 1035 §4), just what DNS-01 needs: an UPDATE
// (RFC 2136) adding or deleting one TXT value, a TXT query, and a parser for
// the answers. Pure: bytes in, bytes out; the transport is lib/acme/dns/rfc2136.ts.

export const TYPE = { A: 1, SOA: 6, TXT: 16, TSIG: 250 } as const;
export const CLASS = { IN: 1, NONE: 254, ANY: 255 } as const;
const OPCODE_UPDATE = 5;

// RFC 1035 §2.3.1 letters, digits, hyphens; plus "_" for _acme-challenge (RFC 8555 §8.4).
const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?$/;

/** A name without its trailing dot, lowercased and checked: the canonical form (RFC 4034 §6.2) TSIG digests use. */
export function canonicalName(name: string): string {
  const n = name.toLowerCase().replace(/\.$/, "");
  if (n === "") return n;
  if (n.length > 253 || !n.split(".").every((l) => LABEL.test(l))) throw new Error(`not a DNS name: ${JSON.stringify(name)}`);
  return n;
}

/** Uncompressed wire form of a name (TSIG requires it uncompressed, RFC 8945 §4.2). */
export function encodeName(name: string): Buffer {
  const n = canonicalName(name);
  const parts = n === "" ? [] : n.split(".");
  return Buffer.concat([...parts.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, "ascii")])), Buffer.from([0])]);
}

/** A 16-bit big-endian field (DNS wire format, RFC 1035 §4.1). */
export function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** TXT RDATA: the value as character-strings of at most 255 bytes (RFC 1035 §3.3.14). */
export function txtRdata(value: string): Buffer {
  const bytes = Buffer.from(value, "utf8");
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length || i === 0; i += 255) {
    const c = bytes.subarray(i, i + 255);
    chunks.push(Buffer.from([c.length]), c);
  }
  return Buffer.concat(chunks);
}

export function header(id: number, flags: number, counts: [number, number, number, number]): Buffer {
  return Buffer.concat([u16(id), u16(flags), ...counts.map(u16)]);
}

/**
 * An UPDATE for `zone` (RFC 2136 §2): add the TXT value at `name` with `ttl`
 * (other values there stay: a wildcard order asks for two at one name), or
 * delete exactly that value (class NONE, TTL 0: §2.5.4). Unsigned.
 */
export function buildTxtUpdate(o: { id: number; zone: string; name: string; value: string; ttl: number; op: "add" | "delete" }): Buffer {
  const zone = encodeName(o.zone);
  const name = canonicalName(o.name);
  if (!(name === canonicalName(o.zone) || name.endsWith(`.${canonicalName(o.zone)}`))) throw new Error(`${name} is not in the zone ${o.zone}`);
  const rdata = txtRdata(o.value);
  const add = o.op === "add";
  const rr = Buffer.concat([encodeName(name), u16(TYPE.TXT), u16(add ? CLASS.IN : CLASS.NONE), u32(add ? o.ttl : 0), u16(rdata.length), rdata]);
  return Buffer.concat([header(o.id, OPCODE_UPDATE << 11, [1, 0, 1, 0]), zone, u16(TYPE.SOA), u16(CLASS.IN), rr]);
}

/** A TXT query without recursion: asked of the authoritative server itself. */
export function buildTxtQuery(id: number, name: string): Buffer {
  return Buffer.concat([header(id, 0, [1, 0, 0, 0]), encodeName(name), u16(TYPE.TXT), u16(CLASS.IN)]);
}

export interface ParsedRecord {
  name: string;
  type: number;
  klass: number;
  ttl: number;
  rdata: Buffer;
  /** where the record starts in the message (a TSIG record is cut off there to check its MAC) */
  offset: number;
  /** where its RDATA starts */
  rdataOffset: number;
}

export interface ParsedMessage {
  id: number;
  flags: number;
  rcode: number;
  answers: ParsedRecord[];
  additional: ParsedRecord[];
}

/** A name at `off`, following compression pointers (bounded, so a loop cannot hang us). */
export function readName(buf: Buffer, off: number): { name: string; next: number } {
  const labels: string[] = [];
  let next = -1;
  for (let jumps = 0; ;) {
    if (off >= buf.length) throw new Error("DNS message truncated in a name");
    const len = buf[off]!;
    if (len === 0) {
      if (next < 0) next = off + 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (off + 1 >= buf.length || ++jumps > 64) throw new Error("DNS message has a bad name pointer");
      if (next < 0) next = off + 2;
      off = ((len & 0x3f) << 8) | buf[off + 1]!;
      continue;
    }
    if (len > 63 || off + 1 + len > buf.length) throw new Error("DNS message has a bad label");
    labels.push(buf.toString("latin1", off + 1, off + 1 + len).toLowerCase());
    off += 1 + len;
  }
  return { name: labels.join("."), next };
}

export function parseMessage(buf: Buffer): ParsedMessage {
  if (buf.length < 12) throw new Error("DNS message shorter than its header");
  const [qd, an, ns, ar] = [4, 6, 8, 10].map((o) => buf.readUInt16BE(o)) as [number, number, number, number];
  let off = 12;
  for (let i = 0; i < qd; i++) off = readName(buf, off).next + 4;
  const section = (n: number): ParsedRecord[] => {
    const out: ParsedRecord[] = [];
    for (let i = 0; i < n; i++) {
      const start = off;
      const { name, next } = readName(buf, off);
      if (next + 10 > buf.length) throw new Error("DNS message truncated in a record");
      const rdlen = buf.readUInt16BE(next + 8);
      if (next + 10 + rdlen > buf.length) throw new Error("DNS message truncated in RDATA");
      out.push({
        name,
        type: buf.readUInt16BE(next),
        klass: buf.readUInt16BE(next + 2),
        ttl: buf.readUInt32BE(next + 4),
        rdata: buf.subarray(next + 10, next + 10 + rdlen),
        offset: start,
        rdataOffset: next + 10,
      });
      off = next + 10 + rdlen;
    }
    return out;
  };
  const answers = section(an);
  section(ns);
  const additional = section(ar);
  const flags = buf.readUInt16BE(2);
  return { id: buf.readUInt16BE(0), flags, rcode: flags & 0xf, answers, additional };
}

/** The TXT values among the answers for `name` (character-strings joined, RFC 7208 §3.3 style). */
export function txtValues(msg: ParsedMessage, name: string): string[] {
  const want = canonicalName(name);
  return msg.answers
    .filter((r) => r.type === TYPE.TXT && r.name === want)
    .map((r) => {
      const parts: Buffer[] = [];
      for (let i = 0; i < r.rdata.length; i += 1 + r.rdata[i]!) parts.push(r.rdata.subarray(i + 1, i + 1 + r.rdata[i]!));
      return Buffer.concat(parts).toString("utf8");
    });
}

export const RCODE_NAMES: Record<number, string> = {
  0: "NOERROR",
  1: "FORMERR",
  2: "SERVFAIL",
  3: "NXDOMAIN",
  4: "NOTIMP",
  5: "REFUSED",
  6: "YXDOMAIN",
  7: "YXRRSET",
  8: "NXRRSET",
  9: "NOTAUTH",
  10: "NOTZONE",
  16: "BADSIG",
  17: "BADKEY",
  18: "BADTIME",
  22: "BADTRUNC",
};
