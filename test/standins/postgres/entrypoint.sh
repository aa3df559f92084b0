#!/bin/bash
# Stand-in for supabase/postgres's entrypoint, which is docker-library's
# docker-entrypoint.sh (supabase/postgres Dockerfile-15/17: ADD
# .../docker-library/postgres/.../docker-entrypoint.sh), in its layout:
#  - only for the server itself (`postgres ...`, not --help/--version; a
#    first argument starting with "-" means postgres with those options),
#    as root: make the data and socket folders, then step down to postgres
#    (docker-library: gosu) and run this script again as postgres;
#  - on an empty PGDATA: initdb as $POSTGRES_USER with the password from
#    POSTGRES_PASSWORD and $POSTGRES_INITDB_ARGS (eval'd as docker-library
#    does: word-split, quotes honoured), pg_hba, a temporary socket-only
#    server started with the command's own options, POSTGRES_DB made when it
#    is not "postgres", then the TOP-LEVEL files of /docker-entrypoint-initdb.d
#    in sorted order: an executable *.sh is run, a *.sql is run by psql as
#    $POSTGRES_USER with ON_ERROR_STOP, anything else is ignored; the server
#    is stopped again;
#  - then the command is exec'd (as postgres: PID 1 gets docker stop's SIGTERM).
# Everything Supabase-specific (roles, schemas, the mounted init-scripts and
# migrations) is in /docker-entrypoint-initdb.d/migrate.sh, as in the real
# image, so an empty /docker-entrypoint-initdb.d gives a plain cluster.
# Before any server starts, as postgres: pgsodium's key (below).
set -Eeuo pipefail
: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
export POSTGRES_USER POSTGRES_DB

if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi

want_help() {
  local arg
  for arg; do
    case "$arg" in -'?' | --help | --describe-config | -V | --version) return 0 ;; esac
  done
  return 1
}

if [ "$1" = postgres ] && ! want_help "$@"; then
  if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA" /var/run/postgresql
    chown postgres:postgres "$PGDATA" /var/run/postgresql
    chmod 700 "$PGDATA"
    HOME=$(getent passwd postgres | cut -d: -f6)
    export HOME
    exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
  fi
  # The real server loads pgsodium (shared_preload_libraries, supabase/postgres
  # postgresql.conf.j2 @7db7e1a), which runs pgsodium.getkey_script (and, in
  # 17, vault.getkey_script: the same script) as postgres at every start, the
  # first boot's temporary server included. Postgres has no pgsodium here, so
  # the script runs once before any server, with the postmaster's umask
  # (0077: the data directory is 0700), and a key it cannot make or read
  # stops the start, as a failing getkey_script stops the real server.
  if ! (umask 077 && /usr/lib/postgresql/bin/pgsodium_getkey.sh >/dev/null); then
    echo 'standin-db: /usr/lib/postgresql/bin/pgsodium_getkey.sh failed (pgsodium would stop the server here)' >&2
    exit 1
  fi
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    if [ -z "${POSTGRES_PASSWORD:-}" ]; then
      echo 'Error: Database is uninitialized and superuser password is not specified.' >&2
      echo '       You must specify POSTGRES_PASSWORD to a non-empty value for the superuser.' >&2
      exit 1
    fi
    ls /docker-entrypoint-initdb.d/ >/dev/null
    # --pwfile: the password's first line, as docker-library passes it.
    eval 'initdb --username="$POSTGRES_USER" --pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD") '"${POSTGRES_INITDB_ARGS:-}" >/dev/null
    cat >"$PGDATA/pg_hba.conf" <<'HBA'
local all all trust
host  all all all scram-sha-256
HBA
    export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
    # The temporary server gets the command's own options (docker_temp_server_start).
    pg_ctl -D "$PGDATA" -w -o "$(printf '%q ' "${@:2}" -c listen_addresses='' -p "${PGPORT:-5432}")" start >/dev/null
    sql() { PGHOST=/var/run/postgresql PGHOSTADDR='' psql -v ON_ERROR_STOP=1 --no-psqlrc --no-password -q --username "$POSTGRES_USER" "$@"; }
    if [ "$POSTGRES_DB" != postgres ] && [ -z "$(sql --dbname postgres --set db="$POSTGRES_DB" -At -c "SELECT 1 FROM pg_database WHERE datname = :'db'")" ]; then
      sql --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
    fi
    shopt -s nullglob
    for f in /docker-entrypoint-initdb.d/*; do
      case "$f" in
        *.sh)
          if [ -x "$f" ]; then
            echo "$0: running $f"
            "$f"
          else
            echo "$0: ignoring $f (not executable)"
          fi
          ;;
        *.sql)
          echo "$0: running $f"
          sql --dbname "$POSTGRES_DB" -f "$f"
          ;;
        *) echo "$0: ignoring $f" ;;
      esac
    done
    shopt -u nullglob
    pg_ctl -D "$PGDATA" -w -m fast stop >/dev/null
    unset PGPASSWORD
    echo "standin-db: initialised"
    echo 'PostgreSQL init process complete; ready for start up.'
  else
    echo 'PostgreSQL Database directory appears to contain a database; Skipping initialization'
  fi
fi
exec "$@"
