// POST /v1/projects/{ref}/database/query: SQL in the project's own Postgres,
// reached from the host the way its owner reaches it, through Supavisor on
// the project's leased POSTGRES port as postgres.<ref>.
//
// The answer follows Supabase's API, which hands the SQL to postgres-meta:
// several statements run as one simple query, and the rows of the last
// statement that returned any come back (supabase/postgres-meta
// src/lib/db.ts, query(): `res.reverse().find((x) => x.rows.length !== 0)`).
// Bounds: one connection per request, a statement timeout, a row limit, and
// at most a few queries at once per token and per server.
import pg from "pg";
import { DatabaseUnreachableError, QueryFailedError, RateLimitedError } from "@/lib/errors";
import type { RunQueryBody } from "@/lib/api/schemas";

export interface QueryTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export interface QueryLimits {
  statementTimeoutMs: number;
  connectTimeoutMs: number;
  maxRows: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { statementTimeoutMs: 55_000, connectTimeoutMs: 10_000, maxRows: 50_000 };

type Row = Record<string, unknown>;

const INT8 = 20;
// Dates, times, intervals and bytea stay in Postgres's own text form, as
// postgres-meta returns them: no time zone shifts, no Buffer objects in JSON.
const AS_TEXT = new Set([1082, 1083, 1114, 1184, 1186, 1266, 17]);

const getTypeParser = ((oid: number, format?: "text" | "binary") => {
  if (oid === INT8) {
    return (v: string) => {
      const n = Number(v);
      return Number.isSafeInteger(n) ? n : v;
    };
  }
  if (AS_TEXT.has(oid)) return (v: string) => v;
  return pg.types.getTypeParser(oid, format);
}) as typeof pg.types.getTypeParser;

function lastRows(result: pg.QueryResult<Row> | pg.QueryResult<Row>[]): Row[] {
  if (!Array.isArray(result)) return result.rows ?? [];
  return [...result].reverse().find((r) => (r.rows?.length ?? 0) > 0)?.rows ?? [];
}

function postgresError(err: unknown): err is pg.DatabaseError {
  return err instanceof pg.DatabaseError;
}

export async function runSql(target: QueryTarget, body: RunQueryBody, limits: QueryLimits = DEFAULT_QUERY_LIMITS): Promise<Row[]> {
  const client = new pg.Client({
    ...target,
    connectionTimeoutMillis: limits.connectTimeoutMs,
    // The server-side timeout ends the statement; this one ends a hung connection.
    query_timeout: limits.statementTimeoutMs + 5_000,
    application_name: "supafleet-management-api",
    types: { getTypeParser },
  });
  // A connection that breaks after a query finished must not crash the process.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw new DatabaseUnreachableError(err instanceof Error ? err.message : String(err));
  }
  try {
    await client.query(`SET statement_timeout = ${Math.floor(limits.statementTimeoutMs)}`);
    const values = body.parameters ?? [];
    let result: pg.QueryResult<Row> | pg.QueryResult<Row>[];
    if (body.read_only) {
      // One statement (the extended protocol refuses more), so it cannot end
      // the READ ONLY transaction and write after it; rolled back either way.
      await client.query("BEGIN TRANSACTION READ ONLY");
      try {
        result = await client.query<Row>({ text: body.query, values, queryMode: "extended" } as pg.QueryConfig & { queryMode: "extended" });
      } finally {
        await client.query("ROLLBACK").catch(() => undefined);
      }
    } else if (values.length > 0) {
      result = await client.query<Row>(body.query, values);
    } else {
      // Simple protocol: several statements in one text, as Supabase allows.
      result = (await client.query<Row>(body.query)) as pg.QueryResult<Row> | pg.QueryResult<Row>[];
    }
    const rows = lastRows(result);
    if (rows.length > limits.maxRows) throw new QueryFailedError(`The result has ${rows.length} rows; at most ${limits.maxRows} are returned. Add a LIMIT.`);
    return rows;
  } catch (err) {
    if (postgresError(err)) throw new QueryFailedError(`Failed to run sql query: ERROR: ${err.code ?? ""}: ${err.message}`);
    if (err instanceof Error && /timeout/i.test(err.message)) throw new QueryFailedError(`Failed to run sql query: ${err.message}`);
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Queries running at once: per token and in total (each holds a connection and its result in memory). */
export class QueryGate {
  private readonly running = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly perKey = 2,
    private readonly overall = 8,
  ) {}

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const mine = this.running.get(key) ?? 0;
    if (mine >= this.perKey || this.total >= this.overall) throw new RateLimitedError(1, "queries running at once");
    this.running.set(key, mine + 1);
    this.total += 1;
    try {
      return await fn();
    } finally {
      this.total -= 1;
      const left = (this.running.get(key) ?? 1) - 1;
      if (left > 0) this.running.set(key, left);
      else this.running.delete(key);
    }
  }
}
