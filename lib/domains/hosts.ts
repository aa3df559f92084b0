// Custom hostnames as the proxy, the certificates and the activity log need
// them: read from the database, for projects that are not removed.
import type { Db } from "@/lib/db/client";
import { STATUS } from "@/lib/domain";
import { HOSTNAME_STATUS, isVerified } from "@/lib/domains/status";

/** What nginx is told of a project's custom hostname: nothing until it is verified (lib/proxy/proxy-types.ts). */
export function proxyCustomHost(row: { hostname: string; status: string } | null | undefined): { hostname: string; active: boolean } | null {
  if (!row || !isVerified(row.status)) return null;
  return { hostname: row.hostname, active: row.status === HOSTNAME_STATUS.active };
}

/** Verified (or active) custom hostnames: each gets a certificate. */
export async function verifiedCustomHosts(db: Db): Promise<string[]> {
  const rows = await db.customDomain.findMany({
    where: { status: { in: [HOSTNAME_STATUS.verified, HOSTNAME_STATUS.originReady, HOSTNAME_STATUS.active] }, project: { status: { not: STATUS.REMOVED } } },
    select: { hostname: true },
  });
  return rows.map((r) => r.hostname);
}

/** Active custom hostname → ref: whose requests the activity log is counting. */
export async function activeCustomHostMap(db: Db): Promise<Map<string, string>> {
  const rows = await db.customDomain.findMany({
    where: { status: HOSTNAME_STATUS.active, project: { status: { not: STATUS.REMOVED } } },
    select: { hostname: true, ref: true },
  });
  return new Map(rows.map((r) => [r.hostname, r.ref]));
}
