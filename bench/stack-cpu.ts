// What a stack's start costs the host in CPU, per service: one stand-in stack
// (newest template, the db from its seed, probes on) started, then each
// container's CPU time read from its cgroup (v1 cpuacct or v2 cpu.stat),
// plus the engine's own (dockerd and containerd) over the same start. CPU
// seconds do not depend on the machine's load the way wall time does, so this
// says which services make a start slow on 2 cores. Then a stop (a pause), with
// when each container exited. Between the two, the same stack idle for
// IDLE_MS after a settle of SETTLE_MS: what a running project costs the host
// per second with nobody using it (its own timers, and the engine's health
// checks, which run in dockerd/containerd and in the container's cgroup).
// Run: npx tsx bench/stack-cpu.ts
import { readFileSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { applyStack, stopStack } from "@/lib/docker/stack-runner";
import { removeStack } from "@/lib/docker/resources";
import { generateProjectSecrets } from "@/lib/stack/secrets";
import { LABELS } from "@/lib/stack/types";
import { ensureDockerHost } from "@/test/support/docker-host";
import { ensureStandinImages } from "@/test/support/standin-images";
import { machine, standinSpec } from "./common";

function containerCpuMs(id: string): number {
  const v1 = `/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`;
  if (existsSync(v1)) return Number(readFileSync(v1, "utf8")) / 1e6;
  const v2 = `/sys/fs/cgroup/system.slice/docker-${id}.scope/cpu.stat`;
  const usec = /usage_usec (\d+)/.exec(readFileSync(v2, "utf8"));
  return Number(usec?.[1] ?? 0) / 1000;
}

function processCpuMs(name: string): number {
  const pids = execFileSync("pgrep", ["-x", name], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
  const tick = 1000 / Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
  return pids.reduce((sum, pid) => {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return sum + (Number(f[11]) + Number(f[12])) * tick; // utime, stime (fields 14, 15)
  }, 0);
}

const SETTLE_MS = 40_000;
const IDLE_MS = 120_000;

async function main(): Promise<void> {
  const docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  const installationId = randomBytes(8).toString("hex");
  console.log(`machine: ${machine()}`);
  const ref = "benchstackcpu".padEnd(20, "x");
  const spec = standinSpec({ ref, installationId, basePort: 56970, secrets: await generateProjectSecrets() });
  const engines = ["dockerd", "containerd"];
  const before = Object.fromEntries(engines.map((e) => [e, processCpuMs(e)]));
  const t0 = Date.now();
  try {
    await applyStack(docker, spec, { probe: true, dbSeed: true, pollMs: 100 });
    const wall = Date.now() - t0;
    const list = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABELS.ref}=${ref}`] }) });
    const rows = list.map((c) => [c.Labels[LABELS.service] ?? c.Names[0]!, containerCpuMs(c.Id)] as const).sort((a, b) => b[1] - a[1]);
    const total = rows.reduce((s, [, ms]) => s + ms, 0);
    console.log(`start: ${wall} ms wall; containers ${Math.round(total)} ms CPU`);
    for (const [svc, ms] of rows) console.log(`  ${svc.padEnd(10)} ${String(Math.round(ms)).padStart(6)} ms CPU`);
    for (const e of engines)
      console.log(`  ${e.padEnd(10)} ${String(Math.round(processCpuMs(e) - before[e]!)).padStart(6)} ms CPU (whole engine, the start's time)`);
    // Idle: nothing calls the stack; only its own timers and the engine's health checks run.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const idleBefore = new Map(list.map((c) => [c.Id, containerCpuMs(c.Id)]));
    const engineBefore = Object.fromEntries(engines.map((e) => [e, processCpuMs(e)]));
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const idle = list.map((c) => [c.Labels[LABELS.service] ?? c.Names[0]!, containerCpuMs(c.Id) - idleBefore.get(c.Id)!] as const).sort((a, b) => b[1] - a[1]);
    const idleTotal = idle.reduce((s, [, ms]) => s + ms, 0);
    const perMin = (ms: number) => ((ms * 60_000) / IDLE_MS / 1000).toFixed(2);
    console.log(`idle ${IDLE_MS / 1000} s (after ${SETTLE_MS / 1000} s): containers ${perMin(idleTotal)} CPU-s per minute`);
    for (const [svc, ms] of idle) console.log(`  ${svc.padEnd(10)} ${perMin(ms).padStart(6)} CPU-s/min`);
    for (const e of engines) console.log(`  ${e.padEnd(10)} ${perMin(processCpuMs(e) - engineBefore[e]!).padStart(6)} CPU-s/min (whole engine)`);
    // Then a pause (stopStack): when each container had exited, from the stop's start.
    const s0 = Date.now();
    await stopStack(docker, ref, installationId);
    console.log(`stop: ${Date.now() - s0} ms wall`);
    const exits = await Promise.all(
      list.map(async (c) => [c.Labels[LABELS.service] ?? c.Names[0]!, Date.parse((await docker.getContainer(c.Id).inspect()).State.FinishedAt) - s0] as const),
    );
    for (const [svc, ms] of exits.sort((a, b) => b[1] - a[1])) console.log(`  ${svc.padEnd(10)} exited at ${ms} ms`);
  } finally {
    await removeStack(docker, ref, installationId, { volumes: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
