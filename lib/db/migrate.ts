// Applies the committed migration SQL and records each one in Prisma's own
// `_prisma_migrations` table with Prisma's checksum (sha256 of the file), so
// `prisma migrate deploy` on a machine that has the schema engine sees the
// same history and accepts it. The schema engine itself cannot be downloaded
// here, hence this runner.
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { ConfigError } from "@/lib/errors";

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

const PRISMA_ADVISORY_LOCK = 72707369; // the key Prisma's migrate uses

export function migrationsDir(kind: "sqlite" | "postgres", root = process.cwd()): string {
  return resolve(root, kind === "sqlite" ? "prisma/migrations" : "prisma/postgres/migrations");
}

export function readMigrations(dir: string): MigrationFile[] {
  if (!existsSync(dir)) throw new ConfigError(`Migrations folder not found: ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const buf = readFileSync(join(dir, name, "migration.sql"));
      return { name, sql: buf.toString("utf8"), checksum: createHash("sha256").update(buf).digest("hex") };
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

function plan(files: MigrationFile[], rows: AppliedRow[]): { pending: MigrationFile[]; done: string[] } {
  const live = rows.filter((r) => r.rolled_back_at === null);
  const failed = live.find((r) => r.finished_at === null);
  if (failed) {
    throw new ConfigError(`Migration ${failed.migration_name} failed earlier and was not rolled back; fix the database by hand, then mark it rolled back.`);
  }
  const byName = new Map(live.map((r) => [r.migration_name, r]));
  for (const row of live) {
    const file = files.find((f) => f.name === row.migration_name);
    if (!file)
      throw new ConfigError(
        `Database has migration ${row.migration_name} that this version does not know; refusing to run an older Supafleet on a newer database.`,
      );
    if (file.checksum !== row.checksum) throw new ConfigError(`Migration ${row.migration_name} was edited after it was applied (checksum differs).`);
  }
  return { pending: files.filter((f) => !byName.has(f.name)), done: [...byName.keys()] };
}

export function sqliteFilePath(url: string): string {
  const path = url.replace(/^file:/, "").replace(/\?.*$/, "");
  return resolve(path);
}

export function migrateSqlite(url: string, dir = migrationsDir("sqlite")): MigrateResult {
  const file = sqliteFilePath(url);
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("busy_timeout = 10000");
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`);
    const files = readMigrations(dir);
    // IMMEDIATE takes the write lock first, so two starting processes cannot
    // both decide the same migration is pending.
    const run = db.transaction(() => {
      const rows = db.prepare(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`).all() as AppliedRow[];
      const { pending, done } = plan(files, rows);
      for (const m of pending) {
        db.exec(m.sql);
        db.prepare(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)`,
        ).run(randomUUID(), m.checksum, Date.now(), m.name, Date.now());
      }
      return { applied: pending.map((m) => m.name), alreadyApplied: done };
    });
    return run.immediate();
  } finally {
    db.close();
  }
}

export async function migratePostgres(url: string, dir = migrationsDir("postgres")): Promise<MigrateResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`);
    const files = readMigrations(dir);
    const { rows } = await client.query<AppliedRow>(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations`);
    const { pending, done } = plan(files, rows);
    for (const m of pending) {
      // Postgres DDL is transactional: a failing migration leaves no half-state.
      await client.query("BEGIN");
      try {
        await client.query(m.sql);
        await client.query(
          `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, now(), $3, now(), 1)`,
          [randomUUID(), m.checksum, m.name],
        );
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK");
        throw err;
      }
    }
    return { applied: pending.map((m) => m.name), alreadyApplied: done };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK]).catch(() => undefined);
    await client.end();
  }
}

export async function migrate(url: string): Promise<MigrateResult> {
  return url.startsWith("file:") ? migrateSqlite(url) : migratePostgres(url);
}
