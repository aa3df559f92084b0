// Project networks on subnets of our own pool, on the real engine: past the
// roughly 30 networks Docker's default address pools allow. Networks only
// (no containers): what is tested is that the engine takes each leased
// subnet; stacks on them are tested elsewhere.
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureNetwork, removeStack, usedSubnets } from "@/lib/docker/resources";
import { generateRef } from "@/lib/projects/ref";
import { subnetAt } from "@/lib/net/cidr";
import { LABELS, type StackSpec } from "@/lib/stack/types";
import { ensureDockerHost } from "@/test/support/docker-host";
import { newInstallationId } from "@/test/support/installation";

const COUNT = 40;
const pool = { cidr: "10.214.0.0/16", size: 26 };
const installationId = newInstallationId();
const refs = Array.from({ length: COUNT }, () => generateRef());
let docker: Docker;

function spec(ref: string, subnet: string): StackSpec {
  const labels = { [LABELS.managed]: "true", [LABELS.installation]: installationId, [LABELS.ref]: ref };
  return {
    ref,
    installationId,
    stackVersion: "test",
    network: { name: `supafleet-${ref}`, labels, subnet },
    volumes: [],
    services: [],
    metadata: { volume: "", sealed: "" },
  };
}

beforeAll(async () => {
  docker = await ensureDockerHost();
});

afterAll(async () => {
  for (const ref of refs) await removeStack(docker, ref, installationId, { volumes: true }).catch(() => undefined);
});

describe("project networks on leased subnets", () => {
  it(`creates ${COUNT} networks, more than Docker's default pools hold, each on its own subnet`, async () => {
    for (const [i, ref] of refs.entries()) await ensureNetwork(docker, spec(ref, subnetAt(pool, i)));
    const inUse = await usedSubnets(docker);
    for (const [i, ref] of refs.entries()) {
      const info = (await docker.getNetwork(`supafleet-${ref}`).inspect()) as { IPAM: { Config: Array<{ Subnet: string }> } };
      expect(info.IPAM.Config[0]!.Subnet).toBe(subnetAt(pool, i));
      expect(inUse).toContain(subnetAt(pool, i));
    }
    // Idempotent: a second converge keeps each network as it is.
    const before = (await docker.getNetwork(`supafleet-${refs[0]}`).inspect()) as { Id: string };
    await ensureNetwork(docker, spec(refs[0]!, subnetAt(pool, 0)));
    expect(((await docker.getNetwork(`supafleet-${refs[0]}`).inspect()) as { Id: string }).Id).toBe(before.Id);
    // A project that got another subnet (rebuilt after a restore) gets its network made again.
    await ensureNetwork(docker, spec(refs[0]!, subnetAt(pool, 500)));
    const moved = (await docker.getNetwork(`supafleet-${refs[0]}`).inspect()) as { Id: string; IPAM: { Config: Array<{ Subnet: string }> } };
    expect(moved.IPAM.Config[0]!.Subnet).toBe(subnetAt(pool, 500));
  });
});
