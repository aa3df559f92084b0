// Which client a request comes from, for per-address limits. The app's own
// server (scripts/start.mjs) writes the TCP peer's address into PEER_HEADER,
// replacing whatever the client sent under that name. Forwarded headers are
// believed only when that peer is a loopback address and a trusted proxy is
// configured (our nginx, which sets X-Real-IP to the address it saw itself):
// anyone else can write any X-Real-IP or X-Forwarded-For they like.
import { isIP } from "node:net";

export const PEER_HEADER = "x-supafleet-peer";

/** Reads a header from a Headers object or a plain record (next-auth passes one). */
export type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

function header(src: HeaderSource, name: string): string | undefined {
  if (typeof (src as { get?: unknown }).get === "function") return (src as { get(n: string): string | null }).get(name) ?? undefined;
  const v = (src as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[0] : v;
}

function normalise(raw: string | undefined): { ip: string; v: 4 | 6 } | null {
  if (!raw) return null;
  let ip = raw.trim();
  const zone = ip.indexOf("%");
  if (zone > 0) ip = ip.slice(0, zone);
  // IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) ip = mapped[1]!;
  const v = isIP(ip);
  return v === 4 || v === 6 ? { ip: ip.toLowerCase(), v } : null;
}

function expand6(ip: string): string[] {
  const [head, tail] = ip.includes("::") ? ip.split("::") : [ip, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  // an embedded IPv4 tail counts as two groups
  const last = (t.length ? t : h).at(-1);
  if (last && last.includes(".")) {
    const [a, b, c, d] = last.split(".").map(Number) as [number, number, number, number];
    const groups = [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    if (t.length) t.splice(-1, 1, ...groups);
    else h.splice(-1, 1, ...groups);
  }
  const fill = tail === undefined ? [] : Array<string>(8 - h.length - t.length).fill("0");
  return [...h, ...fill, ...t].map((g) => g.padStart(4, "0"));
}

export function isLoopback(ip: string): boolean {
  const n = normalise(ip);
  if (!n) return false;
  return n.v === 4 ? n.ip.startsWith("127.") : expand6(n.ip).join(":") === "0000:0000:0000:0000:0000:0000:0000:0001";
}

/**
 * The key one client is limited under: its IPv4 address, or its IPv6 /64
 * (one subscriber gets a whole /64, so single addresses would be free to rotate).
 */
export function addressKey(ip: string): string {
  const n = normalise(ip);
  if (!n) return "unknown";
  return n.v === 4 ? n.ip : `${expand6(n.ip).slice(0, 4).join(":")}::/64`;
}

/**
 * The client's address key. Without PEER_HEADER (not started through
 * scripts/start.mjs, e.g. `next dev`) all clients share the key "unknown":
 * limits then apply to everyone together rather than to nobody.
 */
export function clientAddress(headers: HeaderSource, trustProxy: boolean): string {
  const peer = normalise(header(headers, PEER_HEADER));
  if (!peer) return "unknown";
  if (trustProxy && isLoopback(peer.ip)) {
    const real = normalise(header(headers, "x-real-ip"));
    if (real) return addressKey(real.ip);
  }
  return addressKey(peer.ip);
}
