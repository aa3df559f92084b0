// removeStack on the real Docker engine, in the situation the fault drill
// found: the app died while creating a stack, so the engine is still carrying
// out a request it had already received, and a container appears after the
// tear-down listed the project's resources.
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeStack } from "@/lib/docker/resources";
import { generateRef } from "@/lib/projects/ref";
import { LABELS } from "@/lib/stack/types";
import { BASE_IMAGE, ensureBaseImage, ensureDockerHost, existsOnEngine } from "@/test/support/docker-host";
import { newInstallationId } from "@/test/support/installation";

let docker: Docker;
const ref = generateRef();
const installationId = newInstallationId();
const labels = { [LABELS.managed]: "true", [LABELS.installation]: installationId, [LABELS.ref]: ref };
const network = `supafleet-${ref}`;
const foreignVolume = `supafleet-${ref}-not-ours`;

async function labelledCount() {
  const filters = JSON.stringify({ label: [`${LABELS.managed}=true`, `${LABELS.ref}=${ref}`] });
  const [c, v, n] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listVolumes({ filters }), docker.listNetworks({ filters })]);
  return { containers: c.length, volumes: v.Volumes?.length ?? 0, networks: n.length };
}

async function volumeExists(name: string): Promise<boolean> {
  return existsOnEngine(() => docker.getVolume(name).inspect());
}

async function startContainer(name: string, volume: string): Promise<void> {
  const c = await docker.createContainer({
    name,
    Image: BASE_IMAGE,
    Cmd: ["sleep", "infinity"],
    Labels: labels,
    HostConfig: { NetworkMode: network, Binds: [`${volume}:/data`] },
  });
  await c.start();
}

beforeAll(async () => {
  docker = await ensureDockerHost();
  await ensureBaseImage(docker);
  await docker.createNetwork({ Name: network, Labels: labels });
  await docker.createVolume({ Name: `supafleet-${ref}-db-data`, Labels: labels });
  // Same name prefix, no labels, not mounted by any container of the project:
  // removeStack must leave it alone (it removes only what it owns).
  await docker.createVolume({ Name: foreignVolume });
  await startContainer(`supafleet-${ref}-db`, `supafleet-${ref}-db-data`);
});

afterAll(async () => {
  await removeStack(docker, ref, installationId, { volumes: true }).catch(() => undefined);
  await docker
    .getVolume(foreignVolume)
    .remove()
    .catch(() => undefined);
});

describe("removeStack", () => {
  it("removes a container that appears after its first listing, and the unlabelled volume the engine made for it", async () => {
    let injected = false;
    // The real engine, with one hook: right after the first listing answers,
    // a late container (as a dying app's in-flight request would) is created
    // and started. Its volume does not exist any more by then in a real
    // tear-down; here it never did, so the engine creates it without labels.
    const hooked = Object.create(docker) as Docker;
    hooked.listContainers = async (opts?: object) => {
      const listed = await docker.listContainers(opts ?? {});
      if (!injected) {
        injected = true;
        await startContainer(`supafleet-${ref}-late`, `supafleet-${ref}-late-data`);
      }
      return listed;
    };

    const removed = await removeStack(hooked, ref, installationId, { volumes: true });

    expect(injected).toBe(true);
    expect(removed.containers).toBe(2);
    expect(await labelledCount()).toEqual({ containers: 0, volumes: 0, networks: 0 });
    expect(await volumeExists(`supafleet-${ref}-late-data`)).toBe(false);
    expect(await volumeExists(foreignVolume)).toBe(true);
  });

  it("is idempotent: a second call finds nothing and succeeds", async () => {
    expect(await removeStack(docker, ref, installationId, { volumes: true })).toEqual({ containers: 0, volumes: 0, networks: 0 });
  });

  it("keeps the volumes unless asked, and never touches another installation's resources with the same ref", async () => {
    const other = newInstallationId();
    const otherLabels = { ...labels, [LABELS.installation]: other };
    await docker.createVolume({ Name: `supafleet-${ref}-db-data`, Labels: labels });
    await docker.createVolume({ Name: `supafleet-${ref}-theirs`, Labels: otherLabels });
    const theirs = await docker.createContainer({ name: `supafleet-${ref}-theirs`, Image: BASE_IMAGE, Cmd: ["sleep", "infinity"], Labels: otherLabels });
    const mine = await docker.createContainer({ name: `supafleet-${ref}-mine`, Image: BASE_IMAGE, Cmd: ["sleep", "infinity"], Labels: labels });
    try {
      const kept = await removeStack(docker, ref, installationId, { volumes: false });
      expect(kept).toEqual({ containers: 1, volumes: 0, networks: 0 });
      expect(await existsOnEngine(() => mine.inspect())).toBe(false);
      expect(await volumeExists(`supafleet-${ref}-db-data`)).toBe(true);
      const all = await removeStack(docker, ref, installationId, { volumes: true });
      expect(all.volumes).toBe(1);
      expect(await volumeExists(`supafleet-${ref}-db-data`)).toBe(false);
      // The other installation's container and volume carry the same ref and are still there.
      expect(await existsOnEngine(() => theirs.inspect())).toBe(true);
      expect(await volumeExists(`supafleet-${ref}-theirs`)).toBe(true);
    } finally {
      await removeStack(docker, ref, other, { volumes: true });
    }
  });
});
