// Read-only views of a Swarm for the project service: every Supafleet stack
// on it (reconcile), the host ports its services publish (port leases), and a
// change feed (the monitor). Swarm has no events for task state changes or
// node failures, so watchSwarm polls tasks and nodes and reports each ref
// whose fingerprint changed.
import type Docker from "dockerode";
import { labelFilter } from "@/lib/docker/client";
import { EngineStackGroups, type EngineStack } from "@/lib/stack/engine-stacks";
import { LABELS } from "@/lib/stack/types";
import { pinnedNode } from "@/lib/swarm/nodes";
import type { SwarmNodeInfo, SwarmServiceInfo, SwarmTask } from "@/lib/swarm/api-types";

export async function listSwarmStacks(docker: Docker, engines: () => Promise<Docker[]>): Promise<EngineStack[]> {
  const filters = labelFilter({ [LABELS.managed]: "true" });
  const [services, networks] = await Promise.all([
    docker.listServices({ filters }) as unknown as Promise<SwarmServiceInfo[]>,
    docker.listNetworks({ filters }),
  ]);
  const groups = new EngineStackGroups();
  // A service stands for the container it keeps running.
  for (const s of services)
    groups.addContainer(s.Spec.Labels ?? {}, { id: s.ID, name: s.Spec.Name ?? s.ID, running: (s.Spec.Mode?.Replicated?.Replicas ?? 1) > 0 });
  for (const n of networks) if (n.Driver === "overlay") groups.addNetwork(n.Labels, n.Name);
  // Volumes are on their nodes: every engine this installation can reach.
  for (const engine of await engines().catch(() => [docker])) {
    const volumes = await engine.listVolumes({ filters }).catch(() => ({ Volumes: [] }));
    for (const v of volumes.Volumes ?? []) groups.addVolume(v.Labels as Record<string, string> | null, v.Name);
  }
  return groups.stacks();
}

/** Ports published by any Swarm service (ours or not), on whatever node. */
export async function swarmHostPorts(docker: Docker): Promise<number[]> {
  const services = (await docker.listServices()) as unknown as Array<SwarmServiceInfo & { Endpoint?: { Ports?: Array<{ PublishedPort?: number }> } }>;
  const ports: number[] = [];
  for (const s of services) {
    for (const p of s.Spec.EndpointSpec?.Ports ?? []) if (p.PublishedPort) ports.push(p.PublishedPort);
    for (const p of s.Endpoint?.Ports ?? []) if (p.PublishedPort) ports.push(p.PublishedPort);
  }
  return ports;
}

/** Per ref of this installation: its services' current task states and their nodes' states. */
async function fingerprints(docker: Docker, installationId: string): Promise<Map<string, string>> {
  const [services, tasks, nodes] = await Promise.all([
    docker.listServices({ filters: labelFilter({ [LABELS.managed]: "true", [LABELS.installation]: installationId }) }) as unknown as Promise<
      SwarmServiceInfo[]
    >,
    docker.listTasks({ filters: JSON.stringify({ "desired-state": ["running"] }) }) as Promise<Array<SwarmTask & { ServiceID?: string }>>,
    docker.listNodes() as Promise<SwarmNodeInfo[]>,
  ]);
  const nodeState = new Map(nodes.map((n) => [n.ID, n.Status?.State ?? "unknown"]));
  const out = new Map<string, string[]>();
  for (const s of services) {
    const ref = s.Spec.Labels?.[LABELS.ref];
    if (!ref) continue;
    const node = pinnedNode(s);
    const states = tasks.filter((t) => t.ServiceID === s.ID).map((t) => `${t.ID}:${t.Status?.State ?? ""}`);
    const list = out.get(ref) ?? [];
    list.push(`${s.Spec.Name}=${s.Spec.Mode?.Replicated?.Replicas ?? 1}/${states.sort().join(",")}@${node ? nodeState.get(node) : ""}`);
    out.set(ref, list);
  }
  return new Map([...out].map(([ref, l]) => [ref, l.sort().join(";")]));
}

/** Calls onChange for each ref whose tasks or node changed; resolves when `signal` aborts, rejects when the manager stops answering. */
export async function watchSwarm(docker: Docker, installationId: string, onChange: (ref: string) => void, signal: AbortSignal, pollMs: number): Promise<void> {
  let previous = await fingerprints(docker, installationId);
  while (!signal.aborted) {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const t = setTimeout(done, pollMs);
      signal.addEventListener("abort", done, { once: true });
    });
    if (signal.aborted) return;
    const now = await fingerprints(docker, installationId);
    for (const ref of new Set([...previous.keys(), ...now.keys()])) if (previous.get(ref) !== now.get(ref)) onChange(ref);
    previous = now;
  }
}
