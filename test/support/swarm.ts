// A Swarm for tests on the shared engine, left as it was found: when the
// engine is not in a swarm, joinSwarm() makes it a single-node manager and
// the returned release() leaves the swarm again (and removes the
// docker_gwbridge network that Swarm made, if it was not there before).
// When the engine already is a manager, it is used as it is and left alone.
//
// Leaving a swarm is not harmless on Docker 20.10: every running container on
// a user-defined bridge network loses its names in the engine's embedded DNS
// ("db" no longer resolves; moby/moby#45144, open; reproduced here: a live
// project's pooler could no longer reach its database after a leave, and only
// restarting the named container brought its record back). So release()
// leaves only when no such container is running; otherwise it keeps the
// swarm and says why. The suite makes one swarm for the whole run
// (test/global/swarm.ts) so that no test leaves it while projects run.
import { networkInterfaces } from "node:os";
import type Docker from "dockerode";

interface SwarmInfo {
  Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; NodeID?: string };
}

/** The address other nodes reach this host at: the source address of its default route. */
export function advertiseAddress(): string {
  // eth0-style: the first global IPv4 of an interface that is not one of Docker's or a test veth.
  const nets = networkInterfaces();
  for (const [name, addrs] of Object.entries(nets)) {
    if (name === "lo" || name.startsWith("docker") || name.startsWith("br-") || name.startsWith("veth") || name.startsWith("sf")) continue;
    const v4 = addrs?.find((a) => a.family === "IPv4" && !a.internal);
    if (v4) return v4.address;
  }
  throw new Error("No IPv4 address for the Swarm to advertise (no non-Docker interface with one).");
}

export interface TestSwarm {
  /** This engine's node id. */
  nodeId: string;
  /** Whether this run made the swarm (and release() will leave it). */
  initialised: boolean;
  /** The manager's join token for workers. */
  workerToken: string;
  managerAddress: string;
  release(): Promise<void>;
}

export async function joinSwarm(docker: Docker): Promise<TestSwarm> {
  const before = (await docker.info()) as SwarmInfo;
  const state = before.Swarm?.LocalNodeState;
  let initialised = false;
  const hadGwbridge = (await docker.listNetworks({ filters: JSON.stringify({ name: ["docker_gwbridge"] }) })).some((n) => n.Name === "docker_gwbridge");
  const managerAddress = advertiseAddress();
  if (state === "inactive") {
    await docker.swarmInit({ ListenAddr: "0.0.0.0:2377", AdvertiseAddr: managerAddress, ForceNewCluster: false });
    initialised = true;
  } else if (state !== "active" || !before.Swarm?.ControlAvailable) {
    throw new Error(`The engine is in a swarm state the tests cannot use: ${state ?? "unknown"}${before.Swarm?.ControlAvailable ? "" : " (not a manager)"}.`);
  }
  const info = (await docker.info()) as SwarmInfo;
  const swarm = (await docker.swarmInspect()) as { JoinTokens: { Worker: string } };
  return {
    nodeId: info.Swarm?.NodeID ?? "",
    initialised,
    workerToken: swarm.JoinTokens.Worker,
    managerAddress,
    release: async () => {
      if (!initialised) return;
      const wouldLoseNames = await containersThatWouldLoseNames(docker);
      if (wouldLoseNames.length) {
        console.warn(
          `[swarm] the engine stays a single-node swarm manager: leaving would break name resolution of ${wouldLoseNames.length} running container(s) ` +
            `on user-defined networks (moby/moby#45144), e.g. ${wouldLoseNames.slice(0, 3).join(", ")}. Leave with \`docker swarm leave --force\` once they are stopped.`,
        );
        return;
      }
      await docker.swarmLeave({ force: true });
      if (!hadGwbridge) {
        try {
          await docker.getNetwork("docker_gwbridge").remove();
        } catch (err) {
          const code = (err as { statusCode?: number }).statusCode;
          if (code !== 404) throw err;
        }
      }
    },
  };
}

/** Running containers (not swarm tasks, which go with the swarm) attached to a user-defined network. */
async function containersThatWouldLoseNames(docker: Docker): Promise<string[]> {
  const builtIn = new Set(["bridge", "host", "none", "docker_gwbridge", "ingress"]);
  const running = await docker.listContainers();
  return running
    .filter((c) => !c.Labels?.["com.docker.swarm.task.id"])
    .filter((c) => Object.keys(c.NetworkSettings?.Networks ?? {}).some((n) => !builtIn.has(n)))
    .map((c) => (c.Names[0] ?? c.Id).replace(/^\//, ""));
}
