// A minimal X.509 v3 certificate writer (RFC 5280) on node:crypto alone:
// enough DER to issue a CA and server certificates. Sync on purpose: a stack
// spec is built synchronously, and issuing one certificate takes about a
// millisecond. With an RSA issuer (PKCS #1 v1.5 signatures are deterministic)
// and a given serial, the same request gives the same bytes. Checked by
// node's own X509Certificate parser and by OpenSSL through node:tls in tests.
import { createPublicKey, sign, type KeyObject } from "node:crypto";

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}

const seq = (...parts: Buffer[]) => tlv(0x30, ...parts);
const set = (...parts: Buffer[]) => tlv(0x31, ...parts);
const octets = (b: Buffer) => tlv(0x04, b);
const bits = (b: Buffer) => tlv(0x03, Buffer.from([0]), b);
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, "utf8"));
const explicit = (n: number, inner: Buffer) => tlv(0xa0 + n, inner);

function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  // DER integers are signed: a leading 1 bit needs a zero byte in front.
  return tlv(0x02, v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const out = [a! * 40 + b!];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = n >>> 7; v > 0; v >>>= 7) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime until 2049, GeneralizedTime after (RFC 5280 4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

const OID = {
  commonName: "2.5.4.3",
  organization: "2.5.4.10",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  sha256WithRsa: "1.2.840.113549.1.1.11",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  serverAuth: "1.3.6.1.5.5.7.3.1",
};

function name(cn: string, org: string): Buffer {
  return seq(set(seq(oid(OID.organization), utf8(org))), set(seq(oid(OID.commonName), utf8(cn))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
}

export interface CertificateRequest {
  subjectCn: string;
  /** DNS names for subjectAltName (server certificates). */
  dnsNames?: string[];
  /** A CA certificate (may sign others) instead of a server certificate. */
  ca?: boolean;
  notBefore: Date;
  notAfter: Date;
  /** The key the certificate is for (its public half goes in). */
  publicKey: KeyObject;
  issuer: { cn: string; privateKey: KeyObject };
  organization: string;
  /** Positive, at most 20 bytes (RFC 5280 4.1.2.2). */
  serial: Buffer;
}

/** A certificate in PEM, signed with SHA-256 by the issuer's RSA or EC key. */
export function issueCertificate(req: CertificateRequest): string {
  const pub = req.publicKey.type === "private" ? createPublicKey(req.publicKey) : req.publicKey;
  const spki = pub.export({ type: "spki", format: "der" });
  const rsa = req.issuer.privateKey.asymmetricKeyType === "rsa";
  // RFC 4055 2.1: sha256WithRSAEncryption carries a NULL parameter; ECDSA none (RFC 5758 3.2).
  const sigAlg = rsa ? seq(oid(OID.sha256WithRsa), Buffer.from([0x05, 0x00])) : seq(oid(OID.ecdsaWithSha256));
  const serial = Buffer.from(req.serial);
  if (serial.length > 20) throw new RangeError("serial longer than 20 bytes");
  serial[0]! &= 0x7f;
  const exts = req.ca
    ? [
        extension(OID.basicConstraints, true, seq(bool(true), integer(Buffer.from([0])))),
        // keyCertSign (bit 5) and cRLSign (bit 6): one byte, 1 unused bit.
        extension(OID.keyUsage, true, tlv(0x03, Buffer.from([1, 0x06]))),
      ]
    : [
        extension(OID.basicConstraints, true, seq()),
        // digitalSignature (bit 0): 7 unused bits.
        extension(OID.keyUsage, true, tlv(0x03, Buffer.from([7, 0x80]))),
        extension(OID.extKeyUsage, false, seq(oid(OID.serverAuth))),
        extension(OID.subjectAltName, false, seq(...(req.dnsNames ?? []).map((d) => tlv(0x82, Buffer.from(d, "ascii"))))),
      ];
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    sigAlg,
    name(req.issuer.cn, req.organization),
    seq(time(req.notBefore), time(req.notAfter)),
    name(req.subjectCn, req.organization),
    spki,
    explicit(3, seq(...exts)),
  );
  const signature = sign("sha256", tbs, req.issuer.privateKey);
  const der = seq(tbs, sigAlg, bits(signature));
  return `-----BEGIN CERTIFICATE-----\n${der
    .toString("base64")
    .match(/.{1,64}/g)!
    .join("\n")}\n-----END CERTIFICATE-----\n`;
}
