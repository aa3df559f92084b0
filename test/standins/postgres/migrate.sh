#!/bin/sh
# STAND-IN for supabase/postgres's migrations/db/migrate.sh, installed where
# the real image has it (/docker-entrypoint-initdb.d/migrate.sh, the one
# top-level init file) and run by the entrypoint in the temporary server's
# first boot, as postgres. Like the real one it connects through
# POSTGRES_HOST/POSTGRES_PORT/POSTGRES_DB/POSTGRES_PASSWORD, makes the image's
# own roles and schemas (here: /standin/baseline.sql, what the real image's
# migrate.sh and its own init-scripts create), then runs
# init-scripts/*.sql as postgres and migrations/*.sql as supabase_admin, each
# with ON_ERROR_STOP (a bug in the template SQL fails the first boot). The
# template bind-mounts its files into those two folders, next to this file.
set -eu

export PGDATABASE="${POSTGRES_DB:-postgres}"
export PGHOST="${POSTGRES_HOST:-localhost}"
export PGPORT="${POSTGRES_PORT:-5432}"
export PGPASSWORD="${POSTGRES_PASSWORD:-}"

db=$(cd -- "$(dirname -- "$0")" >/dev/null 2>&1 && pwd)

psql -v ON_ERROR_STOP=1 --no-password --no-psqlrc -q -U supabase_admin -f /standin/baseline.sql
for f in "$db"/init-scripts/*.sql; do
  [ -e "$f" ] || continue
  echo "standin-db: running $f"
  psql -v ON_ERROR_STOP=1 --no-password --no-psqlrc -q -U postgres -f "$f"
done
for f in "$db"/migrations/*.sql; do
  [ -e "$f" ] || continue
  echo "standin-db: running $f"
  psql -v ON_ERROR_STOP=1 --no-password --no-psqlrc -q -U supabase_admin -f "$f"
done
