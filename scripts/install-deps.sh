#!/usr/bin/env bash
# Installs what Supafleet needs on a Debian machine and starts the Docker
# engine. Idempotent: anything already present is left alone.
#   scripts/install-deps.sh run   - to run Supafleet
#   scripts/install-deps.sh test  - to run the test suite (adds Chromium, PostgreSQL, debootstrap)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"

need=()
have_cmd() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }
have_cmd dockerd || need+=(docker.io)
have_cmd nginx || need+=(nginx)
have_cmd g++ || need+=(g++ make python3)
have_cmd curl || need+=(curl)
if [ "$mode" = "test" ]; then
  have_cmd chromium || [ -x /usr/bin/chromium ] || need+=(chromium)
  have_cmd debootstrap || need+=(debootstrap)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
fi

node_ok() { command -v node >/dev/null 2>&1 && node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'; }
node_ok || need+=(nodejs npm)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing packages: ${need[*]}. Run this script as root (sudo) or install them." >&2
    exit 1
  fi
  echo "==> apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d keeps package installs from auto-starting nginx/postgres on
  # ports we want to manage ourselves.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get install -y -qq --no-install-recommends "${need[@]}"
  rm -f /usr/sbin/policy-rc.d
fi
if ! node_ok; then
  echo "Node.js >= 20.19 is required (found: $(node --version 2>/dev/null || echo none)). Debian 13 ships it; on Debian 12 install Node 20 or 22 from nodejs.org/NodeSource." >&2
  exit 1
fi

# The Docker engine: systemd where there is one, else a background dockerd.
docker_up() { node -e 'require("http").get({socketPath:process.env.SUPAFLEET_DOCKER_SOCKET||"/var/run/docker.sock",path:"/_ping"},r=>process.exit(r.statusCode===200?0:1)).on("error",()=>process.exit(1))' 2>/dev/null; }
if ! docker_up; then
  if [ "$(id -u)" -ne 0 ]; then echo "The Docker engine is not running and this user cannot start it." >&2; exit 1; fi
  if [ -d /run/systemd/system ]; then
    systemctl start docker
  else
    echo "==> starting dockerd (log: /var/log/supafleet-dockerd.log)"
    nohup dockerd >/var/log/supafleet-dockerd.log 2>&1 &
  fi
  for _ in $(seq 1 60); do docker_up && break; sleep 1; done
  docker_up || { echo "Docker engine did not come up; see /var/log/supafleet-dockerd.log" >&2; exit 1; }
fi

# JavaScript dependencies (better-sqlite3 compiles here: about a minute).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci"
  if ! npm ci --no-audit --no-fund; then
    # Some registries (this workplace's mirror among them) lack other
    # platforms' optional packages at the locked versions, and npm ci then
    # refuses the lock. npm install keeps the locked versions and skips them.
    echo "==> npm ci refused the lock file; installing with npm install and the same lock"
    npm install --no-audit --no-fund
  fi
fi
