// The database side: one pg pool on GOTRUE_DB_DATABASE_URL (as
// supabase_auth_admin), and GoTrue's own migrations run at start as the real
// binary does (cmd/root_cmd.go: migrate, then serve; cmd/migrate_cmd.go runs
// pop's migrator with Options.Namespace = GOTRUE_DB_NAMESPACE over the files
// in /usr/local/etc/auth/migrations). migrations/ holds supabase/auth
// v2.196.0's migrations/ verbatim. pop applies each pending file in its own
// transaction and records its version (the digits before the first `_`) in
// schema_migrations; `.postgres.up.sql` files are the postgres dialect's.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";

const MIGRATIONS = new URL("./migrations/", import.meta.url).pathname;

export function openPool(config) {
  if (config.dbDriver !== "postgres") {
    // pop: only the postgres dialect is compiled in for GoTrue's migrations.
    throw new Error(`error opening database: could not find dialect "${config.dbDriver}"`);
  }
  return new pg.Pool({ connectionString: config.dbURL, max: 10, application_name: "gotrue" });
}

export const q = (ns) => `"${ns.replace(/"/g, '""')}"`;

export async function migrate(pool, namespace) {
  const ns = q(namespace);
  const client = await pool.connect();
  try {
    // pop creates its migration table first (fizz: version string(14), unique index).
    await client.query(`CREATE TABLE IF NOT EXISTS ${ns}.schema_migrations (version varchar(14) NOT NULL)`);
    await client.query(`CREATE UNIQUE INDEX IF NOT EXISTS schema_migrations_version_idx ON ${ns}.schema_migrations (version)`);
    const done = new Set((await client.query(`SELECT version FROM ${ns}.schema_migrations`)).rows.map((r) => r.version));
    const files = readdirSync(MIGRATIONS)
      .filter((f) => /^\d+_[^.]+(\.postgres)?\.up\.sql$/.test(f))
      .sort();
    let count = 0;
    for (const file of files) {
      const version = file.split("_")[0];
      if (done.has(version)) continue;
      const sql = readFileSync(join(MIGRATIONS, file), "utf8").replace(/\{\{\s*index \.Options "Namespace"\s*\}\}/g, namespace);
      await client.query("BEGIN");
      try {
        // The real database gives supabase_auth_admin search_path=auth
        // (supabase/postgres roles migration); the migrations rely on it.
        await client.query(`SET LOCAL search_path = ${ns}`);
        await client.query(sql);
        await client.query(`INSERT INTO ${ns}.schema_migrations (version) VALUES ($1)`, [version]);
        await client.query("COMMIT");
      } catch (e) {
        await client.query("ROLLBACK");
        throw new Error(`running db migrations: error executing migrations/${file}: ${e.message}`);
      }
      count += 1;
    }
    return count;
  } finally {
    client.release();
  }
}

/** Runs fn inside one transaction (pop's db.Transaction). */
export async function tx(pool, fn) {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const out = await fn(client);
    await client.query("COMMIT");
    return out;
  } catch (e) {
    // storage.NewCommitWithError: the work so far is kept, the error still answered.
    await client.query(e?.commit ? "COMMIT" : "ROLLBACK").catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}
