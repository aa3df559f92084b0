import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratePostgres, migrateSqlite, migrationsDir, readMigrations } from "@/lib/db/migrate";
import { ConfigError } from "@/lib/errors";
import { expectedShape, postgresShape, sqliteShape } from "@/test/support/schema-inspect";
import { startPostgres, type PgServer } from "@/test/support/postgres-server";
// @ts-expect-error -- plain .mjs build script without type declarations
import { postgresSchemaFrom } from "@/scripts/prisma-generate.mjs";

const root = process.cwd();
const sqliteSchema = readFileSync(join(root, "prisma/schema.prisma"), "utf8");
const pgSchema = readFileSync(join(root, "prisma/postgres/schema.prisma"), "utf8");
const tmp = mkdtempSync(join(tmpdir(), "supafleet-migrations-"));
let server: PgServer | undefined;

afterAll(async () => {
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe("migrations on a fresh SQLite file", () => {
  const file = join(tmp, "fresh", "db.sqlite");

  it("creates the file and applies every migration once", () => {
    expect(existsSync(file)).toBe(false);
    const first = migrateSqlite(`file:${file}`);
    expect(first.applied).toEqual(readMigrations(migrationsDir("sqlite")).map((m) => m.name));
    expect(existsSync(file)).toBe(true);
    const second = migrateSqlite(`file:${file}`);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(first.applied);
  });

  it("records Prisma's own history rows with sha256 checksums", () => {
    const db = new Database(file, { readonly: true });
    const rows = db.prepare(`SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations`).all() as Array<{
      migration_name: string;
      checksum: string;
      finished_at: number | null;
      applied_steps_count: number;
    }>;
    db.close();
    for (const m of readMigrations(migrationsDir("sqlite"))) {
      const row = rows.find((r) => r.migration_name === m.name);
      const expected = createHash("sha256")
        .update(readFileSync(join(migrationsDir("sqlite"), m.name, "migration.sql")))
        .digest("hex");
      expect(row?.checksum).toBe(expected);
      expect(row?.finished_at).not.toBeNull();
      expect(row?.applied_steps_count).toBe(1);
    }
  });

  it("builds exactly what schema.prisma declares", () => {
    const actual = sqliteShape(file);
    const expected = expectedShape(sqliteSchema, "sqlite");
    expect(actual.columns).toEqual(expected.columns);
    expect(actual.keys).toEqual(expected.keys);
  });

  it("would notice drift: a field or index that the SQL lacks", () => {
    const actual = sqliteShape(file);
    const withField = sqliteSchema.replace("  disabled     Boolean   @default(false)", "  disabled     Boolean   @default(false)\n  nickname     String?");
    const withIndex = sqliteSchema.replace("  @@index([status])", "  @@index([status])\n  @@index([name])");
    expect(withField).not.toBe(sqliteSchema);
    expect(withIndex).not.toBe(sqliteSchema);
    expect(actual.columns).not.toEqual(expectedShape(withField, "sqlite").columns);
    expect(actual.keys).not.toEqual(expectedShape(withIndex, "sqlite").keys);
  });

  it("refuses to run when an applied migration was edited", () => {
    const dir = join(tmp, "edited-migrations");
    cpSync(migrationsDir("sqlite"), dir, { recursive: true });
    const name = readMigrations(dir)[0]!.name;
    const edited = `file:${join(tmp, "edited.sqlite")}`;
    migrateSqlite(edited, dir);
    writeFileSync(join(dir, name, "migration.sql"), readFileSync(join(dir, name, "migration.sql"), "utf8") + "\n-- sneaky edit\n");
    expect(() => migrateSqlite(edited, dir)).toThrow(ConfigError);
    expect(() => migrateSqlite(edited, dir)).toThrow(/edited after it was applied/);
  });

  it("rolls back a failing migration completely", () => {
    const dir = join(tmp, "failing-migrations");
    cpSync(migrationsDir("sqlite"), dir, { recursive: true });
    const bad = join(dir, "29991231000000_broken");
    cpSync(join(dir, readMigrations(dir)[0]!.name), bad, { recursive: true });
    writeFileSync(join(bad, "migration.sql"), `CREATE TABLE "Extra" ("id" TEXT);\nTHIS IS NOT SQL;`);
    const url = `file:${join(tmp, "failing.sqlite")}`;
    expect(() => migrateSqlite(url, dir)).toThrow();
    const db = new Database(url.slice(5), { readonly: true });
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type='table'`).all() as Array<{ name: string }>;
    const rows = db.prepare(`SELECT count(*) AS n FROM _prisma_migrations`).get() as { n: number };
    db.close();
    // the whole run is one transaction: neither the good migration nor the broken one's first statement stays
    expect(tables.map((t) => t.name)).not.toContain("Extra");
    expect(tables.map((t) => t.name)).not.toContain("User");
    expect(rows.n).toBe(0);
  });
});

describe("migrations on PostgreSQL", () => {
  let url: string;
  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase("migrations_test");
  });

  it("applies every migration once, in Prisma's history table", async () => {
    const first = await migratePostgres(url);
    expect(first.applied).toEqual(readMigrations(migrationsDir("postgres")).map((m) => m.name));
    // two processes starting together: the advisory lock makes the second a no-op
    const [a, b] = await Promise.all([migratePostgres(url), migratePostgres(url)]);
    expect([...a.applied, ...b.applied]).toEqual([]);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ migration_name: string; checksum: string }>(`SELECT migration_name, checksum FROM _prisma_migrations`);
    await client.end();
    expect(rows.map((r) => r.checksum)).toEqual(readMigrations(migrationsDir("postgres")).map((m) => m.checksum));
  });

  it("builds exactly what the schema declares", async () => {
    const actual = await postgresShape(url);
    const expected = expectedShape(pgSchema, "postgres");
    expect(actual.columns).toEqual(expected.columns);
    expect(actual.keys).toEqual(expected.keys);
    expect(actual.enums).toEqual(expected.enums);
  });
});

describe("the two schemas", () => {
  it("differ only in provider and output, as generated", () => {
    expect(pgSchema).toBe(postgresSchemaFrom(sqliteSchema));
    expect(pgSchema).toContain('provider = "postgresql"');
  });

  it("have one migration folder each with the same migration names", () => {
    expect(readMigrations(migrationsDir("sqlite")).map((m) => m.name)).toEqual(readMigrations(migrationsDir("postgres")).map((m) => m.name));
  });
});
