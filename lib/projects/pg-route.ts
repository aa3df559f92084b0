// Which project's pooler a Postgres connection through the shared port
// (lib/proxy/pg-router.ts) is for, from the TLS server name the client
// dialled: `<ref>.<domain>`, `db.<ref>.<domain>` (where the Supabase CLI and
// Supabase's own connection strings point), or the project's active custom
// hostname. A project asleep for idleness is woken as an HTTP request wakes
// it (lib/projects/idle.ts wakeProject: once, however many connections race),
// and the router keeps trying its pooler while it starts.
import { ACTIVE_STATUSES, isStatusIn, STATUS } from "@/lib/domain";
import { HOSTNAME_STATUS } from "@/lib/domains/status";
import type { ProjectContext } from "@/lib/projects/context";
import { wakeProject } from "@/lib/projects/idle";
import { refOfHost } from "@/lib/stack/address";
import type { PgRouteAnswer } from "@/lib/proxy/pg-router";

/** How long a connection to a waking project keeps trying its pooler (a wake on the stand-ins takes 5-30 s). */
export const PG_WAKE_MS = 60_000;

/** The ref a server name names, or null. */
export async function refOfServerName(ctx: ProjectContext, serverName: string): Promise<string | null> {
  const name = serverName.toLowerCase();
  // The project's own names first, without a query: no custom hostname lies under the installation's
  // domain (lib/validations/custom-domain.ts rules it out), so the two never overlap.
  const own = refOfHost(name, ctx.config) ?? (name.startsWith("db.") ? refOfHost(name.slice(3), ctx.config) : null);
  if (own) return own;
  const custom = await ctx.db.customDomain.findFirst({
    where: { hostname: name, status: HOSTNAME_STATUS.active, project: { status: { not: STATUS.REMOVED } } },
    select: { ref: true },
  });
  return custom?.ref ?? null;
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
  const port = p.ports.find((l) => l.purpose === "POSTGRES")?.port;
  if (!port) return { kind: "refuse", reason: "unavailable" };
  if (isStatusIn(p.status, ACTIVE_STATUSES)) return { kind: "route", host: upstreamHost, port };
  const state = await wakeProject(ctx, ref);
  if (state === "awake") return { kind: "route", host: upstreamHost, port };
  if (state === "waking") return { kind: "route", host: upstreamHost, port, retryMs: wakeMs ?? PG_WAKE_MS };
  return { kind: "refuse", reason: "unavailable" };
}
