// A project's database from a seed instead of a first boot (issue 13). A
// Supabase Postgres's first boot runs initdb and every init script; measured
// on the stand-in that is about 5 s of a 20 s create, on the critical path of
// every service (bench/RESULTS.md, "Starts and wake"). A seed is the data
// directory of one such first boot, made once per template db (image, init
// files, settings) with throwaway secrets and shut down cleanly; a create
// copies it into the project's new data volume and personalises it before the
// db first starts: every password set at init becomes the project's, and the
// init scripts that read a secret run again. test/integration/stack/db-seed
// checks that the result dumps equal to a fresh init of the same secrets.
// This file is the pure part: what a seed is keyed by, and the fill script.
import { createHash } from "node:crypto";
import { LABELS, type ServiceSpec, type StackSpec } from "@/lib/stack/types";

/** Where upstream's compose mounts the db data volume (docker/docker-compose.yml, `db-data:/var/lib/postgresql/data`). */
export const DB_DATA_TARGET = "/var/lib/postgresql/data";
/** Where the fill helper sees the seed (read-only). */
export const SEED_MOUNT = "/supafleet-seed";
/** Written into a seed once it is complete; its presence is what makes a seed usable. */
export const SEED_MARKER = "supafleet-seed.json";
/** A seed's volume carries this role label (and no ref: it belongs to no project). */
export const SEED_ROLE = "db-seed";
export const SEED_KEY_LABEL = "supafleet.seed-key";
/** Bumped when the fill script or the seed's making changes, so old seeds are not used. */
const SEED_FORMAT = 2;

/** The db's env that holds the project's secrets: replaced with throwaway values in a seed, set again by the fill. */
export const SEED_SECRET_ENV = ["POSTGRES_PASSWORD", "PGPASSWORD", "JWT_SECRET"] as const;
/** The db's env that only names the project; it does not reach the database. */
const SEED_IDENTITY_ENV = ["SUPAFLEET_REF"] as const;
const INIT_DIR = "/docker-entrypoint-initdb.d/";

export interface DbSeedPlan {
  db: ServiceSpec;
  /** The project's db data volume (the one mounted at DB_DATA_TARGET). */
  dataVolume: string;
  /** Init files that read a secret, run again on the copy, each as the image's superuser (seedReapplyUser). */
  reapply: Array<{ path: string; user: string }>;
  /** Everything but the image id that decides what a first boot makes. */
  keyParts: string;
}

/** The plan for a spec whose db can come from a seed; null when it cannot (no db, or no data volume). */
export function dbSeedPlan(spec: StackSpec): DbSeedPlan | null {
  const db = spec.services.find((s) => s.service === "db");
  const data = db?.mounts.find((m) => m.type === "volume" && m.target === DB_DATA_TARGET);
  if (!db || !data) return null;
  const secretRefs = new RegExp(`\\$\\{?(${SEED_SECRET_ENV.join("|")})\\b`);
  const reapply = db.files
    .filter((f) => f.path.startsWith(INIT_DIR) && f.path.endsWith(".sql") && secretRefs.test(f.content))
    .sort((a, b) => a.path.localeCompare(b.path))
    .map((f) => ({ path: f.path, user: SEED_REAPPLY_USER }));
  const masked = Object.fromEntries(
    Object.entries(db.env)
      .filter(([k]) => !(SEED_IDENTITY_ENV as readonly string[]).includes(k))
      .map(([k, v]) => [k, (SEED_SECRET_ENV as readonly string[]).includes(k) ? "<secret>" : v]),
  );
  const keyParts = JSON.stringify({
    format: SEED_FORMAT,
    image: db.image,
    entrypoint: db.entrypoint ?? null,
    cmd: db.cmd ?? null,
    user: db.user ?? null,
    env: Object.entries(masked).sort(([a], [b]) => a.localeCompare(b)),
    files: [...db.files].sort((a, b) => a.path.localeCompare(b.path)).map((f) => [f.path, f.mode, f.uid, f.gid, f.content]),
  });
  return { db, dataVolume: data.source, reapply, keyParts };
}

/**
 * The user the fill runs an init file again as: the image's superuser, not
 * the user its folder first ran as. upstream's migrate.sh runs
 * `init-scripts/*.sql` as postgres, but only while postgres is still a
 * superuser: the image's own migration 10000000000000_demote-postgres.sql
 * (supabase/postgres migrations/db/migrations, @7db7e1a) then makes it
 * NOSUPERUSER, and supautils' `reserved_roles` keeps a non-superuser from
 * altering the roles 99-roles.sql sets passwords of (upstream's compose:
 * "Must be superuser to alter reserved role"). A seed is a finished first
 * boot, so only the superuser can run them again.
 */
export const SEED_REAPPLY_USER = "supabase_admin";

/** The seed's key: its plan and the exact image (a tag can move; the image id cannot). */
export function seedKey(plan: DbSeedPlan, imageId: string): string {
  return createHash("sha256").update(plan.keyParts).update("\0").update(imageId).digest("hex");
}

export function seedVolumeName(key: string): string {
  return `supafleet-dbseed-${key.slice(0, 24)}`;
}

export function seedLabels(key: string, installationId: string): Record<string, string> {
  return { [LABELS.managed]: "true", [LABELS.installation]: installationId, [LABELS.role]: SEED_ROLE, [SEED_KEY_LABEL]: key };
}

/** The seed-making db's env: the project's, with throwaway secrets (the seed keeps none a project uses). */
export function seedEnv(db: ServiceSpec, throwaway: (name: string) => string): Record<string, string> {
  const env = { ...db.env };
  for (const k of SEED_SECRET_ENV) if (k in env) env[k] = throwaway(k);
  // The two password variables are one password in every template; keep them equal.
  if ("PGPASSWORD" in env && "POSTGRES_PASSWORD" in env) env.PGPASSWORD = env.POSTGRES_PASSWORD!;
  return env;
}

/** The db's config-file argument (`-c config_file=…`), which the fill's private server must use too. */
function configFileArgs(db: ServiceSpec): string {
  const cmd = db.cmd ?? [];
  const i = cmd.findIndex((a, n) => a.startsWith("config_file=") && cmd[n - 1] === "-c");
  return i > 0 ? `-c ${cmd[i]}` : "";
}

/**
 * The fill helper's shell script (POSIX sh, run as root in the db image with
 * the project's volumes, its env and the seed at SEED_MOUNT). It refuses a
 * data volume that holds anything but its own unfinished copy, so it can
 * never overwrite a database. The copy is personalised in a staging folder
 * by a private server (no TCP, a socket only root and postgres can reach,
 * trust on that socket) and moved into place with PG_VERSION last: until
 * then the db's entrypoint sees no cluster and would refuse the non-empty
 * folder rather than start a half-made one.
 */
export function fillScript(plan: DbSeedPlan, key: string): string {
  const reapply = plan.reapply.map((r) => `psql -v ON_ERROR_STOP=1 --no-psqlrc -q -U ${shq(r.user)} -d postgres -f ${shq(r.path)}`).join("\n");
  return `set -eu
data=${shq(DB_DATA_TARGET)}
seed=${shq(SEED_MOUNT)}
stage="$data/.supafleet-fill"
grep -q '"key":"${key}"' "$seed/${SEED_MARKER}" || { echo "supafleet-fill: the seed is not complete" >&2; exit 3; }
if [ -e "$data/PG_VERSION" ]; then echo "supafleet-fill: already initialised"; exit 0; fi
if [ -n "$(ls -A "$data" | grep -vx '.supafleet-fill' || true)" ]; then echo "supafleet-fill: the data volume is not empty; left as it is" >&2; exit 4; fi
rm -rf "$stage"
# Whatever happens from here, no half-made copy stays behind; the db can initialise itself instead.
trap 'rm -rf "$stage"' EXIT
cp -a "$seed" "$stage"
rm -f "$stage/${SEED_MARKER}" "$stage/postmaster.pid"
chown -R postgres:postgres "$stage" && chmod 700 "$stage"
sock=$(mktemp -d) && chown postgres:postgres "$sock" && chmod 700 "$sock"
printf 'local all all trust\\n' > "$sock/hba.conf" && chown postgres "$sock/hba.conf"
as_pg() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
if ! as_pg pg_ctl -D "$stage" -w -t 120 -l "$sock/server.log" -o "${configFileArgs(plan.db)} -c data_directory=$stage -c hba_file=$sock/hba.conf -c listen_addresses= -c unix_socket_directories=$sock -c logging_collector=off -c log_statement=none -c pg_stat_statements.track_utility=off" start >/dev/null; then
  cat "$sock/server.log" >&2; exit 5
fi
export PGHOST="$sock"
psql -v ON_ERROR_STOP=1 --no-psqlrc -q -U "\${POSTGRES_USER:-supabase_admin}" -d postgres <<'SQL'
\\set pgpass \`echo "$POSTGRES_PASSWORD"\`
SELECT format('ALTER ROLE %I WITH PASSWORD %L', rolname, :'pgpass') FROM pg_authid WHERE rolpassword IS NOT NULL \\gexec
SQL
${reapply}
as_pg pg_ctl -D "$stage" -w -t 120 -m fast stop >/dev/null
for f in $(ls -A "$stage"); do [ "$f" = PG_VERSION ] || mv "$stage/$f" "$data/"; done
mv "$stage/PG_VERSION" "$data/PG_VERSION"
rmdir "$stage"
chown postgres:postgres "$data" && chmod 700 "$data"
echo "supafleet-fill: done"
`;
}

/** Single-quoted for sh. */
function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
