#!/usr/bin/env bash
# The one test command: installs what is missing, builds the app, runs every
# test (unit, database, Docker/nginx integration, browser) with vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test
echo "==> eslint"
npx eslint . || { echo "eslint found problems (npm run lint)"; exit 1; }
echo "==> prettier --check"
npx prettier --check . >/tmp/supafleet-prettier.log 2>&1 || { cat /tmp/supafleet-prettier.log; echo "prettier found unformatted files (npm run format)"; exit 1; }
echo "==> next build"
NEXT_TELEMETRY_DISABLED=1 npx next build >/tmp/supafleet-next-build.log 2>&1 || { cat /tmp/supafleet-next-build.log; exit 1; }
mkdir -p test-artifacts
status=0
rm -f test-artifacts/live-installation.json
# The live installation beside the suite is part of every full run.
export SUPAFLEET_TEST_LIVE_INSTALLATION=1
npx vitest run --project unit --project integration --project e2e --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest.json "$@" || status=$?
# One plain closing line for CI.
node -e '
  const r = JSON.parse(require("fs").readFileSync("test-artifacts/vitest.json", "utf8"));
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' || true
if [ $# -eq 0 ] && [ ! -f test-artifacts/live-installation.json ]; then
  echo "Live installation beside the suite: FAILED: no verdict was written (test/global/live-installation.ts did not finish)"
  status=1
elif [ -f test-artifacts/live-installation.json ]; then
  node -e 'const v = JSON.parse(require("fs").readFileSync("test-artifacts/live-installation.json", "utf8")); console.log(`Live installation beside the suite: ${v.ok ? "untouched" : "FAILED: " + v.detail}`); process.exit(v.ok ? 0 : 1)' || status=1
fi
exit $status
