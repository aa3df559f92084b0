#!/bin/bash
# Stand-in for supabase/postgres's entrypoint. First start: initdb, the
# image's own baseline (roles, schemas), then the mounted init SQL exactly as
# the real image runs it (init-scripts as postgres, then migrations as
# supabase_admin, with ON_ERROR_STOP: a bug in the template SQL fails here).
# Later starts find the data volume initialised and only start the server.
set -euo pipefail
mkdir -p "$PGDATA" /var/run/postgresql
chown postgres:postgres "$PGDATA" /var/run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp) && printf '%s' "$POSTGRES_PASSWORD" > "$pwfile" && chown postgres "$pwfile"
  runuser -u postgres -- initdb -D "$PGDATA" -U supabase_admin --pwfile="$pwfile" -E UTF8 --no-sync >/dev/null
  rm -f "$pwfile"
  cat > "$PGDATA/pg_hba.conf" <<'HBA'
local all all trust
host  all all all scram-sha-256
HBA
  chown postgres:postgres "$PGDATA/pg_hba.conf"
  runuser -u postgres -- pg_ctl -D "$PGDATA" -w -o "-c config_file=/etc/postgresql/postgresql.conf -c listen_addresses=''" start >/dev/null
  export PGHOST=/var/run/postgresql
  psql -v ON_ERROR_STOP=1 --no-psqlrc -q -U supabase_admin -d postgres -f /standin/baseline.sql
  shopt -s nullglob
  for f in /docker-entrypoint-initdb.d/init-scripts/*.sql; do
    echo "standin-db: running $f"
    psql -v ON_ERROR_STOP=1 --no-psqlrc -q -U postgres -d postgres -f "$f"
  done
  for f in /docker-entrypoint-initdb.d/migrations/*.sql; do
    echo "standin-db: running $f"
    psql -v ON_ERROR_STOP=1 --no-psqlrc -q -U supabase_admin -d postgres -f "$f"
  done
  runuser -u postgres -- pg_ctl -D "$PGDATA" -w -m fast stop >/dev/null
  echo "standin-db: initialised"
  # The real image's entrypoint is docker-library's docker-entrypoint.sh (supabase/postgres
  # Dockerfile-17: ADD .../docker-library/postgres/.../docker-entrypoint.sh); these are its lines.
  echo 'PostgreSQL init process complete; ready for start up.'
else
  echo 'PostgreSQL Database directory appears to contain a database; Skipping initialization'
fi
# setpriv execs in place, so postgres is PID 1 and gets docker stop's SIGTERM.
exec setpriv --reuid=postgres --regid=postgres --init-groups "$@"
