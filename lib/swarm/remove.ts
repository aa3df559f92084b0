// Taking a project off the Swarm: its services (tasks stop on their node),
// then, for a delete, its configs, network and the node-local volumes.
// Only objects labelled for the ref AND this installation are touched.
// Volumes live on the project's node and only that node's engine can remove
// them: the caller passes it (null when no engine is reachable for the node,
// and then a delete that must remove volumes fails with a clear message).
import type Docker from "dockerode";
import { ConfigError, ResourceConflictError } from "@/lib/errors";
import { LABELS } from "@/lib/stack/types";
import { labelFilter, statusOf } from "@/lib/docker/client";
import type { Removed } from "@/lib/stack/engine-stacks";
import { swarmOwned } from "@/lib/swarm/service-specs";
import { ownedServices, tasksOf } from "@/lib/swarm/tasks";
import { scaleSwarmStack } from "@/lib/swarm/stack";

// 60 s of passes: a node under load takes its time to let go of a network.
const PASSES = 120;
const PAUSE_MS = 500;

async function removing(fn: () => Promise<unknown>): Promise<"gone" | "busy"> {
  try {
    await fn();
    return "gone";
  } catch (err) {
    const s = statusOf(err);
    if (s === 404) return "gone";
    // In use by tasks that are still shutting down (network endpoints, config references, volumes).
    if (s === 409 || s === 403 || s === 400 || s === 500) return "busy";
    throw err;
  }
}

/** Waits until none of the services' tasks runs any more (a pause must not return while the database still writes). */
export async function waitTasksGone(docker: Docker, serviceIds: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const live = await Promise.all(
      serviceIds.map(async (id) =>
        (await tasksOf(docker, id).catch(() => [])).some((t) =>
          ["running", "starting", "preparing", "assigned", "accepted", "ready"].includes(t.Status?.State ?? ""),
        ),
      ),
    );
    if (!live.some(Boolean)) return;
    if (Date.now() > deadline) throw new ResourceConflictError(`Swarm tasks were still running after ${timeoutMs / 1000} s.`);
    await new Promise((r) => setTimeout(r, PAUSE_MS));
  }
}

export interface SwarmRemoveOptions {
  volumes: boolean;
  /** Engines to remove the ref's labelled volumes from (the project's node's, or every reachable one when its node is not known). */
  volumeEngines: Docker[];
  /** The project's node, when its engine is not reachable: its volumes cannot be removed. */
  unreachableNode?: string;
}

export async function removeSwarmStack(docker: Docker, ref: string, installationId: string, opts: SwarmRemoveOptions): Promise<Removed> {
  const removed: Removed = { containers: 0, volumes: 0, networks: 0 };
  const filters = labelFilter({ [LABELS.managed]: "true", [LABELS.ref]: ref });
  const services = await ownedServices(docker, ref, installationId);
  // Tasks first: a removed service's containers linger on their node while
  // they stop (20 s grace each), holding the volumes, configs and network.
  // Scaled to 0 and waited for, they are gone when the service goes.
  await scaleSwarmStack(docker, ref, installationId, 0);
  await waitTasksGone(
    docker,
    services.map((s) => s.ID),
  ).catch(() => undefined); // the passes below wait too
  for (const s of services) if ((await removing(() => docker.getService(s.ID).remove())) === "gone") removed.containers++;
  if (!opts.volumes) return removed;

  let busy = "";
  for (let pass = 0; pass < PASSES; pass++) {
    if (pass > 0) await new Promise((r) => setTimeout(r, PAUSE_MS));
    busy = "";
    const configs = ((await docker.listConfigs({ filters })) as Array<{ ID: string; Spec: { Name: string; Labels?: Record<string, string> } }>).filter((c) =>
      swarmOwned(c.Spec.Labels, ref, installationId),
    );
    for (const c of configs) if ((await removing(() => docker.getConfig(c.ID).remove())) === "busy") busy = `config ${c.Spec.Name} still in use`;
    const networks = (await docker.listNetworks({ filters })).filter((n) => swarmOwned(n.Labels, ref, installationId));
    for (const n of networks) {
      if ((await removing(() => docker.getNetwork(n.Id).remove())) === "busy") busy = `network ${n.Name} still has tasks attached`;
      else removed.networks++;
    }
    let volumes = 0;
    for (const engine of opts.volumeEngines) {
      // Swarm removes a removed service's containers itself, a little later: wait for them.
      const lingering = (await engine.listContainers({ all: true, filters })).filter((c) => swarmOwned(c.Labels, ref, installationId));
      if (lingering.length) busy = `${lingering.length} container(s) of removed services still on their node`;
      const found = ((await engine.listVolumes({ filters })).Volumes ?? []).filter((v) =>
        swarmOwned(v.Labels as Record<string, string> | null, ref, installationId),
      );
      volumes += found.length;
      for (const v of found) {
        if ((await removing(() => engine.getVolume(v.Name).remove())) === "busy") busy = `volume ${v.Name} still in use`;
        else removed.volumes++;
      }
    }
    if (!busy && configs.length + networks.length + volumes === 0) break;
  }
  if (busy) throw new ResourceConflictError(`Could not remove every resource of ${ref} after ${PASSES} passes: ${busy}.`);
  if (opts.unreachableNode) {
    throw new ConfigError(
      `The volumes of ${ref} are on Swarm node ${opts.unreachableNode}, whose engine Supafleet cannot reach (SUPAFLEET_SWARM_NODE_ENGINES names none for it); its services, configs and network are gone, its volumes stay on that node.`,
    );
  }
  return removed;
}
