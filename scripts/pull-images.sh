#!/usr/bin/env bash
# Pre-pulls the stack template's images (about 3 GB from Docker Hub) so the
# first project create does not wait for them. Reads .env.local like serve.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
set -a
# shellcheck disable=SC1091
[ -f .env.local ] && . ./.env.local
set +a
exec npx tsx scripts/pull-images.ts
