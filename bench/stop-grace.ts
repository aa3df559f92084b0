// Pause: how long a stop of a running stack takes with each service's own
// stop grace (the template's stop_grace_period, as stopStack does it: meta
// 3 s, the rest 20 s) against the same containers stopped with one grace for
// all (20 s, the code before), where postgres-meta waits out its own 10 s
// close-with-grace. Both in each round, alternating which goes first.
// Run: npx tsx bench/stop-grace.ts   (ROUNDS=2)
import { randomBytes } from "node:crypto";
import type Docker from "dockerode";
import { applyStack, stopStack } from "@/lib/docker/stack-runner";
import { removeStack } from "@/lib/docker/resources";
import { generateProjectSecrets } from "@/lib/stack/secrets";
import { LABELS } from "@/lib/stack/types";
import { ensureDockerHost } from "@/test/support/docker-host";
import { ensureStandinImages } from "@/test/support/standin-images";
import { machine, standinSpec } from "./common";

const VARIANTS = ["each service's grace", "20 s for all"] as const;
type Variant = (typeof VARIANTS)[number];

async function stopAllAlike(docker: Docker, ref: string): Promise<void> {
  const containers = await docker.listContainers({ filters: JSON.stringify({ label: [`${LABELS.ref}=${ref}`] }) });
  await Promise.all(containers.filter((c) => c.Labels[LABELS.role] === undefined).map((c) => docker.getContainer(c.Id).stop({ t: 20 })));
}

async function main(): Promise<void> {
  const docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  const installationId = randomBytes(8).toString("hex");
  const rounds = Number(process.env.ROUNDS ?? 2);
  console.log(`machine: ${machine()}`);
  const ref = "benchstopgracexxxxxx";
  const spec = standinSpec({ ref, installationId, basePort: 56980, secrets: await generateProjectSecrets() });
  const results: Record<Variant, number[]> = { "each service's grace": [], "20 s for all": [] };
  try {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? VARIANTS : ([...VARIANTS].reverse() as unknown as typeof VARIANTS);
      for (const v of order) {
        await applyStack(docker, spec, { dbSeed: true });
        const t0 = Date.now();
        if (v === "each service's grace") await stopStack(docker, ref, installationId);
        else await stopAllAlike(docker, ref);
        const ms = Date.now() - t0;
        results[v].push(ms);
        console.log(`round ${round + 1}, ${v}: stack stopped in ${(ms / 1000).toFixed(1)} s`);
      }
    }
  } finally {
    await removeStack(docker, ref, installationId, { volumes: true });
  }
  for (const v of VARIANTS) {
    const xs = results[v];
    console.log(`${v}: mean ${(xs.reduce((a, b) => a + b, 0) / xs.length / 1000).toFixed(1)} s (${xs.map((x) => (x / 1000).toFixed(1)).join(" / ")})`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
