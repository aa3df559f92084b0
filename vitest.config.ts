import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";
import { currentLane, LANE_A_FILES } from "./test/support/lanes";

const root = fileURLToPath(new URL(".", import.meta.url));
const alias = { "@": root };

// scripts/test.sh runs the integration and browser files in two lanes, two
// vitest processes side by side (test/support/lanes.ts says which file goes
// where and why); one file run by hand has no lane and runs as before.
const lane = currentLane();
const laneFiles = (include: string[]) => ({
  include: lane === "a" ? LANE_A_FILES.filter((f) => include.some((i) => f.startsWith(i.split("*")[0]!))) : include,
  exclude: [...configDefaults.exclude, ...(lane === "b" ? LANE_A_FILES : [])],
});
const globalSetup =
  lane === "b" ? ["test/global/lanes.ts"] : ["test/global/swarm.ts", "test/global/live-installation.ts", ...(lane === "a" ? ["test/global/lanes.ts"] : [])];

// Three groups: fast unit tests in parallel; tests that drive the real Docker
// engine / nginx / Postgres one file at a time (2 cores: parallel stacks only
// slow each other down); browser tests after them (sequence.groupOrder),
// against a built app. scripts/test.sh runs the unit group in a process of its
// own and builds the app beside the integration tests.
export default defineConfig({
  resolve: { alias },
  test: {
    reporters: ["default"],
    // One file at a time across all groups: two cores run one project stack's
    // tests well and two badly. (Files no longer endanger each other: each is
    // its own installation and touches only its own resources.)
    fileParallelism: false,
    projects: [
      { resolve: { alias }, test: { name: "unit", include: ["test/unit/**/*.test.ts", "test/db/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 120_000 } },
      {
        resolve: { alias },
        test: {
          name: "integration",
          ...laneFiles(["test/integration/**/*.test.ts"]),
          // Every lifecycle test runs on both provisioners (SUPAFLEET_TEST_ENGINES, default "docker,swarm").
          testTimeout: 600_000,
          hookTimeout: 900_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          // The run's one swarm (made first, left last: a leave breaks running
          // bridge projects' names, test/global/swarm.ts), then a separate live
          // installation beside the whole suite, checked untouched at the end.
          // Under lanes: lane a also meets lane b at test/global/lanes.ts (last: its teardown runs first); lane b only waits there.
          globalSetup,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "e2e",
          ...laneFiles(["test/e2e/**/*.test.ts"]),
          testTimeout: 600_000,
          hookTimeout: 900_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
