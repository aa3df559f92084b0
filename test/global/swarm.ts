// The suite's Swarm (vitest globalSetup of the integration group, before the
// live installation): the engine becomes a single-node Swarm manager for the
// whole run, so the lifecycle tests on the Swarm provisioner and the two-node
// drill find a swarm and leave it alone. Leaving a swarm mid-run broke the
// embedded DNS of every running bridge project on the engine (moby/moby#45144,
// test/support/swarm.ts), the live installation's included; so the only
// leave is here, at the very end, after every project of the run is gone, and
// only if no container on a user-defined network still runs.
import { ensureDockerHost } from "@/test/support/docker-host";
import { joinSwarm } from "@/test/support/swarm";

export async function setup(): Promise<() => Promise<void>> {
  const docker = await ensureDockerHost();
  const swarm = await joinSwarm(docker);
  console.info(
    `[swarm] ${swarm.initialised ? "made this engine a single-node swarm manager for the run" : "the engine already is a swarm manager: used as it is"}`,
  );
  return () => swarm.release();
}
