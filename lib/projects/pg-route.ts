// Which project's pooler a Postgres connection through the shared port
// (lib/proxy/pg-router.ts) is for, from the TLS server name the client
// dialled: `<ref>.<domain>`, `db.<ref>.<domain>` (where the Supabase CLI and
// Supabase's own connection strings point), or the project's active custom
// hostname. A project asleep for idleness is woken as an HTTP request would
// wake it (lib/projects/wake-gate.ts), and the connection waits for it.
import { ACTIVE_STATUSES, isStatusIn, STATUS } from "@/lib/domain";
import { HOSTNAME_STATUS } from "@/lib/domains/status";
import type { ProjectContext } from "@/lib/projects/context";
import { wakeGate } from "@/lib/projects/wake-gate";
import { refOfHost } from "@/lib/stack/address";
import type { PgRouteAnswer } from "@/lib/proxy/pg-router";

// Not a path any HTTP service answers: the gate then waits for every service (the pooler included) to be up.
const WAKE_URI = "/postgres";

/** The ref a server name names, or null. */
export async function refOfServerName(ctx: ProjectContext, serverName: string): Promise<string | null> {
  const name = serverName.toLowerCase();
  const custom = await ctx.db.customDomain.findFirst({
    where: { hostname: name, status: HOSTNAME_STATUS.active, project: { status: { not: STATUS.REMOVED } } },
    select: { ref: true },
  });
  if (custom) return custom.ref;
  const own = refOfHost(name, ctx.config);
  if (own) return own;
  return name.startsWith("db.") ? refOfHost(name.slice(3), ctx.config) : null;
}

/**
 * Where to send a connection for `serverName`: the project's session-mode
 * pooler port (Supavisor's 5432 upstream, where the CLI runs migrations) on
 * `upstreamHost`, or a refusal.
 */
export async function pgRoute(ctx: ProjectContext, serverName: string, upstreamHost: string, wakeMs?: number): Promise<PgRouteAnswer> {
  const ref = await refOfServerName(ctx, serverName);
  if (!ref) return { kind: "refuse", reason: "unknown_host" };
  const p = await ctx.db.project.findFirst({ where: { ref, status: { not: STATUS.REMOVED } }, select: { status: true, ports: true } });
  if (!p) return { kind: "refuse", reason: "unknown_host" };
  if (!isStatusIn(p.status, ACTIVE_STATUSES)) {
    const gate = await wakeGate(ctx, ref, { api: true, uri: WAKE_URI }, wakeMs);
    if (!gate.pass) return { kind: "refuse", reason: "unavailable" };
  }
  const port = p.ports.find((l) => l.purpose === "POSTGRES")?.port;
  return port ? { kind: "route", host: upstreamHost, port } : { kind: "refuse", reason: "unavailable" };
}
