// Networks, volumes and removal. Everything is found by label, and only what
// carries Supafleet's labels for the ref AND this installation's id is ever
// touched: another installation on the same engine (a test run, a bench, a
// staging copy) is invisible to every function that changes anything.
import type Docker from "dockerode";
import { ResourceConflictError } from "@/lib/errors";
import { LABELS, parseHostPorts, type StackSpec } from "@/lib/stack/types";
import { labelFilter, statusOf } from "@/lib/docker/client";
import { EngineStackGroups, type EngineStack, type Removed } from "@/lib/stack/engine-stacks";

/**
 * Resources made before installation ids existed carry no installation label.
 * They belong to the installation whose database knows their ref; every
 * caller here acts only on refs its own database knows (reconcile treats an
 * unlabelled ref it does not know as foreign), so accepting them is safe.
 */
export function ownedBy(labels: Record<string, string> | undefined | null, ref: string, installationId: string): boolean {
  if (labels?.[LABELS.managed] !== "true" || labels?.[LABELS.ref] !== ref) return false;
  const installation = labels[LABELS.installation];
  return installation === installationId || installation === undefined;
}

interface NetworkInfo {
  Id: string;
  Labels?: Record<string, string>;
  IPAM?: { Config?: Array<{ Subnet?: string }> | null };
}

export async function ensureNetwork(docker: Docker, spec: StackSpec): Promise<void> {
  try {
    const info = (await docker.getNetwork(spec.network.name).inspect()) as NetworkInfo;
    if (!ownedBy(info.Labels, spec.ref, spec.installationId))
      throw new ResourceConflictError(`Network ${spec.network.name} exists and is not this installation's for ${spec.ref}; refusing to use it.`);
    const subnet = info.IPAM?.Config?.[0]?.Subnet;
    if (!spec.network.subnet || subnet === spec.network.subnet) return;
    // Its project got another subnet (rebuilt after a restore, its old one
    // taken): the network holds no data; with no container attached it is
    // made again. 403 means containers still use it.
    try {
      await docker.getNetwork(info.Id).remove();
    } catch (err) {
      if (statusOf(err) === 403)
        throw new ResourceConflictError(
          `Network ${spec.network.name} is on ${subnet ?? "another subnet"} and still in use; its containers must go before it can move to ${spec.network.subnet}.`,
        );
      if (statusOf(err) !== 404) throw err;
    }
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
  try {
    await docker.createNetwork({
      Name: spec.network.name,
      Driver: "bridge",
      Labels: spec.network.labels,
      CheckDuplicate: true,
      // No IPv6 path out of a project network: the egress rules (lib/network/egress.ts) are IPv4 rules.
      EnableIPv6: false,
      ...(spec.network.subnet ? { IPAM: { Driver: "default", Config: [{ Subnet: spec.network.subnet }] } } : {}),
    });
  } catch (err) {
    // A parallel converge created it first: fine if it is ours.
    if (statusOf(err) !== 409) throw err;
    const info = (await docker.getNetwork(spec.network.name).inspect()) as { Labels?: Record<string, string> };
    if (!ownedBy(info.Labels, spec.ref, spec.installationId))
      throw new ResourceConflictError(`Network ${spec.network.name} exists and is not this installation's.`);
  }
}

/** "created" when this call made the volume (an empty one), "existing" otherwise. */
export async function ensureVolume(
  docker: Docker,
  spec: Pick<StackSpec, "ref" | "installationId">,
  volume: { name: string; labels: Record<string, string> },
): Promise<"created" | "existing"> {
  try {
    const info = (await docker.getVolume(volume.name).inspect()) as { Labels?: Record<string, string> | null };
    if (!ownedBy(info.Labels, spec.ref, spec.installationId))
      throw new ResourceConflictError(`Volume ${volume.name} exists and is not this installation's for ${spec.ref}; refusing to use it.`);
    return "existing";
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
  await docker.createVolume({ Name: volume.name, Labels: volume.labels });
  return "created";
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

// Growing pauses, about 30 s in all: on a saturated host (bench/live-scale.ts) the engine freed a
// removed container's network endpoint over 3 s after the removal returned, failing 6 passes 0.5 s apart.
const REMOVE_PASSES = 10;
const passPauseMs = (pass: number) => Math.min(500 * 2 ** (pass - 1), 5_000);

export interface RemoveOptions {
  /**
   * Volumes hold the project's data. Only an explicit delete of the project
   * (or the rollback of a create that never became active) passes true;
   * everything else (quarantine, re-creating containers) keeps them.
   */
  volumes: boolean;
}

/**
 * Removes every container and network (and, when asked, volume) labelled for
 * the ref by this installation. Idempotent.
 *
 * Converges instead of making one sweep: when the app that was creating the
 * stack died (or a create is being torn down), the engine may still be carrying
 * out requests it had already received, so a container can appear after the
 * listing and keep the network busy (403 "has active endpoints"). Each pass lists
 * again; it ends when a listing comes back empty, or fails after REMOVE_PASSES.
 */
export async function removeStack(docker: Docker, ref: string, installationId: string, opts: RemoveOptions): Promise<Removed> {
  const filters = labelFilter({ [LABELS.managed]: "true", [LABELS.ref]: ref });
  const mine = <T extends { Labels?: Record<string, string> | null }>(items: T[]) => items.filter((i) => ownedBy(i.Labels, ref, installationId));
  const removed: Removed = { containers: 0, volumes: 0, networks: 0 };
  const prefix = `supafleet-${ref}-`;
  let busy = "";
  for (let pass = 0; pass < REMOVE_PASSES; pass++) {
    if (pass > 0) await new Promise((r) => setTimeout(r, passPauseMs(pass)));
    const containers = mine(await docker.listContainers({ all: true, filters }));
    // Volumes our own containers mount by our per-project name: a container
    // created after its named volume was removed makes the engine re-create the
    // volume without labels, and it would otherwise outlive the project.
    const mountedByUs = containers.flatMap((c) => (c.Mounts ?? []).filter((m) => m.Type === "volume" && m.Name?.startsWith(prefix)).map((m) => m.Name!));
    await Promise.all(containers.map((c) => retrying409(() => docker.getContainer(c.Id).remove({ force: true }))));
    const volumes = opts.volumes
      ? mine(((await docker.listVolumes({ filters })).Volumes ?? []) as Array<{ Name: string; Labels: Record<string, string> | null }>)
      : [];
    const volumeNames = new Set([...volumes.map((v) => v.Name), ...(opts.volumes ? mountedByUs : [])]);
    await Promise.all([...volumeNames].map((name) => retrying409(() => docker.getVolume(name).remove())));
    const networks = opts.volumes ? mine(await docker.listNetworks({ filters })) : [];
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

/** Every Supafleet-labelled stack on the engine, of every installation. Reads only. */
export async function listEngineStacks(docker: Docker): Promise<EngineStack[]> {
  const filters = labelFilter({ [LABELS.managed]: "true" });
  const [containers, volumes, networks] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listVolumes({ filters }),
    docker.listNetworks({ filters }),
  ]);
  const groups = new EngineStackGroups();
  for (const c of containers) groups.addContainer(c.Labels, { id: c.Id, name: (c.Names[0] ?? c.Id).replace(/^\//, ""), running: c.State === "running" });
  for (const v of volumes.Volumes ?? []) groups.addVolume(v.Labels as Record<string, string> | null, v.Name);
  for (const n of networks) groups.addNetwork(n.Labels, n.Name);
  return groups.stacks();
}

/** The subnets of every network on the engine, of any installation or none. */
export async function usedSubnets(docker: Docker): Promise<string[]> {
  const networks = (await docker.listNetworks()) as NetworkInfo[];
  return networks.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? "")).filter((s) => s !== "" && !s.includes(":"));
}

/**
 * Host ports that containers on this engine hold, running or stopped, made by
 * any installation or by no Supafleet at all. A stopped container keeps its
 * port bindings and takes them back when it starts, so a port it holds must
 * not be leased to a new project even though nothing listens on it now.
 */
export async function usedHostPorts(docker: Docker): Promise<Set<number>> {
  const used = new Set<number>();
  const unlabelled: string[] = [];
  for (const c of await docker.listContainers({ all: true })) {
    const labelled = parseHostPorts(c.Labels?.[LABELS.hostPorts]);
    for (const p of Object.values(labelled)) used.add(p);
    for (const p of c.Ports ?? []) if (p.PublicPort) used.add(p.PublicPort);
    if (!Object.keys(labelled).length && c.State !== "running") unlabelled.push(c.Id);
  }
  // Stopped containers without our label: only their configuration knows.
  for (let i = 0; i < unlabelled.length; i += 8) {
    await Promise.all(
      unlabelled.slice(i, i + 8).map(async (id) => {
        let info: { HostConfig?: { PortBindings?: Record<string, Array<{ HostPort?: string }> | null> } };
        try {
          info = (await docker.getContainer(id).inspect()) as typeof info;
        } catch (err) {
          if (statusOf(err) === 404) return; // removed since the listing
          throw err;
        }
        for (const bindings of Object.values(info.HostConfig?.PortBindings ?? {})) {
          for (const b of bindings ?? []) if (b.HostPort && /^\d+$/.test(b.HostPort)) used.add(Number(b.HostPort));
        }
      }),
    );
  }
  return used;
}

/**
 * Removes one service's container (this installation's, for the ref) so the
 * next converge makes it again from the spec; volumes, network and every other
 * container stay as they are. 404 (already gone) is fine.
 */
export async function removeServiceContainer(docker: Docker, spec: StackSpec, service: string): Promise<void> {
  const svc = spec.services.find((s) => s.service === service);
  if (!svc) throw new ResourceConflictError(`${service} is not a service of this stack.`);
  let info: { Id: string; Config: { Labels?: Record<string, string> } };
  try {
    info = (await docker.getContainer(svc.containerName).inspect()) as typeof info;
  } catch (err) {
    if (statusOf(err) === 404) return;
    throw err;
  }
  if (!ownedBy(info.Config.Labels, spec.ref, spec.installationId)) {
    throw new ResourceConflictError(`A container named ${svc.containerName} exists and is not this installation's for ${spec.ref}; it was left untouched.`);
  }
  try {
    await docker.getContainer(info.Id).remove({ force: true });
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
}
