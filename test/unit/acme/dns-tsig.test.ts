// The RFC 2136 UPDATE and TSIG (RFC 8945, HMAC-SHA256) builder and checker.
// The known vector is an UPDATE signed by another implementation: Knot's
// knsupdate 3.2.6 (Debian), captured on the wire with
//   printf 'server 127.0.0.1 5399\nzone fleet.test.\nupdate add _acme-challenge.fleet.test. 60 TXT "vector"\nsend\n' |
//     knsupdate -v -y hmac-sha256:acme-update.:c2VjcmV0LWZvci10aGUtdGVzdC12ZWN0b3ItMzItYnl0ZXM=
// (a TCP listener printing what arrived). Our MAC over its message must be its MAC.
import { describe, expect, it } from "vitest";
import { FUDGE_SECONDS, signMessage, tsigMac, verifyResponse, type TsigKey } from "@/lib/acme/dns/tsig";
import { CLASS, TYPE, buildTxtQuery, buildTxtUpdate, parseMessage, readName, txtRdata, txtValues } from "@/lib/acme/dns/wire";

const KNSUPDATE_HEX =
  "1cf12800000100000001000105666c656574047465737400000600010f5f61636d652d6368616c6c656e6765c00c001000010000003c000706766563746f72" +
  "0b61636d652d7570646174650000fa00ff00000000003d0b686d61632d7368613235360000006b173a06012c0020a69cc7cff565fbb3d73f97b2402b97c8" +
  "6e3e46090e9f4eef911d7111069e77bc1cf100000000";
const key: TsigKey = { name: "acme-update.", algorithm: "hmac-sha256", secret: Buffer.from("c2VjcmV0LWZvci10aGUtdGVzdC12ZWN0b3ItMzItYnl0ZXM=", "base64") };

function unsignedPart(signed: Buffer): { message: Buffer; tsigOffset: number } {
  const msg = parseMessage(signed);
  const tsig = msg.additional.at(-1)!;
  const message = Buffer.from(signed.subarray(0, tsig.offset));
  message.writeUInt16BE(message.readUInt16BE(10) - 1, 10);
  return { message, tsigOffset: tsig.offset };
}

describe("TSIG HMAC-SHA256 against knsupdate's signed UPDATE", () => {
  const wire = Buffer.from(KNSUPDATE_HEX, "hex");

  it("reproduces its MAC, and signing its message gives its bytes exactly", () => {
    const { message } = unsignedPart(wire);
    const time = 0x6b173a06;
    expect(tsigMac({ key, message, time }).toString("hex")).toBe("a69cc7cff565fbb3d73f97b2402b97c86e3e46090e9f4eef911d7111069e77bc");
    expect(signMessage(message, key, time).signed.toString("hex")).toBe(KNSUPDATE_HEX);
  });

  it("a different secret or time gives another MAC", () => {
    const { message } = unsignedPart(wire);
    expect(tsigMac({ key: { ...key, secret: Buffer.alloc(32) }, message, time: 0x6b173a06 }).toString("hex")).not.toMatch(/^a69cc7/);
    expect(tsigMac({ key, message, time: 0x6b173a07 }).toString("hex")).not.toMatch(/^a69cc7/);
  });

  it("parses its compressed update section", () => {
    const m = parseMessage(wire);
    expect(m.id).toBe(0x1cf1);
    expect(m.flags >> 11).toBe(5);
    expect(readName(wire, 12 + 12 + 4).name).toBe("_acme-challenge.fleet.test");
  });
});

describe("UPDATE and query builders", () => {
  it("an add: zone SOA IN, one TXT IN record with the TTL; a delete: class NONE, TTL 0 (RFC 2136 §2.5.4)", () => {
    const add = buildTxtUpdate({ id: 7, zone: "Fleet.Test.", name: "_acme-challenge.fleet.test", value: "abc", ttl: 60, op: "add" });
    expect(add.subarray(0, 12).toString("hex")).toBe("0007" + "2800" + "0001" + "0000" + "0001" + "0000");
    expect(add.subarray(12, 24).toString("hex")).toBe("05666c656574047465737400"); // fleet.test., lowercased
    expect(add.readUInt16BE(24)).toBe(TYPE.SOA);
    const rr = add.subarray(28);
    expect(readName(add, 28).name).toBe("_acme-challenge.fleet.test");
    const at = 28 + 28; // the name's 28 bytes
    expect([add.readUInt16BE(at), add.readUInt16BE(at + 2), add.readUInt32BE(at + 4), add.readUInt16BE(at + 8)]).toEqual([TYPE.TXT, CLASS.IN, 60, 4]);
    expect(rr.subarray(-4).toString("hex")).toBe("03616263");
    const del = buildTxtUpdate({ id: 7, zone: "fleet.test", name: "_acme-challenge.fleet.test", value: "abc", ttl: 60, op: "delete" });
    expect([del.readUInt16BE(at + 2), del.readUInt32BE(at + 4)]).toEqual([CLASS.NONE, 0]);
  });

  it("refuses a name outside the zone and a name that is not DNS", () => {
    expect(() => buildTxtUpdate({ id: 1, zone: "fleet.test", name: "_acme-challenge.other.test", value: "x", ttl: 60, op: "add" })).toThrow(/not in the zone/);
    expect(() => buildTxtQuery(1, "bad name.fleet.test")).toThrow(/not a DNS name/);
  });

  it("splits a TXT value into character-strings of at most 255 bytes", () => {
    const r = txtRdata("x".repeat(300));
    expect([r[0], r[256], r.length]).toEqual([255, 45, 302]);
  });

  it("a name pointer loop is an error, not a hang", () => {
    const loop = Buffer.concat([Buffer.alloc(12), Buffer.from([0xc0, 12])]);
    expect(() => readName(loop, 12)).toThrow(/bad name pointer/);
  });
});

/** A response as a server would sign it (RFC 8945 §5.3): prior MAC, the message, the variables. */
function signedResponse(o: { id: number; requestMac: Buffer; time: number; rcode?: number; error?: number; macKey?: TsigKey; answers?: Buffer[] }): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(o.id, 0);
  head.writeUInt16BE(0x8000 | (5 << 11) | (o.rcode ?? 0), 2);
  head.writeUInt16BE(o.answers?.length ?? 0, 6);
  const message = Buffer.concat([head, ...(o.answers ?? [])]);
  const macKey = o.macKey ?? key;
  const mac = o.error ? Buffer.alloc(0) : tsigMac({ key: macKey, message, time: o.time, requestMac: o.requestMac });
  const time6 = Buffer.alloc(6);
  time6.writeUIntBE(o.time, 0, 6);
  const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
  const alg = Buffer.from("0b686d61632d73686132353600", "hex");
  const rdata = Buffer.concat([alg, time6, u16(FUDGE_SECONDS), u16(mac.length), mac, u16(o.id), u16(o.error ?? 0), u16(0)]);
  const keyName = Buffer.from("0b61636d652d75706461746500", "hex");
  const rr = Buffer.concat([keyName, u16(TYPE.TSIG), u16(CLASS.ANY), Buffer.alloc(4), u16(rdata.length), rdata]);
  const signed = Buffer.concat([message, rr]);
  signed.writeUInt16BE(1, 10);
  return signed;
}

describe("checking the server's signed answer", () => {
  const requestMac = Buffer.alloc(32, 9);
  const now = 1_800_000_000;

  it("accepts a response whose MAC chains to the request's, and returns its RCODE", () => {
    expect(verifyResponse(signedResponse({ id: 5, requestMac, time: now }), key, { id: 5, mac: requestMac }, now)).toBe(0);
    expect(verifyResponse(signedResponse({ id: 5, requestMac, time: now, rcode: 5 }), key, { id: 5, mac: requestMac }, now)).toBe(5);
  });

  it("rejects a tampered answer, another request's chain, another id, an old signature and an unsigned answer", () => {
    const good = signedResponse({ id: 5, requestMac, time: now });
    const tampered = Buffer.from(good);
    tampered[3] = tampered[3]! | 5; // RCODE flipped to REFUSED
    expect(() => verifyResponse(tampered, key, { id: 5, mac: requestMac }, now)).toThrow(/bad TSIG MAC/);
    expect(() => verifyResponse(good, key, { id: 5, mac: Buffer.alloc(32, 1) }, now)).toThrow(/bad TSIG MAC/);
    expect(() => verifyResponse(good, key, { id: 6, mac: requestMac }, now)).toThrow(/another message/);
    expect(() => verifyResponse(good, key, { id: 5, mac: requestMac }, now + FUDGE_SECONDS + 1)).toThrow(/BADTIME/);
    const unsigned = good.subarray(0, 12);
    const bare = Buffer.from(unsigned);
    bare.writeUInt16BE(0, 10);
    expect(() => verifyResponse(bare, key, { id: 5, mac: requestMac }, now)).toThrow(/not TSIG-signed/);
  });

  it("names the server's TSIG errors: BADSIG (wrong secret), BADKEY", () => {
    expect(() => verifyResponse(signedResponse({ id: 5, requestMac, time: now, rcode: 9, error: 16 }), key, { id: 5, mac: requestMac }, now)).toThrow(
      /rejected the TSIG signature: BADSIG \(wrong secret\?\)/,
    );
    expect(() => verifyResponse(signedResponse({ id: 5, requestMac, time: now, rcode: 9, error: 17 }), key, { id: 5, mac: requestMac }, now)).toThrow(/BADKEY/);
  });

  it("reads TXT answers, compressed names included", () => {
    const q = buildTxtQuery(9, "_acme-challenge.fleet.test");
    const answer = Buffer.concat([Buffer.from([0xc0, 12]), Buffer.from("001000010000003c0004", "hex"), txtRdata("tok")]);
    const head = Buffer.from(q);
    head.writeUInt16BE(1, 6);
    expect(txtValues(parseMessage(Buffer.concat([head, answer])), "_acme-challenge.fleet.test")).toEqual(["tok"]);
  });
});
