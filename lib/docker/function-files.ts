// A project's deployed Edge Functions in its functions volume, written, read
// and removed through short-lived helper containers that mount only that
// volume (no network, never the functions container itself): a deploy works
// whether the project runs or is paused, and a crashed function cannot hold
// it up. The helper runs the project's own functions image (it is on the
// engine: the stack runs it) with /bin/sh, rm and mv.
//
// A deploy is staged beside the live directory and moved into place in one
// step, so a request never sees half a function.
import { randomBytes } from "node:crypto";
import type Docker from "dockerode";
import { statusOf } from "@/lib/docker/client";
import { readTar } from "@/lib/docker/tar";
import { assertOwnVolume, HELPER_MOUNT, METADATA_ROLE, volumeLabels, withVolumeHelper } from "@/lib/docker/volume-helper";
import { InvalidStateError, PayloadTooLargeError } from "@/lib/errors";
import { FUNCTIONS_ROOT, SLUG_PATTERN } from "@/lib/functions/layout";
import { LABELS, type StackSpec } from "@/lib/stack/types";

export const STAGING_DIR = ".supafleet-staging";

export interface FunctionVolume {
  ref: string;
  installationId: string;
  image: string;
  volume: string;
}

/** The spec's functions volume and image; refused when the volume has not been made yet. */
export async function functionVolumeOf(docker: Docker, spec: StackSpec): Promise<FunctionVolume> {
  const svc = spec.services.find((s) => s.service === "functions");
  const mount = svc?.mounts.find((m) => m.type === "volume" && m.target === FUNCTIONS_ROOT);
  if (!svc || !mount || mount.type !== "volume") throw new InvalidStateError(`The project's template has no functions volume at ${FUNCTIONS_ROOT}.`);
  // Mounting a missing volume would make an unlabelled one: it must exist, and be ours.
  if ((await volumeLabels(docker, mount.source)) === null)
    throw new InvalidStateError("The project's functions volume does not exist yet: deploy once the project has started.");
  await assertOwnVolume(docker, mount.source, spec.ref, spec.installationId);
  return { ref: spec.ref, installationId: spec.installationId, image: svc.image, volume: mount.source };
}

function assertSlug(slug: string): void {
  // The layout checks slugs for users; this is the last guard before a shell sees one (as an argument, never in the script).
  if (!SLUG_PATTERN.test(slug) || slug === "main") throw new InvalidStateError(`Refusing to touch functions directory "${slug}".`);
}

/** Runs a fixed sh script in a helper over the volume, with $1.. as arguments; `prepare` may put files in first. */
async function runInVolume(docker: Docker, v: FunctionVolume, script: string, args: string[], prepare?: (c: Docker.Container) => Promise<void>): Promise<void> {
  const container = await docker.createContainer({
    name: `supafleet-${v.ref}-helper-${randomBytes(4).toString("hex")}`,
    Image: v.image,
    Entrypoint: ["/bin/sh", "-c", `set -eu; cd ${HELPER_MOUNT}; ${script}`, "sh", ...args],
    Cmd: [],
    User: "0:0",
    Labels: { [LABELS.managed]: "true", [LABELS.installation]: v.installationId, [LABELS.ref]: v.ref, [LABELS.role]: METADATA_ROLE },
    HostConfig: { NetworkMode: "none", Mounts: [{ Type: "volume", Source: v.volume, Target: HELPER_MOUNT, ReadOnly: false }] },
  });
  try {
    if (prepare) await prepare(container);
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    if (StatusCode !== 0) {
      const logs = (await container.logs({ stdout: true, stderr: true, tail: 20 })).toString("utf8").replace(/[^\x20-\x7e\n]/g, "");
      throw new Error(`functions volume helper exited with ${StatusCode}: ${logs.trim().slice(-500)}`);
    }
  } finally {
    await container.remove({ force: true }).catch((err: unknown) => {
      if (statusOf(err) !== 404) console.error(`[supafleet] could not remove functions helper of ${v.ref}: ${String(err)}`);
    });
  }
}

/** Replaces <slug>/ with the tar's `<STAGING_DIR>/<stage>/` tree, in one rename. */
export async function writeFunctionDir(docker: Docker, v: FunctionVolume, slug: string, stage: string, tar: Buffer): Promise<void> {
  assertSlug(slug);
  if (!/^[a-z0-9]+$/.test(stage)) throw new InvalidStateError("bad staging name");
  // The old directory is moved aside, not removed first: the function is missing only between two renames.
  const script = `if [ -e "$1" ] || [ -L "$1" ]; then mv -- "$1" "${STAGING_DIR}/old-$2"; fi; ` + `mv -- "${STAGING_DIR}/$2" "$1"; rm -rf -- "${STAGING_DIR}"`;
  await runInVolume(docker, v, script, [slug, stage], async (c) => {
    await c.putArchive(tar, { path: HELPER_MOUNT });
  });
}

export async function removeFunctionDir(docker: Docker, v: FunctionVolume, slug: string): Promise<void> {
  assertSlug(slug);
  await runInVolume(docker, v, `rm -rf -- "$1"`, [slug]);
}

/** The regular files under <slug>/, paths relative to it; bounded in count and bytes. */
export async function readFunctionDir(
  docker: Docker,
  v: FunctionVolume,
  slug: string,
  limits: { maxBytes: number; maxFiles: number },
): Promise<Array<{ path: string; content: Buffer }>> {
  assertSlug(slug);
  return withVolumeHelper(docker, { ...v, readOnly: true }, async (c) => {
    let stream: NodeJS.ReadableStream;
    try {
      stream = await c.getArchive({ path: `${HELPER_MOUNT}/${slug}` });
    } catch (err) {
      if (statusOf(err) === 404) return [];
      throw err;
    }
    const files: Array<{ path: string; content: Buffer }> = [];
    let total = 0;
    await readTar(
      stream,
      (header, body) => {
        // The archive's names start with the directory's own name: "<slug>/…".
        const rel = header.name.split("/").slice(1).join("/");
        if (header.type !== "file" || !rel) return;
        if (files.length >= limits.maxFiles) throw new PayloadTooLargeError(limits.maxBytes);
        files.push({ path: rel, content: body });
      },
      (chunk) => {
        total += chunk.length;
        if (total > limits.maxBytes) throw new PayloadTooLargeError(limits.maxBytes);
      },
    );
    return files;
  });
}

export function newStageName(): string {
  return randomBytes(8).toString("hex");
}
