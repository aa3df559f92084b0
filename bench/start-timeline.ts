// Where a start's time goes: one stack applied with readiness probes (the
// product path) and once waiting on Docker's own health status only (the code
// before probes), each service's "created/started/healthy" printed relative to
// the start, then a stop and a second start of the same containers (what a
// wake does); with the db from its template's seed or from a first boot.
// Run: npx tsx bench/start-timeline.ts   (VARIANTS=seed,on,off picks)
import { applyStack, stopStack } from "@/lib/docker/stack-runner";
import { removeStack } from "@/lib/docker/resources";
import { generateProjectSecrets } from "@/lib/stack/secrets";
import type { StackEvent } from "@/lib/stack/types";
import { randomBytes } from "node:crypto";
import { ensureDockerHost } from "@/test/support/docker-host";
import { ensureStandinImages } from "@/test/support/standin-images";
import { machine, standinSpec } from "./common";

async function timeline(label: string, run: (onEvent: (e: StackEvent) => void) => Promise<void>): Promise<number> {
  const t0 = Date.now();
  const lines: string[] = [];
  await run((e) => {
    if (e.kind === "image.pull") return;
    lines.push(`  ${String(Date.now() - t0).padStart(6)} ms  ${e.kind}${e.service ? ` ${e.service}` : ""}`);
  });
  const total = Date.now() - t0;
  console.log(`${label}: ${total} ms`);
  for (const l of lines) console.log(l);
  return total;
}

async function main(): Promise<void> {
  const docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  const installationId = randomBytes(8).toString("hex");
  console.log(`machine: ${machine()}`);
  const figures: string[] = [];
  const all = [
    { name: "seed", label: "probes on, db from the seed", probe: true, dbSeed: true },
    { name: "on", label: "probes on", probe: true, dbSeed: false },
    { name: "off", label: "probes off", probe: false, dbSeed: false },
  ];
  const wanted = new Set((process.env.VARIANTS ?? "seed,on,off").split(",").map((v) => v.trim()));
  for (const v of all.filter((x) => wanted.has(x.name))) {
    const ref = `benchtimeline${v.name}`.padEnd(20, "x");
    const spec = standinSpec({ ref, installationId, basePort: 56950, secrets: await generateProjectSecrets() });
    const opts = { probe: v.probe, dbSeed: v.dbSeed, pollMs: 100 };
    try {
      const first = await timeline(`first start, ${v.label}`, (onEvent) => applyStack(docker, spec, { ...opts, onEvent }));
      await stopStack(docker, ref, installationId);
      const again = await timeline(`start of the stopped stack (wake), ${v.label}`, (onEvent) => applyStack(docker, spec, { ...opts, onEvent }));
      figures.push(`${v.label}: first start ${first} ms, start of the stopped stack ${again} ms`);
    } finally {
      await removeStack(docker, ref, installationId, { volumes: true });
    }
  }
  for (const f of figures) console.log(f);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
