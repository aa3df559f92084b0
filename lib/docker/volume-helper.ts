// Reading and writing a data volume through a container that mounts it and is
// never started (as lib/docker/metadata.ts does for the metadata volume): the
// engine's archive API works on created containers, no process runs in them,
// and the image only has to be on the engine. Helpers carry the project's
// labels and the helper role, so a delete of the project takes any left over.
import { randomBytes } from "node:crypto";
import type Docker from "dockerode";
import { statusOf } from "@/lib/docker/client";
import { ownedBy } from "@/lib/docker/resources";
import { ResourceConflictError } from "@/lib/errors";
import { LABELS } from "@/lib/stack/types";
import { generationOf, UNVERSIONED_VOLUMES } from "@/lib/stack/volumes";

export const HELPER_MOUNT = "/supafleet-volume";

export async function volumeLabels(docker: Docker, name: string): Promise<Record<string, string> | null> {
  try {
    const info = (await docker.getVolume(name).inspect()) as { Labels?: Record<string, string> | null };
    return info.Labels ?? {};
  } catch (err) {
    if (statusOf(err) === 404) return null;
    throw err;
  }
}

/** Throws unless the volume exists and is this installation's for the ref. */
export async function assertOwnVolume(docker: Docker, name: string, ref: string, installationId: string): Promise<void> {
  const labels = await volumeLabels(docker, name);
  if (labels === null) throw new ResourceConflictError(`Volume ${name} does not exist.`);
  if (!ownedBy(labels, ref, installationId)) throw new ResourceConflictError(`Volume ${name} is not this installation's for ${ref}.`);
}

/** The role label of helper containers (and of the metadata volume's): never a service of the stack. */
export const METADATA_ROLE = "metadata";

/**
 * Runs `fn` with a never-started container that mounts `volume` at `mount`
 * (HELPER_MOUNT unless given), and removes the container after. `kind` names
 * it ("metadata" for the metadata volume's helper, lib/docker/metadata.ts).
 */
export async function withVolumeHelper<T>(
  docker: Docker,
  h: { ref: string; installationId: string; image: string; volume: string; readOnly: boolean; mount?: string; kind?: "volume" | "metadata" },
  fn: (c: Docker.Container) => Promise<T>,
): Promise<T> {
  const kind = h.kind ?? "volume";
  const container = await docker.createContainer({
    name: `supafleet-${h.ref}-${kind === "volume" ? "helper" : kind}-${randomBytes(4).toString("hex")}`,
    Image: h.image,
    // Never started: a command that cannot run makes sure of it.
    Entrypoint: [`/supafleet-${kind}-helper-is-never-started`],
    Cmd: [],
    Labels: { [LABELS.managed]: "true", [LABELS.installation]: h.installationId, [LABELS.ref]: h.ref, [LABELS.role]: METADATA_ROLE },
    HostConfig: { NetworkMode: "none", Mounts: [{ Type: "volume", Source: h.volume, Target: h.mount ?? HELPER_MOUNT, ReadOnly: h.readOnly }] },
  });
  try {
    return await fn(container);
  } finally {
    try {
      await container.remove({ force: true });
    } catch (err) {
      // Already gone; anything else leaves a labelled helper that the
      // project's own removal takes with it.
      if (statusOf(err) !== 404) console.error(`[supafleet] could not remove ${kind} helper of ${h.ref}: ${String(err)}`);
    }
  }
}

/**
 * Removes this installation's data volumes of one generation of the ref (never
 * its metadata volume). The engine refuses (409) while a container mounts one,
 * and that refusal is passed on: only volumes no stack uses can go.
 */
export async function removeGenerationVolumes(docker: Docker, ref: string, installationId: string, generation: number): Promise<number> {
  const filters = JSON.stringify({ label: [`${LABELS.managed}=true`, `${LABELS.ref}=${ref}`] });
  const volumes = ((await docker.listVolumes({ filters })).Volumes ?? []) as Array<{ Name: string; Labels: Record<string, string> | null }>;
  const doomed = volumes.filter(
    (v) =>
      ownedBy(v.Labels, ref, installationId) &&
      v.Labels?.[LABELS.volume] &&
      !UNVERSIONED_VOLUMES.includes(v.Labels[LABELS.volume]) &&
      generationOf(v.Labels) === generation,
  );
  for (const v of doomed) {
    try {
      await docker.getVolume(v.Name).remove();
    } catch (err) {
      if (statusOf(err) === 404) continue;
      if (statusOf(err) === 409) throw new ResourceConflictError(`Volume ${v.Name} is still in use by a container.`);
      throw err;
    }
  }
  return doomed.length;
}
