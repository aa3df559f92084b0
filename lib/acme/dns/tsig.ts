// TSIG (RFC 8945) with HMAC-SHA256: signs a request and checks the server's
// signed response, so neither an update nor its answer can be forged or
// replayed on the way. Pure functions of the bytes, the key and the clock.
import { createHmac, timingSafeEqual } from "node:crypto";
import { CLASS, RCODE_NAMES, TYPE, canonicalName, encodeName, parseMessage, readName, u16 } from "@/lib/acme/dns/wire";

export interface TsigKey {
  /** the key's name, as the server knows it (e.g. "acme-update.") */
  name: string;
  algorithm: "hmac-sha256";
  /** the shared secret (decoded from base64). A secret: never logged. */
  secret: Buffer;
}

/** RFC 8945 §10: 300 s is the recommended fudge. */
export const FUDGE_SECONDS = 300;

const ALGORITHM_NAMES: Record<TsigKey["algorithm"], string> = { "hmac-sha256": "hmac-sha256" };

function u48(n: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUIntBE(n, 0, 6);
  return b;
}

/** RFC 8945 §4.3.3: the TSIG variables that follow the message in the digest. */
function variables(keyName: string, algorithm: string, time: number, fudge: number, error: number, other: Buffer): Buffer {
  return Buffer.concat([
    encodeName(keyName),
    u16(CLASS.ANY),
    Buffer.alloc(4), // TTL 0
    encodeName(algorithm),
    u48(time),
    u16(fudge),
    u16(error),
    u16(other.length),
    other,
  ]);
}

/** The MAC over a request (RFC 8945 §4.3.1), or over a response when `requestMac` is given (§4.3.1: prior MAC first). */
export function tsigMac(o: { key: TsigKey; message: Buffer; time: number; fudge?: number; error?: number; other?: Buffer; requestMac?: Buffer }): Buffer {
  const prior = o.requestMac ? Buffer.concat([u16(o.requestMac.length), o.requestMac]) : Buffer.alloc(0);
  const vars = variables(o.key.name, ALGORITHM_NAMES[o.key.algorithm], o.time, o.fudge ?? FUDGE_SECONDS, o.error ?? 0, o.other ?? Buffer.alloc(0));
  return createHmac("sha256", o.key.secret).update(prior).update(o.message).update(vars).digest();
}

/** The message with its TSIG record appended (ARCOUNT + 1), and the MAC the response must chain to. */
export function signMessage(message: Buffer, key: TsigKey, time: number): { signed: Buffer; mac: Buffer } {
  const mac = tsigMac({ key, message, time });
  const rdata = Buffer.concat([
    encodeName(ALGORITHM_NAMES[key.algorithm]),
    u48(time),
    u16(FUDGE_SECONDS),
    u16(mac.length),
    mac,
    message.subarray(0, 2), // original ID
    u16(0), // error
    u16(0), // other len
  ]);
  const rr = Buffer.concat([encodeName(key.name), u16(TYPE.TSIG), u16(CLASS.ANY), Buffer.alloc(4), u16(rdata.length), rdata]);
  const head = Buffer.from(message);
  head.writeUInt16BE(head.readUInt16BE(10) + 1, 10);
  return { signed: Buffer.concat([head, rr]), mac };
}

export class DnsUpdateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DnsUpdateError";
  }
}

/**
 * Checks a response to a signed request: it must carry a TSIG record from the
 * same key whose MAC chains to the request's, within the fudge of `now`; a
 * TSIG error (BADSIG, BADKEY, BADTIME) is named. Returns the RCODE.
 */
export function verifyResponse(response: Buffer, key: TsigKey, request: { id: number; mac: Buffer }, nowSeconds: number): number {
  const msg = parseMessage(response);
  if (msg.id !== request.id) throw new DnsUpdateError(`the DNS server answered another message (id ${msg.id}, sent ${request.id})`);
  const tsig = msg.additional.at(-1);
  if (!tsig || tsig.type !== TYPE.TSIG) {
    // A refusal may come unsigned (a zone the server does not serve); a success never counts unsigned: anyone on the path could forge it.
    const rcode = RCODE_NAMES[msg.rcode] ?? String(msg.rcode);
    const hint = msg.rcode === 9 ? ": is it authoritative for the zone, and does it know the key?" : msg.rcode === 0 ? ": not trusted" : "";
    throw new DnsUpdateError(`the DNS server answered ${rcode}, not TSIG-signed${hint}`);
  }
  const r = tsig.rdataOffset;
  const alg = readName(response, r);
  let o = alg.next;
  const time = response.readUIntBE(o, 6);
  const fudge = response.readUInt16BE(o + 6);
  const macSize = response.readUInt16BE(o + 8);
  const mac = response.subarray(o + 10, o + 10 + macSize);
  o += 10 + macSize;
  const originalId = response.readUInt16BE(o);
  const error = response.readUInt16BE(o + 2);
  const otherLen = response.readUInt16BE(o + 4);
  const other = response.subarray(o + 6, o + 6 + otherLen);
  if (error !== 0) {
    const why =
      error === 16 ? " (wrong secret?)" : error === 17 ? " (the server does not know this key name or algorithm)" : error === 18 ? " (clocks apart?)" : "";
    throw new DnsUpdateError(`the DNS server rejected the TSIG signature: ${RCODE_NAMES[error] ?? error}${why}`);
  }
  if (tsig.name !== canonicalName(key.name) || alg.name !== ALGORITHM_NAMES[key.algorithm]) {
    throw new DnsUpdateError("the DNS server signed its answer with another key");
  }
  const unsigned = Buffer.from(response.subarray(0, tsig.offset));
  unsigned.writeUInt16BE(originalId, 0);
  unsigned.writeUInt16BE(unsigned.readUInt16BE(10) - 1, 10);
  const expected = tsigMac({ key, message: unsigned, time, fudge, error, other, requestMac: request.mac });
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) throw new DnsUpdateError("the DNS server's answer has a bad TSIG MAC");
  if (Math.abs(nowSeconds - time) > fudge) throw new DnsUpdateError("the DNS server's signed answer is outside the time window (BADTIME)");
  return msg.rcode;
}
