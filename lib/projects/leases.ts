// Host-port leases. The database row is the reservation (a unique port per
// row, so two creates, in any process, cannot lease one port); the engine and
// the host are asked too, because a port can be held by something the
// database does not know: a paused project of another installation, a
// project whose row a restored backup lost, or software outside Supafleet.
import { randomInt } from "node:crypto";
import { isUniqueViolation } from "@/lib/db/errors";
import type { Prisma } from "@/lib/generated/prisma-sqlite/client";
import { NoFreePortError } from "@/lib/errors";
import { isHostPortFree } from "@/lib/projects/host-ports";
import { PORT_PURPOSES, type PortPurposeName } from "@/lib/stack/types";

type Tx = Prisma.TransactionClient;

/** Runs fn again when a unique index refused it (a ref or port taken by a parallel create). */
export async function retryOnUnique<T>(fn: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (isUniqueViolation(err) && attempt < attempts) continue;
      throw err;
    }
  }
}

/** Leases one free port per purpose for the project, skipping `held` (ports the engine's containers hold). */
export async function leasePorts(
  tx: Tx,
  projectId: string,
  range: { start: number; end: number },
  held: ReadonlySet<number>,
): Promise<Record<PortPurposeName, number>> {
  const { start, end } = range;
  const size = end - start + 1;
  const taken = new Set((await tx.portLease.findMany({ select: { port: true } })).map((l) => l.port));
  for (const p of held) taken.add(p);
  // A random starting point keeps parallel creates in other processes from
  // all probing the same first free port.
  const offset = randomInt(size);
  const leased: Partial<Record<PortPurposeName, number>> = {};
  let i = 0;
  for (const purpose of PORT_PURPOSES) {
    for (; i < size && leased[purpose] === undefined; i++) {
      const port = start + ((offset + i) % size);
      if (taken.has(port)) continue;
      if (!(await isHostPortFree(port))) continue;
      await tx.portLease.create({ data: { port, projectId, purpose } });
      taken.add(port);
      leased[purpose] = port;
    }
    if (leased[purpose] === undefined) throw new NoFreePortError(`${start}-${end}`);
  }
  return leased as Record<PortPurposeName, number>;
}

/**
 * Leases exactly these ports to the project (a project rebuilt from the
 * engine takes back the ports its containers are bound to). Returns false,
 * leasing nothing, when any of them is leased to another project.
 */
export async function leaseExactPorts(tx: Tx, projectId: string, ports: Record<PortPurposeName, number>): Promise<boolean> {
  const wanted = PORT_PURPOSES.map((purpose) => ({ purpose, port: ports[purpose] }));
  const clash = await tx.portLease.findMany({ where: { port: { in: wanted.map((w) => w.port) }, projectId: { not: projectId } } });
  if (clash.length) return false;
  await tx.portLease.deleteMany({ where: { projectId } });
  for (const w of wanted) await tx.portLease.create({ data: { port: w.port, projectId, purpose: w.purpose } });
  return true;
}
