#!/usr/bin/env bash
# The one test command: installs what is missing, builds the app, runs every
# test (unit, database, Docker/nginx integration, browser) with vitest.
#
# Two lines of work run side by side, because the integration tests mostly
# wait on Docker and leave the cores idle:
#   - in the background, one after the other (one more busy core, not two):
#     the unit and database tests in a vitest process of their own, then the
#     checks (eslint, prettier --check, next build);
#   - in the foreground, the integration tests, then the browser tests (one
#     vitest process, so the live installation of
#     test/global/live-installation.ts stands beside both); with
#     SUPAFLEET_TEST_LANES=2, in two lanes (two vitest processes side by side,
#     test/support/lanes.ts): lane a holds what is engine-wide (the swarm, the
#     live installation, the files that drain or join its nodes), lane b the
#     rest. The browser tests' app server waits for the build's verdict
#     (test/support/app-server.ts, SUPAFLEET_TEST_APP_BUILD).
# A failed unit test or check fails the run with its output, as before.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test
mkdir -p test-artifacts
rm -rf test-artifacts/live-installation.json test-artifacts/vitest.json test-artifacts/vitest-b.json test-artifacts/vitest-unit.json test-artifacts/lanes
checks=$(mktemp -d /tmp/supafleet-checks-XXXXXX)
export SUPAFLEET_TEST_APP_BUILD="$checks/next-build.status"

unit_args=(--project unit --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest-unit.json)
[ $# -gt 0 ] && unit_args+=(--passWithNoTests)
echo "==> unit and database tests, then eslint, prettier and next build, beside the integration tests (output at the end)"
(
  export NEXT_TELEMETRY_DISABLED=1
  # Whatever happens here, the browser tests must not wait for a verdict that never comes.
  trap '[ -f "$checks/next-build.status" ] || echo "the checks stopped before next build finished" >"$checks/next-build.status"' EXIT
  run_check() { # name, command...
    local name=$1
    shift
    local t=$SECONDS rc=0
    "$@" >"$checks/$name.log" 2>&1 || rc=$?
    echo "$rc" >"$checks/$name.status"
    echo "==> $name: $([ "$rc" -eq 0 ] && echo ok || echo "FAILED ($rc)") in $((SECONDS - t)) s"
  }
  run_check unit npx vitest run "${unit_args[@]}" "$@"
  run_check eslint npx eslint .
  run_check prettier npx prettier --check .
  # Written last: the browser tests wait for this file.
  run_check next-build npx next build
) &
background_pid=$!

status=0
# The live installation beside the suite is part of every full run.
export SUPAFLEET_TEST_LIVE_INSTALLATION=1
main_args=(--project integration --project e2e --reporter=default --reporter=json)
# Lanes are opt-in (SUPAFLEET_TEST_LANES=2): measured on this 2-core machine,
# two lanes made every file about twice as slow (the suite is CPU-bound, not
# Docker-bound) and the first stack of lane b could miss its health grace
# while lane a, the unit tests and next build started theirs (see README).
if [ $# -gt 0 ] || [ "${SUPAFLEET_TEST_LANES:-1}" != 2 ]; then
  echo "==> integration and browser tests"
  npx vitest run "${main_args[@]}" --outputFile.json=test-artifacts/vitest.json --passWithNoTests "$@" || status=$?
else
  # Two lanes side by side (test/support/lanes.ts): lane a in the
  # foreground, lane b in the background with its output at the end. Lane b
  # starts once lane a's global setup stands; lane a's teardown waits for the
  # mark written here when lane b's process ends, however it ends.
  echo "==> integration and browser tests in two lanes (test/support/lanes.ts); lane b's output follows lane a's"
  (
    rc=0
    SUPAFLEET_TEST_LANE=b npx vitest run "${main_args[@]}" --outputFile.json=test-artifacts/vitest-b.json >"$checks/lane-b.log" 2>&1 || rc=$?
    echo "$rc" >"$checks/lane-b.status"
    mkdir -p test-artifacts/lanes
    date -u +%FT%TZ >test-artifacts/lanes/b-done
  ) &
  lane_b_pid=$!
  SUPAFLEET_TEST_LANE=a npx vitest run "${main_args[@]}" --outputFile.json=test-artifacts/vitest.json || status=$?
  wait "$lane_b_pid" || true
  echo "==> lane b: integration and browser tests"
  cat "$checks/lane-b.log" 2>/dev/null || true
  rc=$(cat "$checks/lane-b.status" 2>/dev/null || echo "did not finish")
  if [ "$rc" != 0 ]; then
    echo "lane b's integration or browser tests failed ($rc)"
    status=1
  fi
fi

wait "$background_pid" || true
echo "==> unit and database tests"
cat "$checks/unit.log" 2>/dev/null || true
for name in unit eslint prettier next-build; do
  rc=$(cat "$checks/$name.status" 2>/dev/null || echo "did not finish")
  if [ "$rc" != 0 ]; then
    [ "$name" = unit ] || cat "$checks/$name.log" 2>/dev/null || true
    case $name in
      unit) echo "unit and database tests failed" ;;
      eslint) echo "eslint found problems (npm run lint)" ;;
      prettier) echo "prettier found unformatted files (npm run format)" ;;
      next-build) echo "next build failed" ;;
    esac
    status=1
  fi
done

# One JSON for the whole run (the unit process's results folded in), and one plain closing line for CI.
node -e '
  const fs = require("fs");
  const read = (f) => { try { return JSON.parse(fs.readFileSync(f, "utf8")); } catch { return null; } };
  const main = read("test-artifacts/vitest.json");
  const laneB = read("test-artifacts/vitest-b.json");
  const unit = read("test-artifacts/vitest-unit.json");
  const expected = fs.existsSync("test-artifacts/lanes") ? 3 : 2;
  const parts = [main, laneB, unit].filter(Boolean);
  if (!parts.length) throw new Error("no vitest JSON was written");
  const r = { ...parts[0], testResults: parts.flatMap((p) => p.testResults) };
  for (const k of Object.keys(r)) if (k.startsWith("num")) r[k] = parts.reduce((n, p) => n + (p[k] ?? 0), 0);
  r.startTime = Math.min(...parts.map((p) => p.startTime));
  r.success = parts.length === expected && parts.every((p) => p.success);
  fs.writeFileSync("test-artifacts/vitest.json", JSON.stringify(r));
  fs.rmSync("test-artifacts/vitest-unit.json", { force: true });
  fs.rmSync("test-artifacts/vitest-b.json", { force: true });
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' || true
rm -rf "$checks"
if [ $# -eq 0 ] && [ ! -f test-artifacts/live-installation.json ]; then
  echo "Live installation beside the suite: FAILED: no verdict was written (test/global/live-installation.ts did not finish)"
  status=1
elif [ -f test-artifacts/live-installation.json ]; then
  node -e 'const v = JSON.parse(require("fs").readFileSync("test-artifacts/live-installation.json", "utf8")); console.log(`Live installation beside the suite: ${v.ok ? "untouched" : "FAILED: " + v.detail}`); process.exit(v.ok ? 0 : 1)' || status=1
fi
exit $status
