// Provisioning: create → ACTIVE_HEALTHY through the whole product path,
// against the floor measured on the same engine in the same run: the same
// containers started directly, level by level in dependency order (parallel
// within a level), each level waiting on docker's own health status.
import type Docker from "dockerode";
import { applyStack } from "@/lib/docker/stack-runner";
import { dependencyOrder } from "@/lib/stack/run-graph";
import { removeStack } from "@/lib/docker/resources";
import { generateProjectSecrets } from "@/lib/stack/secrets";
import type { StackSpec } from "@/lib/stack/types";
import { benchSetup, makeUser, standinSpec } from "./common";

const ROUNDS = Number(process.env.ROUNDS ?? 2);

async function directBaseline(docker: Docker, spec: StackSpec): Promise<number> {
  const t0 = Date.now();
  await docker.createNetwork({ Name: spec.network.name, Labels: spec.network.labels });
  for (const v of spec.volumes) await docker.createVolume({ Name: v.name, Labels: v.labels });
  for (const level of dependencyOrder(spec.services)) {
    await Promise.all(
      level.map(async (svc) => {
        // A single-service apply is exactly "create, copy files, start, wait health".
        await applyStack(docker, { ...spec, services: [{ ...svc, dependsOn: [] }] }, { pollMs: 100 });
      }),
    );
  }
  return Date.now() - t0;
}

async function main(): Promise<void> {
  const { docker, db, service, installationId } = await benchSetup();
  const user = await makeUser(db, "bench@example.com", 100);
  const product: number[] = [];
  const direct: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = Date.now();
    const p = await service.createProject(user, { name: `Bench ${i}` });
    await service.waitForIdle(p.ref);
    const status = (await service.getProject(user, p.ref)).status;
    if (status !== "ACTIVE_HEALTHY") throw new Error(`project ${p.ref} ended ${status}`);
    product.push(Date.now() - t0);
    await service.deleteProject(user, { ref: p.ref, confirmRef: p.ref });

    const ref = `benchdirect${"abcdefghi"[i]}`.padEnd(20, "x");
    const spec = standinSpec({ ref, installationId, basePort: 56900 + i * 3, secrets: await generateProjectSecrets() });
    try {
      direct.push(await directBaseline(docker, spec));
    } finally {
      await removeStack(docker, ref, installationId, { volumes: true });
    }
  }
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`provision: product create→ACTIVE_HEALTHY ms: ${product.join(", ")} (mean ${avg(product).toFixed(0)})`);
  console.log(`provision: direct dependency-ordered start ms: ${direct.join(", ")} (mean ${avg(direct).toFixed(0)})`);
  console.log(`provision: ratio product/direct = ${(avg(product) / avg(direct)).toFixed(3)} (goal ≤ 1.10)`);
  await db.$disconnect();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
