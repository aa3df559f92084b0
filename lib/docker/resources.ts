// Networks, volumes and removal. Everything is found by label and only what
// carries Supafleet's labels for the ref is ever touched.
import type Docker from "dockerode";
import { ResourceConflictError } from "@/lib/errors";
import { LABELS, type StackSpec } from "@/lib/stack/types";
import { labelFilter, statusOf } from "@/lib/docker/client";

export function ownedBy(labels: Record<string, string> | undefined | null, ref: string): boolean {
  return labels?.[LABELS.managed] === "true" && labels?.[LABELS.ref] === ref;
}

export async function ensureNetwork(docker: Docker, spec: StackSpec): Promise<void> {
  try {
    const info = (await docker.getNetwork(spec.network.name).inspect()) as { Labels?: Record<string, string> };
    if (!ownedBy(info.Labels, spec.ref)) throw new ResourceConflictError(`Network ${spec.network.name} exists and is not Supafleet's for ${spec.ref}; refusing to use it.`);
    return;
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
  try {
    await docker.createNetwork({ Name: spec.network.name, Driver: "bridge", Labels: spec.network.labels, CheckDuplicate: true });
  } catch (err) {
    // A parallel converge created it first: fine if it is ours.
    if (statusOf(err) !== 409) throw err;
    const info = (await docker.getNetwork(spec.network.name).inspect()) as { Labels?: Record<string, string> };
    if (!ownedBy(info.Labels, spec.ref)) throw new ResourceConflictError(`Network ${spec.network.name} exists and is not Supafleet's.`);
  }
}

export async function ensureVolume(docker: Docker, ref: string, volume: { name: string; labels: Record<string, string> }): Promise<void> {
  try {
    const info = (await docker.getVolume(volume.name).inspect()) as { Labels?: Record<string, string> | null };
    if (!ownedBy(info.Labels, ref)) throw new ResourceConflictError(`Volume ${volume.name} exists and is not Supafleet's for ${ref}; refusing to use it.`);
    return;
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
  await docker.createVolume({ Name: volume.name, Labels: volume.labels });
}

async function retrying409(fn: () => Promise<unknown>, attempts = 20): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await fn();
      return;
    } catch (err) {
      const status = statusOf(err);
      if (status === 404) return; // already gone
      // 409: removal in progress or still in use by a container being removed.
      // 500: the engine under load sometimes fails a forced kill ("did not
      // receive an exit event"); a later attempt succeeds.
      if ((status === 409 || status === 500) && i < attempts) {
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      throw err;
    }
  }
}

export interface Removed {
  containers: number;
  volumes: number;
  networks: number;
}

/** Removes every container, volume and network labelled for the ref. Idempotent. */
export async function removeStack(docker: Docker, ref: string): Promise<Removed> {
  const filters = labelFilter({ [LABELS.managed]: "true", [LABELS.ref]: ref });
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(containers.map((c) => retrying409(() => docker.getContainer(c.Id).remove({ force: true }))));
  const volumes = (await docker.listVolumes({ filters })).Volumes ?? [];
  await Promise.all(volumes.map((v) => retrying409(() => docker.getVolume(v.Name).remove())));
  const networks = await docker.listNetworks({ filters });
  await Promise.all(networks.map((n) => retrying409(() => docker.getNetwork(n.Id).remove())));
  return { containers: containers.length, volumes: volumes.length, networks: networks.length };
}

export interface ManagedResources {
  ref: string;
  containers: string[];
  volumes: string[];
  networks: string[];
}

export async function listManagedResources(docker: Docker): Promise<ManagedResources[]> {
  const filters = labelFilter({ [LABELS.managed]: "true" });
  const [containers, volumes, networks] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listVolumes({ filters }),
    docker.listNetworks({ filters }),
  ]);
  const byRef = new Map<string, ManagedResources>();
  const entry = (ref: string) => {
    let e = byRef.get(ref);
    if (!e) byRef.set(ref, (e = { ref, containers: [], volumes: [], networks: [] }));
    return e;
  };
  for (const c of containers) {
    const ref = c.Labels?.[LABELS.ref];
    if (ref) entry(ref).containers.push((c.Names[0] ?? c.Id).replace(/^\//, ""));
  }
  for (const v of volumes.Volumes ?? []) {
    const ref = (v.Labels as Record<string, string> | null)?.[LABELS.ref];
    if (ref) entry(ref).volumes.push(v.Name);
  }
  for (const n of networks) {
    const ref = n.Labels?.[LABELS.ref];
    if (ref) entry(ref).networks.push(n.Name);
  }
  return [...byRef.values()];
}
