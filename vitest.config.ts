import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));
const alias = { "@": root };

// Three groups: fast unit tests in parallel; tests that drive the real Docker
// engine / nginx / Postgres one file at a time (2 cores: parallel stacks only
// slow each other down); browser tests last, against a built app.
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
          include: ["test/integration/**/*.test.ts"],
          // Swarm runs are their own project (below): they are not run beside live installations.
          exclude: ["test/integration/swarm/**"],
          env: { SUPAFLEET_TEST_ENGINES: "docker" },
          testTimeout: 600_000,
          hookTimeout: 900_000,
          fileParallelism: false,
          // A separate live installation beside the whole suite, checked untouched at the end.
          globalSetup: ["test/global/live-installation.ts"],
        },
      },
      {
        // Swarm on this engine: the lifecycle on the Swarm provisioner, and a
        // second dockerd in a network namespace joining as a worker. Measured:
        // after either, a project of another installation on the same engine
        // could no longer be reached on its published ports ("Connection
        // terminated unexpectedly"), so these run only when asked for:
        // `npx vitest run --project multinode` (see docs/scale-out.md).
        resolve: { alias },
        test: {
          name: "multinode",
          include: ["test/integration/swarm/**/*.test.ts", "test/integration/projects/lifecycle.test.ts"],
          env: { SUPAFLEET_TEST_ENGINES: "swarm" },
          testTimeout: 600_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], testTimeout: 600_000, hookTimeout: 900_000, fileParallelism: false },
      },
    ],
  },
});
