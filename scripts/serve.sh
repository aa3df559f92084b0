#!/usr/bin/env bash
# Starts Supafleet's nginx and then the app (foreground). Used by run.sh and
# as the Docker image's command. Expects a built app (next build).
set -euo pipefail
cd "$(dirname "$0")/.."
set -a
# shellcheck disable=SC1091
[ -f .env.local ] && . ./.env.local
set +a
export NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
export SUPAFLEET_DATA_DIR="${SUPAFLEET_DATA_DIR:-$PWD/data}"
export SUPAFLEET_NGINX_MAIN_CONF="${SUPAFLEET_NGINX_MAIN_CONF:-$SUPAFLEET_DATA_DIR/nginx/nginx.conf}"
export SUPAFLEET_NGINX_SITE_CONF="${SUPAFLEET_NGINX_SITE_CONF:-$SUPAFLEET_DATA_DIR/nginx/supafleet.conf}"
mkdir -p "$SUPAFLEET_DATA_DIR" && chmod 700 "$SUPAFLEET_DATA_DIR"
if [ "${SUPAFLEET_NGINX_ENABLED:-true}" != "false" ]; then
  npx tsx scripts/nginx-setup.ts
fi
# With nginx in front, the app listens on loopback only.
host=127.0.0.1
[ "${SUPAFLEET_NGINX_ENABLED:-true}" = "false" ] && host=0.0.0.0
# scripts/start.mjs is `next start` plus the real client address (see there).
exec node scripts/start.mjs -H "$host" -p "${SUPAFLEET_APP_PORT:-3000}"
