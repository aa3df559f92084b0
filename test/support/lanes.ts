// The suite's two lanes (scripts/test.sh): most test files wait on Docker,
// Postgres and nginx far more than they compute, so the full run splits the
// integration and browser files into two vitest processes side by side.
//
// Lane "a" owns what is engine-wide: the suite's one Swarm (its nodes are
// drained and joined by the files that use it, so they all run here), the
// live installation, and the stand-in images (built by the live
// installation's setup before anything else starts). Lane "b" starts once
// lane a's global setup is done (the ready mark) and lane a's teardown (the
// swarm's leave, the live installation's check) waits for lane b to end
// (the done mark, written by scripts/test.sh when lane b's process exits).
//
// What the lanes must not share, they do not: each lane leases subnets from
// a pool of its own (two installations leasing from one pool at the same
// moment can pick the same free subnet), and the test files of different
// lanes use disjoint port ranges. Outside scripts/test.sh (one file run by
// hand) there are no lanes and everything is as it was.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export type Lane = "a" | "b";

export function currentLane(): Lane | undefined {
  const lane = process.env.SUPAFLEET_TEST_LANE;
  if (lane === undefined || lane === "") return undefined;
  if (lane !== "a" && lane !== "b") throw new Error(`SUPAFLEET_TEST_LANE: unknown lane ${lane} (a or b)`);
  return lane;
}

/** The files lane a runs (engine-wide state: the swarm's nodes and drains); every other file is lane b's. */
export const LANE_A_FILES = [
  "test/integration/projects/lifecycle.test.ts",
  "test/integration/swarm/two-nodes.test.ts",
  "test/e2e/nodes.test.ts",
  "test/integration/projects/upgrade.test.ts",
  "test/integration/backups/drill.test.ts",
  "test/integration/proxy/idle-wake.test.ts",
  "test/integration/proxy/routing.test.ts",
  "test/integration/network/egress-boot.test.ts",
  "test/integration/network/egress.test.ts",
  // For balance (about half the suite's time in each lane): pauses only its own containers.
  "test/integration/proxy/frozen-tier.test.ts",
];

const LANE_POOLS: Record<Lane | "none", string> = { none: "10.213.0.0/16", a: "10.213.0.0/16", b: "10.216.0.0/16" };

/** The subnet pool of this process's lane (see the header); lane a's is the default pool of a single run. */
export function laneSubnetPool(): { cidr: string; size: number } {
  return { cidr: LANE_POOLS[currentLane() ?? "none"], size: 26 };
}

function markDir(): string {
  return join(process.cwd(), "test-artifacts", "lanes");
}

export const READY_MARK = () => join(markDir(), "a-ready");
export const DONE_MARK = () => join(markDir(), "b-done");

export function markReady(): void {
  mkdirSync(markDir(), { recursive: true });
  writeFileSync(READY_MARK(), new Date().toISOString());
}

export async function waitForMark(file: string, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${what}: no ${file} within ${Math.round(timeoutMs / 60_000)} min`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}
