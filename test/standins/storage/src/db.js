// Postgres as storage-api uses it (supabase/storage v1.70.6):
// - its migrations at start (src/internal/database/migrations/migrate.ts), here the
//   cited subset in schema.sql, under an advisory lock so two starts do not race;
// - every request's queries in a transaction that first sets the caller's role and
//   claims (src/internal/database/postgres/scope.ts SCOPE_CONFIG_SETTERS), so
//   row-level security on storage.objects/buckets decides; the service key's
//   service_role has BYPASSRLS; "superuser" lookups (asSuperUser) skip the scope.
"use strict";
const fs = require("fs");
const path = require("path");
const { Pool, types } = require("pg");
const { fromDbError } = require("./errors");

const SCOPE = `SELECT set_config('role', $1, true),
  set_config('request.jwt.claim.role', $2, true),
  set_config('request.jwt', $3, true),
  set_config('request.jwt.claim.sub', $4, true),
  set_config('request.jwt.claims', $5, true),
  set_config('request.headers', $6, true),
  set_config('request.method', $7, true),
  set_config('request.path', $8, true),
  set_config('storage.operation', $9, true),
  set_config('storage.allow_delete_query', 'true', true)`;

// src/internal/database/postgres/type-parsers.ts: bigint (file_size_limit) as a number.
types.setTypeParser(20, "text", parseInt);

function createDb(cfg) {
  const pool = new Pool({ connectionString: cfg.databaseURL, max: 10 });
  pool.on("error", (e) => console.error(`storage stand-in: idle database connection failed: ${e.message}`));

  async function migrate() {
    const sql = fs.readFileSync(path.join(__dirname, "schema.sql"), "utf8");
    const c = await pool.connect();
    try {
      await c.query("SELECT pg_advisory_lock(hashtext('storage-migrations'))");
      await c.query(sql);
    } finally {
      await c.query("SELECT pg_advisory_unlock(hashtext('storage-migrations'))").catch(() => undefined);
      c.release();
    }
  }

  // fn(client) runs in one transaction scoped to the caller; rollback=true is
  // storage-api's testPermission (try the write, keep nothing).
  async function scoped(user, req, operation, fn, { rollback = false } = {}) {
    const c = await pool.connect();
    try {
      await c.query("BEGIN");
      const role = user.role || "anon";
      await c.query(SCOPE, [
        role,
        role,
        user.jwt || "",
        (user.payload && user.payload.sub) || "",
        JSON.stringify(user.payload || { role }),
        JSON.stringify(req.headers),
        req.method,
        req.url.split("?")[0],
        operation,
      ]);
      const out = await fn(c);
      await c.query(rollback ? "ROLLBACK" : "COMMIT");
      return out;
    } catch (e) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw fromDbError(e) || e;
    } finally {
      c.release();
    }
  }

  async function superuser(text, values) {
    try {
      return (await pool.query(text, values)).rows;
    } catch (e) {
      throw fromDbError(e) || e;
    }
  }

  return { pool, migrate, scoped, superuser };
}

module.exports = { createDb };
