// What Swarm says about a project's services: their tasks and the nodes they
// run on. A task's state is as fresh as its node's last report, so a task on
// a node that is down is reported "unknown", never "running".
import type Docker from "dockerode";
import { ServiceExitedError, StackTimeoutError } from "@/lib/errors";
import { LABELS, type ServiceState } from "@/lib/stack/types";
import { labelFilter } from "@/lib/docker/client";
import { swarmOwned } from "@/lib/swarm/service-specs";
import { pinnedNode } from "@/lib/swarm/nodes";
import type { SwarmNodeInfo, SwarmServiceInfo, SwarmTask } from "@/lib/swarm/api-types";

/** The ref's services that this installation owns. */
export async function ownedServices(docker: Docker, ref: string, installationId: string): Promise<SwarmServiceInfo[]> {
  const services = (await docker.listServices({ filters: labelFilter({ [LABELS.managed]: "true", [LABELS.ref]: ref }) })) as unknown as SwarmServiceInfo[];
  return services.filter((s) => swarmOwned(s.Spec.Labels, ref, installationId));
}

export async function tasksOf(docker: Docker, serviceId: string): Promise<SwarmTask[]> {
  const tasks = (await docker.listTasks({ filters: JSON.stringify({ service: [serviceId] }) })) as SwarmTask[];
  // Newest first: the current task is the newest one Swarm wants running.
  return tasks.sort((a, b) => (b.CreatedAt ?? "").localeCompare(a.CreatedAt ?? ""));
}

export async function nodeStates(docker: Docker): Promise<Map<string, string>> {
  const nodes = (await docker.listNodes()) as SwarmNodeInfo[];
  return new Map(nodes.map((n) => [n.ID, n.Status?.State ?? "unknown"]));
}

/** Swarm task states in the words ServiceState uses (docker inspect's). */
const TASK_TO_CONTAINER: Record<string, string> = {
  running: "running",
  complete: "exited",
  failed: "exited",
  shutdown: "exited",
  rejected: "dead",
  orphaned: "dead",
  remove: "exited",
};

export function serviceStateOf(svc: SwarmServiceInfo, tasks: SwarmTask[], nodes: Map<string, string>): ServiceState {
  const labels = svc.Spec.Labels ?? {};
  const base = {
    service: labels[LABELS.service] ?? "unknown",
    containerName: svc.Spec.Name ?? svc.ID,
    restartCount: Math.max(0, tasks.filter((t) => t.Status?.State === "failed").length),
  };
  const replicas = svc.Spec.Mode?.Replicated?.Replicas ?? 1;
  const current = tasks.find((t) => t.DesiredState === "running") ?? tasks[0];
  if (replicas === 0 || !current)
    return { ...base, state: "exited", health: "none", exitCode: current?.Status?.ContainerStatus?.ExitCode ?? null, startedAt: null };
  // A node that stopped reporting: whatever its tasks last said is stale. The
  // service's own pin counts first: once its node is down, Swarm replaces the
  // task with one that waits, unassigned, for the node to return.
  const node = pinnedNode(svc) ?? current.NodeID;
  if (node && nodes.get(node) !== "ready") return { ...base, state: "unknown", health: "none", exitCode: null, startedAt: null };
  const taskState = current.Status?.State ?? "pending";
  const state = TASK_TO_CONTAINER[taskState] ?? "created";
  const hasCheck = Boolean(svc.Spec.TaskTemplate && "ContainerSpec" in svc.Spec.TaskTemplate && svc.Spec.TaskTemplate.ContainerSpec?.HealthCheck);
  // Swarm reports a task with a health check "running" only once the check has passed,
  // and shuts it down when it turns unhealthy: running means healthy.
  const health = !hasCheck ? "none" : state === "running" ? "healthy" : "starting";
  return {
    ...base,
    state,
    health,
    exitCode: state === "running" ? null : (current.Status?.ContainerStatus?.ExitCode ?? null),
    startedAt: state === "running" ? (current.Status?.Timestamp ?? null) : null,
  };
}

export async function inspectSwarmStack(docker: Docker, ref: string, installationId: string): Promise<ServiceState[]> {
  const [services, nodes] = await Promise.all([ownedServices(docker, ref, installationId), nodeStates(docker)]);
  const states = await Promise.all(services.map(async (s) => serviceStateOf(s, await tasksOf(docker, s.ID), nodes)));
  return states.sort((a, b) => a.service.localeCompare(b.service));
}

/** Failed tasks a start tolerates before giving up (Swarm restarts a failing task on its own). */
export const MAX_FAILED_TASKS = 3;

/**
 * Resolves when the service's current task runs (past its health check).
 * Fails when its tasks keep failing, or at the deadline.
 */
export async function waitTaskRunning(
  docker: Docker,
  service: string,
  serviceId: string,
  opts: { deadline: number; timeoutMs: number; pollMs: number; since: string; failed: () => unknown },
): Promise<void> {
  for (;;) {
    const stop = opts.failed();
    if (stop) throw stop;
    // Only tasks of this start: an older failure (before a pause) says nothing now.
    const tasks = (await tasksOf(docker, serviceId)).filter((t) => (t.CreatedAt ?? "") >= opts.since);
    if (tasks.some((t) => t.DesiredState === "running" && t.Status?.State === "running")) return;
    const failures = tasks.filter((t) => t.Status?.State === "failed" || t.Status?.State === "rejected");
    if (failures.length >= MAX_FAILED_TASKS) {
      const last = failures[0]!;
      throw new ServiceExitedError(
        service,
        last.Status?.ContainerStatus?.ExitCode ?? -1,
        `${failures.length} tasks failed; Swarm says: ${last.Status?.Err ?? "no error given"}`,
      );
    }
    if (Date.now() > opts.deadline) throw new StackTimeoutError([service], Math.round(opts.timeoutMs / 1000));
    await new Promise((r) => setTimeout(r, opts.pollMs));
  }
}
