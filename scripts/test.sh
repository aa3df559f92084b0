#!/usr/bin/env bash
# The one test command: installs what is missing, builds the app, runs every
# test (unit, database, Docker/nginx integration, browser) with vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test
echo "==> next build"
NEXT_TELEMETRY_DISABLED=1 npx next build >/tmp/supafleet-next-build.log 2>&1 || { cat /tmp/supafleet-next-build.log; exit 1; }
mkdir -p test-artifacts
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest.json "$@" || status=$?
# One plain closing line for CI.
node -e '
  const r = JSON.parse(require("fs").readFileSync("test-artifacts/vitest.json", "utf8"));
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' || true
exit $status
