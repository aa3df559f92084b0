// The metadata volume: a project's sealed metadata (lib/projects/metadata.ts)
// kept on the engine beside its data, so an installation whose database lost
// the project (a restored backup, a lost row) can rebuild it from the engine
// alone. The volume is read and written through a container that is created
// with the volume mounted and never started: the engine's archive API works on
// created containers, no process runs, and any image will do.
import type Docker from "dockerode";
import { readTarFiles, tarOf } from "@/lib/docker/tar";
import { labelFilter, statusOf } from "@/lib/docker/client";
import { ownedBy } from "@/lib/docker/resources";
import { LABELS, METADATA_MOUNT, METADATA_VOLUME } from "@/lib/stack/types";
import { ResourceConflictError } from "@/lib/errors";
import { METADATA_ROLE, withVolumeHelper } from "@/lib/docker/volume-helper";

// Each write is a new file named by time, and readers take the newest one that
// unseals: the archive API writes in place, so a write cut short leaves a
// truncated file that fails its authentication tag, and the previous file is
// still there. Writes are rare (create, first healthy start, a port change).
const FILE_PATTERN = /^project-(\d{15})\.sealed$/;

export function metadataVolumeName(ref: string): string {
  return `supafleet-${ref}-${METADATA_VOLUME}`;
}

async function volumeOwned(docker: Docker, ref: string, installationId: string): Promise<boolean> {
  try {
    const info = (await docker.getVolume(metadataVolumeName(ref)).inspect()) as { Labels?: Record<string, string> | null };
    if (!ownedBy(info.Labels, ref, installationId)) throw new ResourceConflictError(`Volume ${metadataVolumeName(ref)} is not this installation's.`);
    return true;
  } catch (err) {
    if (statusOf(err) === 404) return false;
    throw err;
  }
}

/** An image already on the engine to create the helper from: the stack's own, else the fallback. */
async function helperImage(docker: Docker, ref: string, installationId: string, fallback: string | undefined): Promise<string> {
  const containers = await docker.listContainers({ all: true, filters: labelFilter({ [LABELS.managed]: "true", [LABELS.ref]: ref }) });
  const own = containers.find((c) => ownedBy(c.Labels, ref, installationId) && c.Labels?.[LABELS.role] !== METADATA_ROLE);
  const image = own?.Image ?? fallback;
  if (!image) throw new ResourceConflictError(`No image on the engine to read ${ref}'s metadata volume with.`);
  return image;
}

/** A helper container on the ref's metadata volume (lib/docker/volume-helper.ts). */
function withHelper<T>(
  docker: Docker,
  ref: string,
  installationId: string,
  image: string,
  readOnly: boolean,
  fn: (c: Docker.Container) => Promise<T>,
): Promise<T> {
  return withVolumeHelper(docker, { ref, installationId, image, volume: metadataVolumeName(ref), readOnly, mount: METADATA_MOUNT, kind: "metadata" }, fn);
}

/** Writes a new metadata file, making the volume first when the stack has none
 * (stacks made before metadata volumes existed). */
export async function writeMetadata(docker: Docker, ref: string, installationId: string, sealed: string, fallbackImage?: string): Promise<void> {
  if (!(await volumeOwned(docker, ref, installationId))) {
    await docker.createVolume({
      Name: metadataVolumeName(ref),
      Labels: { [LABELS.managed]: "true", [LABELS.installation]: installationId, [LABELS.ref]: ref, [LABELS.volume]: METADATA_VOLUME },
    });
  }
  const image = await helperImage(docker, ref, installationId, fallbackImage);
  const name = `project-${String(Date.now()).padStart(15, "0")}.sealed`;
  const archive = await tarOf(name, sealed);
  await withHelper(docker, ref, installationId, image, false, (c) => c.putArchive(archive, { path: METADATA_MOUNT }));
}

/** Every metadata file on the volume, newest first; [] when the volume does not exist. */
export async function readMetadata(docker: Docker, ref: string, installationId: string, fallbackImage?: string): Promise<string[]> {
  // A missing volume must stay missing: mounting it would make an empty one.
  if (!(await volumeOwned(docker, ref, installationId))) return [];
  const image = await helperImage(docker, ref, installationId, fallbackImage);
  const files = await withHelper(docker, ref, installationId, image, true, async (c) => {
    const stream = (await c.getArchive({ path: `${METADATA_MOUNT}/.` })) as NodeJS.ReadableStream;
    return readTarFiles(stream, (base) => FILE_PATTERN.test(base));
  });
  return files.sort((a, b) => b.name.localeCompare(a.name)).map((f) => f.content);
}
