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
# Rotates nginx's logs (scripts/nginx-setup.ts installs /etc/logrotate.d/supafleet-nginx).
have_cmd logrotate || need+=(logrotate)
if [ "$mode" = "test" ]; then
  have_cmd chromium || [ -x /usr/bin/chromium ] || need+=(chromium)
  have_cmd debootstrap || need+=(debootstrap)
  # A local image registry: the image-pull tests pull from it (no Docker Hub here).
  have_cmd docker-registry || need+=(docker-registry)
  # Let's Encrypt's ACME test CA: the automatic-certificate tests issue from it.
  have_cmd pebble || need+=(pebble)
  # An authoritative DNS server taking RFC 2136 updates: the DNS-01 wildcard test issues through it.
  have_cmd knotd || need+=(knot)
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
# A dockerd that was killed without a shutdown (a session or a CI runner
# ending) leaves its runtime state under /var/run/docker. Where /run is not a
# tmpfs that state survives, and containerd then spends minutes "cleaning up
# dead shim"s until dockerd gives up ("timeout waiting for containerd to
# start", measured: 248 stale shims, engine never came up in 107 s; after the
# cleanup it answers in 1 s). With no engine process alive the state is stale
# by definition, so drop it the way a reboot would.
clear_stale_engine_state() {
  if pgrep -x dockerd >/dev/null || pgrep -f '/var/run/docker/containerd/containerd.toml' >/dev/null; then return; fi
  rm -rf /var/run/docker/containerd /var/run/docker.pid
}
start_dockerd() {
  clear_stale_engine_state
  echo "==> starting dockerd (log: /var/log/supafleet-dockerd.log)"
  nohup dockerd >>/var/log/supafleet-dockerd.log 2>&1 &
  for _ in $(seq 1 "$1"); do docker_up && return 0; sleep 1; done
  return 1
}
if ! docker_up; then
  if [ "$(id -u)" -ne 0 ]; then echo "The Docker engine is not running and this user cannot start it." >&2; exit 1; fi
  if [ -d /run/systemd/system ]; then
    systemctl start docker
    for _ in $(seq 1 60); do docker_up && break; sleep 1; done
  elif ! start_dockerd 60; then
    echo "==> dockerd did not answer in 60 s; stopping it and starting again" >&2
    pkill -x dockerd || true
    for _ in $(seq 1 20); do pgrep -x dockerd >/dev/null || break; sleep 1; done
    pkill -9 -x dockerd || true
    pkill -f '/var/run/docker/containerd/containerd.toml' || true
    sleep 1
    start_dockerd 120 || true
  fi
  docker_up || { echo "Docker engine did not come up; last lines of /var/log/supafleet-dockerd.log:" >&2; tail -n 20 /var/log/supafleet-dockerd.log >&2; exit 1; }
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
