// The Swarm's nodes as Supafleet sees them: capacity, what is committed on
// each (memory limits of our services pinned there, reservations of anyone
// else's), our projects on it, and whether it takes new projects. Draining
// here is Supafleet's own label, not Swarm's "drain" availability: Swarm's
// drain would move tasks away, and a project's tasks cannot leave the node
// that holds its volumes.
import type Docker from "dockerode";
import { CapacityExceededError, NotFoundError } from "@/lib/errors";
import { LABELS } from "@/lib/stack/types";
import type { NodeView } from "@/lib/stack/runtime-port";
import type { SwarmNodeInfo, SwarmServiceInfo } from "@/lib/swarm/api-types";

export const DRAIN_LABEL = "supafleet.drain";

const PIN = /^node\.id\s*==\s*([a-z0-9]+)$/i;

export function pinnedNode(svc: SwarmServiceInfo): string | null {
  const t = svc.Spec.TaskTemplate as Docker.ContainerTaskSpec | undefined;
  for (const c of t?.Placement?.Constraints ?? []) {
    const m = PIN.exec(c.trim());
    if (m) return m[1]!;
  }
  return null;
}

/** Pure: the node views from the API's nodes and services. */
export function nodeViews(nodes: SwarmNodeInfo[], services: SwarmServiceInfo[], installationId: string, localNodeId: string): NodeView[] {
  const committed = new Map<string, number>();
  const projects = new Map<string, Set<string>>();
  for (const s of services) {
    const node = pinnedNode(s);
    if (!node) continue;
    const labels = s.Spec.Labels ?? {};
    const t = s.Spec.TaskTemplate as Docker.ContainerTaskSpec | undefined;
    const ours = labels[LABELS.managed] === "true";
    // Ours count with their limit, paused or not (a resume comes back to this node); others with what they reserve.
    const mem = ours ? (t?.Resources?.Limits?.MemoryBytes ?? 0) : (t?.Resources?.Reservations?.MemoryBytes ?? 0);
    committed.set(node, (committed.get(node) ?? 0) + mem);
    if (ours && labels[LABELS.installation] === installationId && labels[LABELS.ref]) {
      if (!projects.has(node)) projects.set(node, new Set());
      projects.get(node)!.add(labels[LABELS.ref]!);
    }
  }
  return nodes
    .map((n) => ({
      id: n.ID,
      hostname: n.Description?.Hostname ?? n.ID,
      address: n.Status?.Addr ?? "",
      role: n.Spec?.Role === "manager" ? ("manager" as const) : ("worker" as const),
      state: n.Status?.State ?? "unknown",
      availability: n.Spec?.Availability ?? "active",
      drained: n.Spec?.Labels?.[DRAIN_LABEL] === "true",
      local: n.ID === localNodeId,
      memoryBytes: n.Description?.Resources?.MemoryBytes ?? 0,
      nanoCpus: n.Description?.Resources?.NanoCPUs ?? 0,
      committedMemoryBytes: committed.get(n.ID) ?? 0,
      projects: [...(projects.get(n.ID) ?? [])].sort(),
    }))
    .sort((a, b) => a.hostname.localeCompare(b.hostname) || a.id.localeCompare(b.id));
}

/**
 * Pure: the node a new project goes to. Only ready, active, undrained nodes;
 * the most free memory (capacity minus what is committed) wins, fewer projects
 * break a tie. A project must fit in what is free.
 */
export function chooseNode(nodes: NodeView[], needBytes: number): NodeView {
  const eligible = nodes.filter((n) => n.state === "ready" && n.availability === "active" && !n.drained);
  if (!eligible.length) throw new CapacityExceededError("No Swarm node takes new projects (every node is down, paused or drained).");
  const free = (n: NodeView) => n.memoryBytes - n.committedMemoryBytes;
  const best = [...eligible].sort((a, b) => free(b) - free(a) || a.projects.length - b.projects.length || a.id.localeCompare(b.id))[0]!;
  if (free(best) < needBytes) {
    const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;
    throw new CapacityExceededError(`No Swarm node has room for this project (it needs ${gib(needBytes)}; the most free on any node is ${gib(free(best))}).`);
  }
  return best;
}

export async function listNodeViews(docker: Docker, installationId: string): Promise<NodeView[]> {
  const [nodes, services, info] = await Promise.all([
    docker.listNodes() as Promise<SwarmNodeInfo[]>,
    docker.listServices() as unknown as Promise<SwarmServiceInfo[]>,
    docker.info() as Promise<{ Swarm?: { NodeID?: string } }>,
  ]);
  return nodeViews(nodes, services, installationId, info.Swarm?.NodeID ?? "");
}

/** Sets or clears Supafleet's drain label on a node (its other labels stay). */
export async function setNodeDrained(docker: Docker, nodeId: string, drained: boolean): Promise<void> {
  let node: SwarmNodeInfo & { Version: { Index: number } };
  try {
    node = (await docker.getNode(nodeId).inspect()) as typeof node;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) throw new NotFoundError(`No Swarm node ${nodeId}.`);
    throw err;
  }
  const labels = { ...(node.Spec?.Labels ?? {}) };
  if (drained) labels[DRAIN_LABEL] = "true";
  else delete labels[DRAIN_LABEL];
  // Version in the query, spec as the body (see updateService in lib/swarm/stack.ts).
  await docker.getNode(node.ID).update({ _query: { version: node.Version.Index }, _body: { ...node.Spec, Labels: labels } });
}
