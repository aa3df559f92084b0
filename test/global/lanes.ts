// The meeting points of the suite's two lanes (test/support/lanes.ts). Lane
// a lists this file last among its global setups: its setup runs once the
// swarm and the live installation stand (the ready mark), and its teardown,
// which vitest runs first, holds the swarm's leave and the live
// installation's check until lane b has ended. Lane b lists it alone: its
// setup waits for the ready mark.
import { currentLane, DONE_MARK, markReady, READY_MARK, waitForMark } from "@/test/support/lanes";

// Lane a's setup builds the stand-in images on a clean machine (minutes);
// lane b's whole run takes about half the suite.
const READY_WAIT_MS = 30 * 60_000;
const DONE_WAIT_MS = 70 * 60_000;

export async function setup(): Promise<(() => Promise<void>) | undefined> {
  const lane = currentLane();
  if (lane === "b") {
    await waitForMark(READY_MARK(), READY_WAIT_MS, "lane b waits for lane a's global setup (the swarm, the live installation, the stand-in images)");
    return undefined;
  }
  if (lane !== "a") return undefined;
  markReady();
  return () => waitForMark(DONE_MARK(), DONE_WAIT_MS, "lane a's teardown waits for lane b to end (scripts/test.sh writes the mark)");
}
