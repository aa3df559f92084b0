// The installation id on both databases: made once, kept, never silently
// replaced, and the first of two racing starts wins.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { ConfigError } from "@/lib/errors";
import { INSTALLATION_ID_PATTERN } from "@/lib/installation/id";
import { ensureInstallationId } from "@/lib/installation/service";
import { parseEnv } from "@/lib/env";
import { startPostgres, type PgServer } from "@/test/support/postgres-server";

let pgServer: PgServer | undefined;
const tmp = mkdtempSync(join(tmpdir(), "supafleet-installation-"));

afterAll(async () => {
  await pgServer?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const backends: Array<[string, () => Promise<string>]> = [
  ["sqlite", async () => `file:${join(tmp, `i-${Math.random().toString(36).slice(2)}.db`)}`],
  [
    "postgres",
    async () => {
      pgServer ??= await startPostgres();
      return pgServer.createDatabase(`inst_${Math.random().toString(36).slice(2, 10)}`);
    },
  ],
];

describe.each(backends)("installation id on %s", (_name, makeUrl) => {
  it("is made once and kept; two racing first starts agree", async () => {
    const url = await makeUrl();
    await migrate(url);
    const [db1, db2] = [createDb(url), createDb(url)];
    const [a, b] = await Promise.all([ensureInstallationId(db1), ensureInstallationId(db2)]);
    expect(a).toMatch(INSTALLATION_ID_PATTERN);
    expect(b).toBe(a);
    expect(await ensureInstallationId(db1)).toBe(a);
    expect(await db1.installation.count()).toBe(1);
    // Another database is another installation.
    const other = await makeUrl();
    await migrate(other);
    const db3 = createDb(other);
    expect(await ensureInstallationId(db3)).not.toBe(a);
    await Promise.all([db1, db2, db3].map((d) => d.$disconnect()));
  });

  it("takes an operator's id back into a database that has none, and refuses one that contradicts it", async () => {
    const url = await makeUrl();
    await migrate(url);
    const db = createDb(url);
    expect(await ensureInstallationId(db, "0123456789abcdef")).toBe("0123456789abcdef");
    expect(await ensureInstallationId(db)).toBe("0123456789abcdef");
    await expect(ensureInstallationId(db, "fedcba9876543210")).rejects.toBeInstanceOf(ConfigError);
    await db.$disconnect();
  });
});

describe("SUPAFLEET_INSTALLATION_ID", () => {
  it("accepts 16 hex characters and names itself when wrong", () => {
    expect(parseEnv({ SUPAFLEET_INSTALLATION_ID: "0123456789abcdef" }).installationId).toBe("0123456789abcdef");
    expect(parseEnv({}).installationId).toBeUndefined();
    expect(() => parseEnv({ SUPAFLEET_INSTALLATION_ID: "0123;rm -rf" })).toThrow(/SUPAFLEET_INSTALLATION_ID/);
  });
});

describe("the installation-identity migration on an existing SQLite database", () => {
  it("marks projects that were ever healthy as activated, and leaves unfinished creates alone", async () => {
    const { cpSync, mkdirSync } = await import("node:fs");
    const Database = (await import("better-sqlite3")).default;
    const { migrateSqlite, migrationsDir, readMigrations } = await import("@/lib/db/migrate");
    const url = `file:${join(tmp, "upgrade.db")}`;
    // The database as the previous release left it: only the first migration.
    const firstOnly = join(tmp, "first-only");
    mkdirSync(firstOnly, { recursive: true });
    const [first] = readMigrations(migrationsDir("sqlite"));
    cpSync(join(migrationsDir("sqlite"), first!.name), join(firstOnly, first!.name), { recursive: true });
    migrateSqlite(url, firstOnly);
    const raw = new Database(url.slice("file:".length));
    raw.prepare(`INSERT INTO "User" (id, email, passwordHash, updatedAt) VALUES ('u', 'u@example.com', 'x', 0)`).run();
    const insert = raw.prepare(
      `INSERT INTO "Project" (id, ref, name, ownerId, status, stackVersion, secrets, updatedAt) VALUES (?, ?, 'n', 'u', ?, 'v', 's', 1700000000000)`,
    );
    insert.run("healthy-once", "aaaaaaaaaaaaaaaaaaaa", "ACTIVE_UNHEALTHY");
    insert.run("paused", "bbbbbbbbbbbbbbbbbbbb", "INACTIVE");
    insert.run("unfinished", "cccccccccccccccccccc", "COMING_UP");
    insert.run("failed", "dddddddddddddddddddd", "INIT_FAILED");
    raw
      .prepare(`INSERT INTO "ProjectEvent" (projectId, at, level, kind, message) VALUES ('healthy-once', 1600000000000, 'INFO', 'create.succeeded', 'ok')`)
      .run();
    raw.close();
    migrateSqlite(url);
    const after = new Database(url.slice("file:".length), { readonly: true });
    const rows = Object.fromEntries(
      (after.prepare(`SELECT id, activatedAt FROM "Project"`).all() as Array<{ id: string; activatedAt: number | null }>).map((r) => [r.id, r.activatedAt]),
    );
    after.close();
    expect(rows["healthy-once"]).toBe(1600000000000);
    expect(rows.paused).toBe(1700000000000);
    expect(rows.unfinished).toBeNull();
    expect(rows.failed).toBeNull();
  });
});
