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

const REMOVE_PASSES = 6;
const PASS_PAUSE_MS = 500;

/**
 * Removes every container, volume and network labelled for the ref. Idempotent.
 *
 * Converges instead of making one sweep: when the app that was creating the
 * stack died (or a create is being torn down), the engine may still be carrying
 * out requests it had already received, so a container can appear after the
 * listing and keep the network busy (403 "has active endpoints"). Each pass lists
 * again; it ends when a listing comes back empty, or fails after REMOVE_PASSES.
 */
export async function removeStack(docker: Docker, ref: string): Promise<Removed> {
  const filters = labelFilter({ [LABELS.managed]: "true", [LABELS.ref]: ref });
  const removed: Removed = { containers: 0, volumes: 0, networks: 0 };
  const prefix = `supafleet-${ref}-`;
  let busy = "";
  for (let pass = 0; pass < REMOVE_PASSES; pass++) {
    if (pass > 0) await new Promise((r) => setTimeout(r, PASS_PAUSE_MS));
    const containers = await docker.listContainers({ all: true, filters });
    // Volumes our own containers mount by our per-project name: a container
    // created after its named volume was removed makes the engine re-create the
    // volume without labels, and it would otherwise outlive the project.
    const mountedByUs = containers.flatMap((c) => (c.Mounts ?? []).filter((m) => m.Type === "volume" && m.Name?.startsWith(prefix)).map((m) => m.Name!));
    await Promise.all(containers.map((c) => retrying409(() => docker.getContainer(c.Id).remove({ force: true }))));
    const volumes = (await docker.listVolumes({ filters })).Volumes ?? [];
    const volumeNames = new Set([...volumes.map((v) => v.Name), ...mountedByUs]);
    await Promise.all([...volumeNames].map((name) => retrying409(() => docker.getVolume(name).remove())));
    const networks = await docker.listNetworks({ filters });
    busy = "";
    await Promise.all(
      networks.map(async (n) => {
        try {
          await retrying409(() => docker.getNetwork(n.Id).remove());
        } catch (err) {
          // A container we have not seen yet is still attached: next pass.
          if (statusOf(err) !== 403) throw err;
          busy = `network ${n.Name} still has containers attached`;
        }
      }),
    );
    removed.containers += containers.length;
    removed.volumes += volumes.length;
    removed.networks += networks.length;
    if (!busy && containers.length + volumes.length + networks.length === 0) return removed;
  }
  throw new ResourceConflictError(`Could not remove every resource of ${ref} after ${REMOVE_PASSES} passes${busy ? `: ${busy}` : ""}.`);
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
