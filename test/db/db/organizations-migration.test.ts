// Upgrading an installation from before organizations (issue 31): a database
// filled under the old schema, then migrated, keeps every project as it was
// (ref, name, secrets, owner) and puts it in its owner's personal
// organization, with the owner as Owner. On SQLite and on PostgreSQL.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { migratePostgres, migrateSqlite, migrationsDir, readMigrations } from "@/lib/db/migrate";
import { startPostgres, type PgServer } from "@/test/support/postgres-server";

const MIGRATION = "20261207190000_organizations";
const tmp = mkdtempSync(join(tmpdir(), "supafleet-orgs-migration-"));
let server: PgServer | undefined;

afterAll(async () => {
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** The migrations folder as it was before organizations. */
function before(kind: "sqlite" | "postgres"): string {
  const dir = join(tmp, `before-${kind}`);
  cpSync(migrationsDir(kind), dir, { recursive: true });
  const names = readMigrations(dir).map((m) => m.name);
  expect(names).toContain(MIGRATION);
  // It and every later one.
  for (const name of names.filter((m) => m >= MIGRATION)) rmSync(join(dir, name), { recursive: true });
  return dir;
}

// Two users: one with a name and two projects (one removed), one without a name or projects.
const USERS = [
  { id: "user-alice", email: "alice@example.com", name: "Alice" },
  { id: "user-bob", email: "bob@example.com", name: null },
];
const PROJECTS = [
  { id: "p1", ref: "aaaaaaaaaaaaaaaaaaaa", name: "first", ownerId: "user-alice", status: "ACTIVE_HEALTHY", secrets: "sealed-1" },
  { id: "p2", ref: "bbbbbbbbbbbbbbbbbbbb", name: "second", ownerId: "user-alice", status: "REMOVED", secrets: "sealed-2" },
];
const INSERT_USER = `INSERT INTO "User" ("id", "email", "name", "passwordHash", "updatedAt") VALUES ($1, $2, $3, 'x', CURRENT_TIMESTAMP)`;
const INSERT_PROJECT = `INSERT INTO "Project" ("id", "ref", "name", "ownerId", "status", "stackVersion", "secrets", "updatedAt") VALUES ($1, $2, $3, $4, $5, 'v1', $6, CURRENT_TIMESTAMP)`;

type Row = Record<string, unknown>;
interface After {
  orgs: Row[];
  members: Row[];
  projects: Row[];
}

function expectUpgraded(after: After) {
  expect(after.orgs).toEqual([
    { id: "user-alice", slug: "user-alice", name: "Alice" },
    { id: "user-bob", slug: "user-bob", name: "bob@example.com" },
  ]);
  expect(after.members).toEqual([
    { organizationId: "user-alice", userId: "user-alice", role: "OWNER" },
    { organizationId: "user-bob", userId: "user-bob", role: "OWNER" },
  ]);
  expect(after.projects).toEqual(
    PROJECTS.map((p) => ({ ref: p.ref, name: p.name, ownerId: p.ownerId, status: p.status, secrets: p.secrets, organizationId: p.ownerId })),
  );
}

const SELECTS = {
  orgs: `SELECT "id", "slug", "name" FROM "Organization" ORDER BY "id"`,
  members: `SELECT "organizationId", "userId", "role" FROM "Membership" ORDER BY "userId"`,
  projects: `SELECT "ref", "name", "ownerId", "status", "secrets", "organizationId" FROM "Project" ORDER BY "ref"`,
};

describe("the organizations migration on SQLite", () => {
  it("gives every existing user a personal organization holding their projects", () => {
    const url = `file:${join(tmp, "upgrade.sqlite")}`;
    const old = migrateSqlite(url, before("sqlite"));
    expect(old.applied).not.toContain(MIGRATION);
    const db = new Database(url.slice(5));
    const q = (sql: string) => sql.replace(/\$\d/g, "?");
    for (const u of USERS) db.prepare(q(INSERT_USER)).run(u.id, u.email, u.name);
    for (const p of PROJECTS) db.prepare(q(INSERT_PROJECT)).run(p.id, p.ref, p.name, p.ownerId, p.status, p.secrets);
    db.close();

    expect(migrateSqlite(url).applied[0]).toBe(MIGRATION);
    const check = new Database(url.slice(5), { readonly: true });
    expectUpgraded({
      orgs: check.prepare(SELECTS.orgs).all() as Row[],
      members: check.prepare(SELECTS.members).all() as Row[],
      projects: check.prepare(SELECTS.projects).all() as Row[],
    });
    // The new key holds: a project cannot point at an organization that does not exist.
    check.close();
    const rw = new Database(url.slice(5));
    rw.pragma("foreign_keys = ON");
    expect(() => rw.prepare(`UPDATE "Project" SET "organizationId" = 'nope' WHERE "ref" = ?`).run(PROJECTS[0]!.ref)).toThrow(/FOREIGN KEY/);
    rw.close();
  });
});

describe("the organizations migration on PostgreSQL", () => {
  it("gives every existing user a personal organization holding their projects", async () => {
    server = await startPostgres();
    const url = await server.createDatabase("orgs_upgrade");
    const old = await migratePostgres(url, before("postgres"));
    expect(old.applied).not.toContain(MIGRATION);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const u of USERS) await client.query(INSERT_USER, [u.id, u.email, u.name]);
      for (const p of PROJECTS) await client.query(INSERT_PROJECT.replace("$5", `$5::"ProjectStatus"`), [p.id, p.ref, p.name, p.ownerId, p.status, p.secrets]);
      expect((await migratePostgres(url)).applied[0]).toBe(MIGRATION);
      const rows = async (sql: string) => (await client.query<Row>(sql)).rows;
      expectUpgraded({ orgs: await rows(SELECTS.orgs), members: await rows(SELECTS.members), projects: await rows(SELECTS.projects) });
      await expect(client.query(`UPDATE "Project" SET "organizationId" = 'nope' WHERE "ref" = $1`, [PROJECTS[0]!.ref])).rejects.toThrow(/foreign key/);
    } finally {
      await client.end();
    }
  });
});
