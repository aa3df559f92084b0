// GET /v1/projects/{ref}/analytics/endpoints/logs.all (upstream's
// v1-get-project-logs: supabase/cli packages/api/src/generated/openapi.json,
// commit 627e534b4f2b5f2f367e7e9a46fc4a0975a92ebe) takes SQL over Logflare's
// sources. Supafleet answers the simple queries tools send from the
// containers' own logs: one source, some of id/timestamp/event_message,
// a time range, an order and a limit. Anything else (joins, unnest of
// metadata, other filters, aggregates) is refused with a 400 that names what
// is not supported, never run. Without sql, upstream queries edge_logs; with
// neither timestamp, the last minute; a range over 24 hours is refused, as
// upstream documents.
import { ValidationError } from "@/lib/errors";
import type { ServiceName } from "@/lib/stack/types";

/** Logflare's source names (Supabase's log explorer) and the containers whose logs they are. */
export const LOG_SOURCES: Record<string, ServiceName[]> = {
  edge_logs: ["api-gw", "kong"],
  postgres_logs: ["db"],
  auth_logs: ["auth"],
  postgrest_logs: ["rest"],
  storage_logs: ["storage"],
  realtime_logs: ["realtime"],
  function_logs: ["functions"],
  function_edge_logs: ["functions"],
  supavisor_logs: ["supavisor"],
  pgbouncer_logs: ["supavisor"],
};

export const LOG_COLUMNS = ["id", "timestamp", "event_message"] as const;
export type LogColumn = (typeof LOG_COLUMNS)[number];
export const MAX_LOG_ROWS = 1000;
const DEFAULT_LOG_ROWS = 100;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface LogsQuery {
  source: string;
  services: ServiceName[];
  columns: LogColumn[];
  /** Inclusive bounds, milliseconds since 1970. */
  fromMs: number;
  toMs: number;
  order: "asc" | "desc";
  limit: number;
}

const unsupported = (what: string) =>
  new ValidationError("Unsupported logs query.", {
    "query.sql": [
      `${what}. Without Logflare, Supafleet answers: select <id, timestamp, event_message or *> from <${Object.keys(LOG_SOURCES).join(" | ")}> ` +
        "[where timestamp >|>=|<|<= '<ISO time>' [and …]] [order by timestamp asc|desc] [limit n ≤ 1000].",
    ],
  });

const QUERY =
  /^select\s+(?<cols>\*|[a-z_]+(?:\s*,\s*[a-z_]+)*)\s+from\s+(?<source>[a-z_]+)(?:\s+where\s+(?<where>.+?))?(?:\s+order\s+by\s+timestamp(?:\s+(?<order>asc|desc))?)?(?:\s+limit\s+(?<limit>\d{1,7}))?\s*;?$/i;
const BOUND = /^timestamp\s*(?<op>>=|<=|>|<)\s*'(?<time>[0-9T:.+\-Z ]{10,40})'$/i;

/** The query Supafleet will answer, or a ValidationError naming what it cannot (pure). */
export function parseLogsQuery(input: { sql?: string; iso_timestamp_start?: string; iso_timestamp_end?: string }, now: number): LogsQuery {
  const sql = (input.sql ?? `select id, timestamp, event_message from edge_logs order by timestamp desc limit ${DEFAULT_LOG_ROWS}`).trim().replace(/\s+/g, " ");
  const m = QUERY.exec(sql);
  if (!m?.groups) throw unsupported("This SQL is not one simple select over one source");
  const g = m.groups;
  const source = g.source!.toLowerCase();
  const services = LOG_SOURCES[source];
  if (!services) throw unsupported(`The source ${source} is not known`);
  const names = g.cols === "*" ? [...LOG_COLUMNS] : g.cols!.split(",").map((c) => c.trim().toLowerCase());
  for (const c of names) if (!(LOG_COLUMNS as readonly string[]).includes(c)) throw unsupported(`The column ${c} is not available`);

  const time = (text: string | undefined, name: string): number | undefined => {
    if (text === undefined) return undefined;
    const t = Date.parse(text);
    if (!Number.isFinite(t)) throw new ValidationError("Invalid time.", { [`query.${name}`]: ["An ISO 8601 time, such as 2025-03-01T00:00:00Z."] });
    return t;
  };
  let fromMs = time(input.iso_timestamp_start, "iso_timestamp_start");
  let toMs = time(input.iso_timestamp_end, "iso_timestamp_end");
  if (fromMs === undefined && toMs === undefined) fromMs = now - 60_000;
  fromMs ??= (toMs ?? now) - 60_000;
  toMs ??= now;
  for (const clause of g.where ? g.where.split(/\s+and\s+/i) : []) {
    const b = BOUND.exec(clause.trim());
    if (!b?.groups) throw unsupported(`The condition "${clause.trim().slice(0, 80)}" is not a time bound`);
    const t = time(b.groups.time, "sql")!;
    if (b.groups.op!.startsWith(">")) fromMs = Math.max(fromMs, t);
    else toMs = Math.min(toMs, t);
  }
  if (toMs - fromMs > DAY_MS) throw new ValidationError("The time range must be no more than 24 hours.");
  const limit = g.limit === undefined ? DEFAULT_LOG_ROWS : Number(g.limit);
  if (limit > MAX_LOG_ROWS) throw unsupported(`A limit of ${limit} is more than ${MAX_LOG_ROWS}`);
  return { source, services, columns: names as LogColumn[], fromMs, toMs, order: (g.order?.toLowerCase() as "asc" | "desc" | undefined) ?? "desc", limit };
}

export interface TimedLine {
  /** Docker's RFC 3339 time, nanoseconds. */
  time?: string;
  line: string;
}

/** The rows in Logflare's shape: timestamp in microseconds, as Supabase's log explorer returns it (pure). */
export function logRows(q: LogsQuery, lines: TimedLine[]): Array<Partial<Record<LogColumn, string | number>>> {
  const rows = lines
    .map((l) => ({ l, ms: l.time ? Date.parse(l.time) : NaN }))
    .filter((x) => Number.isFinite(x.ms) && x.ms >= q.fromMs && x.ms <= q.toMs)
    .map((x) => ({ ...x, us: x.ms * 1000 + Number((/\.\d{3}(\d{3})/.exec(x.l.time!) ?? [])[1] ?? 0) }));
  rows.sort((a, b) => (q.order === "asc" ? a.us - b.us : b.us - a.us));
  return rows.slice(0, q.limit).map((x) => {
    const full: Record<LogColumn, string | number> = { id: `${q.source}-${x.us}-${hash(x.l.line)}`, timestamp: x.us, event_message: x.l.line };
    return Object.fromEntries(q.columns.map((c) => [c, full[c]]));
  });
}

function hash(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16);
}
