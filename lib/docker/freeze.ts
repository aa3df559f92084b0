// The frozen sleep tier on one Docker engine: `docker pause` puts every
// container of a stack in the cgroup freezer (no CPU, memory kept), `docker
// unpause` thaws it. Only containers labelled for the ref AND this
// installation are touched (the metadata helper is not part of the stack).
// Docker stops a paused container's health checks and starts them again on
// unpause (moby daemon/health.go: updateHealthMonitor runs the monitor only
// while the container is running and not paused), so no health-check process
// runs in a frozen stack.
import type Docker from "dockerode";
import { labelFilter, statusOf } from "@/lib/docker/client";
import { ownedBy } from "@/lib/docker/resources";
import { METADATA_ROLE } from "@/lib/docker/volume-helper";
import { LABELS } from "@/lib/stack/types";

export async function stackContainers(docker: Docker, ref: string, installationId: string): Promise<Docker.ContainerInfo[]> {
  const containers = await docker.listContainers({ all: true, filters: labelFilter({ [LABELS.managed]: "true", [LABELS.ref]: ref }) });
  return containers.filter((c) => ownedBy(c.Labels, ref, installationId) && c.Labels?.[LABELS.role] !== METADATA_ROLE);
}

/** Pauses every running container of the stack; returns how many were paused. On failure the ones paused are thawed again. */
export async function freezeStack(docker: Docker, ref: string, installationId: string): Promise<number> {
  const running = (await stackContainers(docker, ref, installationId)).filter((c) => c.State === "running");
  const results = await Promise.allSettled(running.map((c) => ignoring([304, 409], () => docker.getContainer(c.Id).pause())));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    // Never leave half a stack frozen: the caller records the failure and the project keeps running.
    await thawStack(docker, ref, installationId);
    throw failed.reason;
  }
  return running.length;
}

/** Unpauses every paused container of the stack; returns how many were thawed. Safe to repeat. */
export async function thawStack(docker: Docker, ref: string, installationId: string): Promise<number> {
  const paused = (await stackContainers(docker, ref, installationId)).filter((c) => c.State === "paused");
  // 404: gone meanwhile; 409/304: not paused (any more).
  await Promise.all(paused.map((c) => ignoring([304, 404, 409], () => docker.getContainer(c.Id).unpause())));
  return paused.length;
}

/**
 * A wake's thaw, from one listing: unpauses whatever is paused and says whether
 * the stack was frozen whole (it has containers and every one was paused). The
 * wake path has no time for a second listing (issue 30: a frozen wake under 0.3 s).
 */
export async function thawWhole(docker: Docker, ref: string, installationId: string): Promise<boolean> {
  const all = await stackContainers(docker, ref, installationId);
  const paused = all.filter((c) => c.State === "paused");
  await Promise.all(paused.map((c) => ignoring([304, 404, 409], () => docker.getContainer(c.Id).unpause())));
  return all.length > 0 && paused.length === all.length;
}

/** Whether the stack has containers and every one of them is paused: a frozen stack as the tier left it. */
export async function isFrozen(docker: Docker, ref: string, installationId: string): Promise<boolean> {
  const all = await stackContainers(docker, ref, installationId);
  return all.length > 0 && all.every((c) => c.State === "paused");
}

async function ignoring(statuses: number[], fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    const s = statusOf(err);
    if (s === undefined || !statuses.includes(s)) throw err;
  }
}
