// Subnet leases, like port leases: each project's network gets its own
// subnet cut from a configured pool (SUPAFLEET_SUBNET_POOL, e.g. a /16 cut into
// /26s), recorded in the database so two creates never take the same one.
// Docker's default address pools hold about 30 user networks; a pool of our
// own holds as many as it has subnets.
import { randomInt } from "node:crypto";
import type { Prisma } from "@/lib/generated/prisma-sqlite/client";
import { NoFreeSubnetError } from "@/lib/errors";
import { overlaps, poolSize, subnetAt, type SubnetPool } from "@/lib/net/cidr";

type Tx = Prisma.TransactionClient;

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
