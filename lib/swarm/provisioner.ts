// The runtime ports (lib/stack/runtime-port.ts) on Docker Swarm through
// dockerode's service API, for one installation: the runtime and placement.
// Data operations and Edge Function files read and fill volumes through a
// helper container on the volumes' engine; under Swarm that is the project's
// node, which this provisioner reaches only as a service. Not built yet, so
// those ports are absent and callers refuse plainly (docs/scale-out.md). The manager's engine drives everything Swarm knows (services,
// tasks, nodes, configs, overlay networks); what lives on one node only (its
// volumes, its containers' statistics) needs that node's engine, given per
// node (SUPAFLEET_SWARM_NODE_ENGINES; the manager's own is always known).
import { ensureImages } from "@/lib/docker/images";
import type Docker from "dockerode";
import { ImagePullError, InvalidStateError, NodeUnavailableError } from "@/lib/errors";
import { createDockerClient } from "@/lib/docker/client";
import { usedHostPorts, usedSubnets } from "@/lib/docker/resources";
import { stackUsage, volumeSizes } from "@/lib/docker/stats";
import { containerName } from "@/lib/stack/build-stack-spec";
import type { NodeView, Provisioner } from "@/lib/stack/runtime-port";
import { readSwarmMetadata, writeSwarmMetadata } from "@/lib/swarm/metadata";
import { chooseNode, listNodeViews, pinnedNode, setNodeDrained } from "@/lib/swarm/nodes";
import { removeSwarmStack, waitTasksGone } from "@/lib/swarm/remove";
import { applySwarmStack, scaleSwarmStack } from "@/lib/swarm/stack";
import { listSwarmStacks, swarmHostPorts, watchSwarm } from "@/lib/swarm/engine-view";
import { inspectSwarmStack, ownedServices } from "@/lib/swarm/tasks";
import { swarmServiceLogs } from "@/lib/swarm/logs";

export interface SwarmProvisionerOptions {
  /** Encrypt every project overlay's data plane (SUPAFLEET_SWARM_ENCRYPT). */
  encrypted?: boolean;
  /** Engines of other nodes, by node id or address (the manager's own is `docker`). */
  nodeEngines?: Record<string, Docker>;
  /** How often watch() polls tasks and nodes (Swarm has no task events). */
  watchPollMs?: number;
}

export function swarmProvisioner(docker: Docker, installationId: string, opts: SwarmProvisionerOptions = {}): Provisioner {
  const engines = opts.nodeEngines ?? {};
  const nodes = () => listNodeViews(docker, installationId);
  const engineOf = (n: NodeView): Docker | null => (n.local ? docker : (engines[n.id] ?? engines[n.address] ?? null));
  /** The project's node, from its services' placement; null when it has no service. */
  const nodeOfRef = async (ref: string): Promise<NodeView | null> => {
    const services = await ownedServices(docker, ref, installationId);
    const id = services.map(pinnedNode).find((n): n is string => n !== null);
    return id ? ((await nodes()).find((n) => n.id === id) ?? null) : null;
  };
  const reachableEngines = async (): Promise<Docker[]> => {
    const all = (await nodes()).map(engineOf).filter((e): e is Docker => e !== null);
    return [...new Set(all)];
  };
  const up = async (
    spec: Parameters<Provisioner["up"]>[0],
    o: { onEvent: Parameters<Provisioner["up"]>[1]["onEvent"]; signal?: AbortSignal },
    force?: Parameters<Provisioner["replaceService"]>[1],
  ) => {
    if (!spec.placement) throw new InvalidStateError(`Project ${spec.ref} has no Swarm node; it must be placed before it starts.`);
    // Swarm pulls a missing image on the node at each task attempt and rejects
    // the task when it cannot: three rejections took over a minute (measured
    // in the lifecycle test). Where Supafleet reaches the node's engine, it
    // pulls first, so a missing image fails at once and names itself.
    const nodeId = spec.placement.nodeId;
    const node = (await nodes()).find((n) => n.id === nodeId);
    const engine = node?.state === "ready" ? engineOf(node) : null;
    if (engine) {
      try {
        await ensureImages(engine, [...new Set(spec.services.map((s) => s.image))], (p) =>
          o.onEvent({ kind: "image.pull", image: p.image, percent: p.percent, status: p.status }),
        );
      } catch (err) {
        if (err instanceof ImagePullError) throw err;
        // The node's engine does not answer Supafleet (Swarm may still reach it): Swarm pulls as before.
        console.warn(`[supafleet] images not checked on node ${node!.hostname}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return applySwarmStack(docker, spec, spec.placement.nodeId, { onEvent: o.onEvent, signal: o.signal, encrypted: opts.encrypted, force });
  };
  const pause = async (ref: string) => {
    await scaleSwarmStack(docker, ref, installationId, 0);
    await waitTasksGone(
      docker,
      (await ownedServices(docker, ref, installationId)).map((s) => s.ID),
    );
  };
  return {
    installationId,
    engineName: "Swarm",
    up: (spec, o) => up(spec, o),
    pause,
    restart: async (spec, o) => {
      await pause(spec.ref);
      await up(spec, o);
    },
    replaceService: (spec, service, o) => up(spec, o, service),
    destroy: async (ref) => {
      const node = await nodeOfRef(ref);
      const engine = node ? engineOf(node) : null;
      const volumeEngines = node ? (engine ? [engine] : []) : await reachableEngines();
      return removeSwarmStack(docker, ref, installationId, { volumes: true, volumeEngines, unreachableNode: node && !engine ? node.hostname : undefined });
    },
    removeContainers: (ref) => removeSwarmStack(docker, ref, installationId, { volumes: false, volumeEngines: [] }),
    status: async (ref) => {
      const states = await inspectSwarmStack(docker, ref, installationId);
      const lost = states.find((s) => s.state === "unknown");
      if (lost) {
        const node = await nodeOfRef(ref);
        throw new NodeUnavailableError(node?.hostname ?? "of this project", node?.state ?? "not reporting");
      }
      return states;
    },
    logs: (ref, service, o) => swarmServiceLogs(docker, containerName(ref, service), o),
    listStacks: () => listSwarmStacks(docker, reachableEngines),
    usedHostPorts: async () => new Set([...(await usedHostPorts(docker)), ...(await swarmHostPorts(docker))]),
    usedSubnets: () => usedSubnets(docker),
    readMetadata: (ref) => readSwarmMetadata(docker, ref, installationId),
    writeMetadata: (ref, sealed) => writeSwarmMetadata(docker, ref, installationId, sealed),
    watch: (onChange, signal) => watchSwarm(docker, installationId, onChange, signal, opts.watchPollMs ?? 3_000),
    usage: async (ref) => {
      const node = await nodeOfRef(ref);
      const engine = node ? engineOf(node) : null;
      return engine ? stackUsage(engine, ref, installationId) : null;
    },
    volumeSizes: async () => {
      const out: Record<string, number> = {};
      for (const e of await reachableEngines())
        for (const [ref, bytes] of Object.entries(await volumeSizes(e, installationId))) out[ref] = (out[ref] ?? 0) + bytes;
      return out;
    },
    placement: {
      place: async ({ memoryBytes }) => {
        const node = chooseNode(await nodes(), memoryBytes);
        return { nodeId: node.id, address: node.local ? null : node.address };
      },
      checkOpen: async () => {
        chooseNode(await nodes(), 0);
      },
      nodes,
      setNodeDrained: (nodeId, drained) => setNodeDrained(docker, nodeId, drained),
    },
  };
}

/**
 * nodeEngines: node id or address → the Docker socket of that node's engine
 * (a unix socket path, e.g. forwarded over SSH). TCP engines are not accepted:
 * an engine API without TLS client certificates is root on that host.
 */
export function createSwarmProvisioner(
  socketPath: string,
  installationId: string,
  opts: { encrypted?: boolean; nodeEngines?: Record<string, string> } = {},
): Provisioner {
  const nodeEngines = Object.fromEntries(Object.entries(opts.nodeEngines ?? {}).map(([k, v]) => [k, createDockerClient(v.replace(/^unix:\/\//, ""))]));
  return swarmProvisioner(createDockerClient(socketPath), installationId, { encrypted: opts.encrypted, nodeEngines });
}
