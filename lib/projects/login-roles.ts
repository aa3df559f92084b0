// Temporary Postgres login roles for the Supabase CLI (POST/DELETE
// /v1/projects/{ref}/cli/login-role, upstream's v1-create-login-role and
// v1-delete-login-roles: supabase/cli packages/api/src/generated/openapi.json,
// commit 627e534b4f2b5f2f367e7e9a46fc4a0975a92ebe). The CLI asks for one when
// it has no database password (apps/cli-go/internal/utils/flags/db_url.go
// initLoginRole, same commit, body {read_only: false}), logs in as it and
// steps down with `SET SESSION ROLE postgres` because the name starts with
// `cli_login_` (apps/cli-go/internal/utils/connect.go CLI_LOGIN_PREFIX), so a
// read-write role must be a member of postgres. On PostgreSQL 16+ postgres
// cannot grant its own membership (no ADMIN OPTION on itself; measured on the
// 17 stand-in: "permission denied to grant role \"postgres\""), so the roles
// are made by the image's superuser inside the db container (the runtime's
// data port, as the disk guard and backups do).
//
// Safety:
// - the password comes from the CSPRNG and never reaches Postgres or a log:
//   the role gets its SCRAM-SHA-256 verifier, made here (RFC 7677, the form
//   PostgreSQL stores in pg_authid and accepts as a PASSWORD literal);
// - each role expires (VALID UNTIL): Postgres refuses its log-ins after that;
// - expired ones are dropped on every create and delete of this project's
//   roles (the sweep), and DELETE drops them all; at most MAX_LIVE_ROLES
//   unexpired roles exist per project, past that a create is refused;
// - names are made here (cli_login_ + hex), never taken from the request.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import { ACTIVE_STATUSES, isStatusIn } from "@/lib/domain";
import { InvalidStateError, RateLimitedError } from "@/lib/errors";
import type { SessionUser } from "@/lib/auth/actor";
import { findOwned } from "@/lib/projects/queries";
import { secretsOf, type ProjectContext } from "@/lib/projects/context";
import { dataOpsOf } from "@/lib/stack/runtime-port";

export const LOGIN_ROLE_PREFIX = "cli_login_";
/** Long enough for the CLI's log-in and its retries (it connects once per command). */
export const LOGIN_ROLE_TTL_SECONDS = 600;
export const MAX_LIVE_ROLES = 10;
const SCRAM_ITERATIONS = 4096;

export interface LoginRole {
  role: string;
  password: string;
  ttlSeconds: number;
}

/** The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (pure but for the salt). */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = SCRAM_ITERATIONS): string {
  const salted = pbkdf2Sync(password.normalize("NFKC"), salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

const VERIFIER = /^SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/;
const ROLE = /^cli_login_[a-f0-9]{16}$/;

/**
 * Drops this project's expired CLI roles, each on its own (one that cannot
 * go, because it owns objects in another database, is reported and kept);
 * with `all`, every CLI role.
 */
export function sweepSql(all: boolean): string {
  const expired = all ? "" : " AND rolvaliduntil < now()";
  return `DO $sweep$
DECLARE r record;
BEGIN
  FOR r IN SELECT rolname FROM pg_roles WHERE rolname LIKE 'cli\\_login\\_%'${expired} LOOP
    BEGIN
      EXECUTE format('REASSIGN OWNED BY %I TO postgres', r.rolname);
      EXECUTE format('DROP OWNED BY %I', r.rolname);
      EXECUTE format('DROP ROLE %I', r.rolname);
    EXCEPTION WHEN others THEN
      RAISE WARNING 'supafleet: could not drop %: %', r.rolname, SQLERRM;
    END;
  END LOOP;
END
$sweep$;`;
}

/** The script that sweeps, checks the cap and makes one role (pure: name and verifier are given). */
export function createRoleSql(role: string, verifier: string, readOnly: boolean, ttlSeconds: number): string {
  if (!ROLE.test(role)) throw new Error("bad role name");
  if (!VERIFIER.test(verifier)) throw new Error("bad verifier");
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) throw new Error("bad ttl");
  const grants = readOnly
    ? // Reads everything, writes nothing by default (as the disk guard's read-only mode, per role here).
      [`GRANT pg_read_all_data TO ${role};`, `ALTER ROLE ${role} SET default_transaction_read_only = on;`]
    : [`GRANT postgres TO ${role};`];
  return [
    sweepSql(false),
    `DO $cap$ BEGIN
  IF (SELECT count(*) FROM pg_roles WHERE rolname LIKE 'cli\\_login\\_%') >= ${MAX_LIVE_ROLES} THEN
    RAISE EXCEPTION 'supafleet: too many live CLI login roles';
  END IF;
END $cap$;`,
    "BEGIN;",
    `CREATE ROLE ${role} LOGIN NOINHERIT PASSWORD '${verifier}' VALID UNTIL '${new Date(Date.now() + ttlSeconds * 1000).toISOString()}';`,
    ...grants,
    "COMMIT;",
  ].join("\n");
}

function runningProject(p: { status: string; ref: string }): void {
  if (!isStatusIn(p.status, ACTIVE_STATUSES)) throw new InvalidStateError(`The project is ${p.status}; its database runs only while it is active.`);
}

/** Owner only, as SQL through the API. */
export async function createLoginRole(ctx: ProjectContext, actor: SessionUser, ref: string, readOnly: boolean): Promise<LoginRole> {
  const p = await findOwned(ctx, actor, ref, { action: "project.secrets" });
  runningProject(p);
  const role = `${LOGIN_ROLE_PREFIX}${randomBytes(8).toString("hex")}`;
  const password = randomBytes(24).toString("base64url");
  const script = createRoleSql(role, scramVerifier(password), readOnly, LOGIN_ROLE_TTL_SECONDS);
  try {
    await dataOpsOf(ctx.provisioner, "database access").runSql(p.ref, script, { password: secretsOf(ctx, p).postgresPassword });
  } catch (err) {
    // The script holds no password (only its verifier); the cap's refusal is the caller's to retry later.
    if (err instanceof Error && err.message.includes("too many live CLI login roles"))
      throw new RateLimitedError(LOGIN_ROLE_TTL_SECONDS, `CLI login roles (at most ${MAX_LIVE_ROLES} live per project)`);
    // psql may echo the failing statement: its verifier stays out of messages and logs too.
    if (err instanceof Error) throw new InvalidStateError(`Could not create the login role: ${err.message.replace(/SCRAM-SHA-256\$[^'\s]*/g, "[verifier]")}`);
    throw err;
  }
  return { role, password, ttlSeconds: LOGIN_ROLE_TTL_SECONDS };
}

/** Drops every CLI login role of the project; idempotent. */
export async function deleteLoginRoles(ctx: ProjectContext, actor: SessionUser, ref: string): Promise<void> {
  const p = await findOwned(ctx, actor, ref, { action: "project.secrets" });
  runningProject(p);
  await dataOpsOf(ctx.provisioner, "database access").runSql(p.ref, sweepSql(true), { password: secretsOf(ctx, p).postgresPassword });
}
