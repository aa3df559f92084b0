// IPv4 network arithmetic: parse a CIDR, cut a pool into equal subnets, tell
// whether two networks overlap. Pure, so the settings (lib/env.ts), the stack
// spec, the egress rules and the subnet leases (lib/projects/subnets.ts) can
// all share it from below.

export interface SubnetPool {
  /** The pool, e.g. "10.213.0.0/16". */
  cidr: string;
  /** Prefix length of each project's subnet, e.g. 26 (64 addresses). */
  size: number;
}

function toInt(ip: string): number {
  const parts = ip.split(".").map(Number);
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

function toIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Network address and prefix of an IPv4 CIDR; null when it is not one. */
export function parseCidr(cidr: string): { base: number; prefix: number } | null {
  const m = CIDR.exec(cidr.trim());
  if (!m) return null;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return null;
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  const base = (toInt(octets.join(".")) & mask) >>> 0;
  return { base, prefix };
}

export function poolSize(pool: SubnetPool): number {
  const p = parseCidr(pool.cidr);
  if (!p || pool.size < p.prefix) return 0;
  return 2 ** (pool.size - p.prefix);
}

/** The i-th subnet of the pool. */
export function subnetAt(pool: SubnetPool, i: number): string {
  const p = parseCidr(pool.cidr)!;
  return `${toIp((p.base + i * 2 ** (32 - pool.size)) >>> 0)}/${pool.size}`;
}

export function overlaps(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  if (!x || !y) return false;
  const prefix = Math.min(x.prefix, y.prefix);
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return (x.base & mask) >>> 0 === (y.base & mask) >>> 0;
}
