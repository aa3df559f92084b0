// Subnet leases, like port leases: each project's network gets its own
// subnet cut from a configured pool (SUPAFLEET_SUBNET_POOL, e.g. a /16 cut into
// /26s), recorded in the database so two creates never take the same one.
// Docker's default address pools hold about 30 user networks; a pool of our
// own holds as many as it has subnets.
import { randomInt } from "node:crypto";
import type { Prisma } from "@/lib/generated/prisma-sqlite/client";
import { NoFreeSubnetError } from "@/lib/errors";

type Tx = Prisma.TransactionClient;

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

/**
 * Leases a free subnet of the pool to the project. `inUse` are the subnets of
 * every network on the engine (other installations', other software's): a
 * subnet that overlaps any of them is skipped.
 */
export async function leaseSubnet(tx: Tx, projectId: string, pool: SubnetPool, inUse: readonly string[]): Promise<string> {
  const size = poolSize(pool);
  const leased = new Set((await tx.subnetLease.findMany({ select: { subnet: true } })).map((l) => l.subnet));
  const offset = size ? randomInt(size) : 0;
  for (let i = 0; i < size; i++) {
    const subnet = subnetAt(pool, (offset + i) % size);
    if (leased.has(subnet) || inUse.some((u) => overlaps(u, subnet))) continue;
    await tx.subnetLease.create({ data: { subnet, projectId } });
    return subnet;
  }
  throw new NoFreeSubnetError(pool.cidr);
}

/** Takes back exactly this subnet (a project rebuilt from the engine); false when another project holds it. */
export async function leaseExactSubnet(tx: Tx, projectId: string, subnet: string): Promise<boolean> {
  const holder = await tx.subnetLease.findUnique({ where: { subnet } });
  if (holder && holder.projectId !== projectId) return false;
  if (!holder) {
    await tx.subnetLease.deleteMany({ where: { projectId } });
    await tx.subnetLease.create({ data: { subnet, projectId } });
  }
  return true;
}
