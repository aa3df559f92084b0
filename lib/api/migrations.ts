// The CLI's migration history (supabase_migrations.schema_migrations) read and
// written through the same bounded SQL runner as POST …/database/query. The
// table's definition and statements are the CLI's own
// (supabase/cli apps/cli-go/pkg/migration/history.go, commit
// 627e534b4f2b5f2f367e7e9a46fc4a0975a92ebe), so `supabase migration list`
// and `db push` see the same history either way.
import pg from "pg";
import { runSql, type QueryLimits, type QueryTarget } from "@/lib/api/database-query";
import type { CreateMigrationBody } from "@/lib/api/settings-schemas";

const CREATE_TABLE = [
  "SET lock_timeout = '4s'",
  "CREATE SCHEMA IF NOT EXISTS supabase_migrations",
  "CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY)",
  "ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS statements text[]",
  "ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS name text",
].join(";\n");

/** A migration version as the CLI writes them: the UTC time, YYYYMMDDHHMMSS. */
export function migrationVersion(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

/**
 * The text run for one migration: the query, then its row, as one simple-protocol
 * message, which Postgres runs as one implicit transaction, so a failing query
 * records nothing. The newline ends a trailing `--` comment in the query.
 */
export function applyMigrationSql(body: CreateMigrationBody, version: string): string {
  const lit = (v: string) => pg.escapeLiteral(v);
  return `${body.query}\n;\nINSERT INTO supabase_migrations.schema_migrations(version, name, statements) VALUES (${lit(version)}, ${lit(body.name ?? "")}, ARRAY[${lit(body.query)}])`;
}

export async function listMigrations(target: QueryTarget, limits: QueryLimits): Promise<Array<{ version: string; name?: string }>> {
  const [exists] = await runSql(target, { query: "SELECT to_regclass('supabase_migrations.schema_migrations') IS NOT NULL AS present" }, limits);
  if (!exists?.present) return [];
  const rows = await runSql(
    target,
    { query: "SELECT version, coalesce(name, '') AS name FROM supabase_migrations.schema_migrations ORDER BY version" },
    limits,
  );
  return rows.map((r) => (r.name ? { version: String(r.version), name: String(r.name) } : { version: String(r.version) }));
}

export async function applyMigration(target: QueryTarget, body: CreateMigrationBody, limits: QueryLimits, now = new Date()): Promise<void> {
  await runSql(target, { query: CREATE_TABLE }, limits);
  await runSql(target, { query: applyMigrationSql(body, migrationVersion(now)) }, limits);
}
