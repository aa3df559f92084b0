// DNS-01 through RFC 2136 dynamic updates signed with TSIG (RFC 8945),
// spoken from Node over TCP (RFC 7766: every DNS server takes TCP, and an
// update with its signature never risks UDP truncation). Works with any
// server that accepts signed updates: BIND (`update-policy`/`allow-update`),
// Knot (`acl: action: update`), PowerDNS (TSIG-ALLOW-DNSUPDATE), and hosted
// DNS that speaks RFC 2136. Each exchange is bounded by `timeoutMs`.
import { randomInt } from "node:crypto";
import { connect } from "node:net";
import type { DnsProvider } from "@/lib/acme/dns/provider";
import { DnsUpdateError, signMessage, verifyResponse, type TsigKey } from "@/lib/acme/dns/tsig";
import { RCODE_NAMES, buildTxtQuery, buildTxtUpdate, parseMessage, txtValues } from "@/lib/acme/dns/wire";

export interface Rfc2136Options {
  host: string;
  port: number;
  /** the zone the records go into, e.g. "fleet.example.com" */
  zone: string;
  key: TsigKey;
  /** per exchange (connect, send, answer); default 5 s */
  timeoutMs?: number;
  /** TTL of the challenge records; default 60 s */
  ttl?: number;
}

/** One DNS message over TCP (2-byte length prefix, RFC 1035 §4.2.2); rejects after `timeoutMs`. */
export function exchangeTcp(host: string, port: number, message: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let got = Buffer.alloc(0);
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(new DnsUpdateError(`the DNS server at ${host}:${port} did not answer within ${timeoutMs} ms`)));
    socket.on("error", (err: NodeJS.ErrnoException) => fail(new DnsUpdateError(`cannot reach the DNS server at ${host}:${port} (${err.code ?? err.message})`)));
    socket.on("connect", () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(message.length);
      socket.write(Buffer.concat([len, message]));
    });
    socket.on("data", (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) {
        socket.destroy();
        resolve(got.subarray(2, 2 + got.readUInt16BE(0)));
      }
    });
    socket.on("end", () => fail(new DnsUpdateError(`the DNS server at ${host}:${port} closed the connection without an answer`)));
  });
}

export class Rfc2136Provider implements DnsProvider {
  constructor(private readonly o: Rfc2136Options) {}

  private async update(op: "add" | "delete", name: string, value: string): Promise<void> {
    const id = randomInt(0, 65536);
    const message = buildTxtUpdate({ id, zone: this.o.zone, name, value, ttl: this.o.ttl ?? 60, op });
    const { signed, mac } = signMessage(message, this.o.key, Math.floor(Date.now() / 1000));
    const answer = await exchangeTcp(this.o.host, this.o.port, signed, this.o.timeoutMs ?? 5000);
    const rcode = verifyResponse(answer, this.o.key, { id, mac }, Math.floor(Date.now() / 1000));
    if (rcode !== 0) {
      const hint = rcode === 5 ? ": the key may not update this zone" : rcode === 9 ? ": the server is not authoritative for the zone" : "";
      throw new DnsUpdateError(`the DNS server refused the update of ${name} in ${this.o.zone}: ${RCODE_NAMES[rcode] ?? rcode}${hint}`);
    }
  }

  addTxt(name: string, value: string): Promise<void> {
    return this.update("add", name, value);
  }

  removeTxt(name: string, value: string): Promise<void> {
    return this.update("delete", name, value);
  }

  async hasTxt(name: string, value: string): Promise<boolean> {
    const id = randomInt(0, 65536);
    const answer = parseMessage(await exchangeTcp(this.o.host, this.o.port, buildTxtQuery(id, name), this.o.timeoutMs ?? 5000));
    if (answer.id !== id) return false;
    return txtValues(answer, name).includes(value);
  }
}
