// Idle memory: N projects running (healthy, no traffic) against the same N
// paused, on one engine in one run. Two readings each time: the sum of the
// containers' own memory (cgroup usage, from the engine's stats) and the
// host's MemAvailable, both after the stacks settle.
// Run: N=3 npx tsx bench/idle-memory.ts
import { readFileSync } from "node:fs";
import { benchSetup, machine, makeUser } from "./common";

const N = Number(process.env.N ?? 3);
const SETTLE_MS = Number(process.env.SETTLE_MS ?? 20_000);

function memAvailable(): number {
  const m = /MemAvailable:\s+(\d+) kB/.exec(readFileSync("/proc/meminfo", "utf8"));
  if (!m) throw new Error("/proc/meminfo has no MemAvailable");
  return Number(m[1]) * 1024;
}

const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

async function main(): Promise<void> {
  const { docker, db, service, provisioner } = await benchSetup();
  console.log(`machine: ${machine()}; N = ${N}`);
  const user = await makeUser(db, "idle@example.com", N + 1);
  const baseline = memAvailable();
  const refs: string[] = [];
  try {
    for (let i = 0; i < N; i++) {
      const p = await service.createProject(user, { name: `Idle ${i}` });
      refs.push(p.ref);
      await service.waitForIdle(p.ref);
      const status = (await service.getProject(user, p.ref)).status;
      if (status !== "ACTIVE_HEALTHY") throw new Error(`${p.ref} ended ${status}`);
    }
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const running = await Promise.all(refs.map(async (ref) => (await provisioner.usage(ref))?.memoryBytes ?? 0));
    const availRunning = memAvailable();
    for (const ref of refs) await service.pauseProject(user, ref);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const paused = await Promise.all(refs.map(async (ref) => (await provisioner.usage(ref))?.memoryBytes ?? 0));
    const availPaused = memAvailable();
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    console.log(
      `idle memory: ${N} running: containers ${mib(sum(running))} (${mib(sum(running) / N)} per project); host MemAvailable ${mib(baseline - availRunning)} below the start`,
    );
    console.log(
      `idle memory: ${N} paused:  containers ${mib(sum(paused))} (${mib(sum(paused) / N)} per project); host MemAvailable ${mib(baseline - availPaused)} below the start`,
    );
    const engineContainers = (await docker.listContainers({ filters: JSON.stringify({ label: [`supafleet.installation=${provisioner.installationId}`] }) }))
      .length;
    console.log(`idle memory: running containers of this bench after pausing: ${engineContainers}`);
  } finally {
    for (const ref of refs) await service.deleteProject(user, { ref, confirmRef: ref }).catch((err: unknown) => console.error(`delete ${ref}:`, err));
    await db.$disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
