// Live scale on one host (issue 15): N live stand-in projects at once (default
// 40), more than a default engine's address pools hold (30 user networks):
// every project's network gets a subnet from Supafleet's own pool. Creates
// run one after another, so each create's time shows what a fuller host costs
// (1st against Nth). Then, with all N running: each must be ACTIVE_HEALTHY and
// answer through a real nginx by its subdomain; per-project idle memory (the
// containers' own cgroup usage and the host's MemAvailable); the nginx apply
// time (render + nginx -t + reload + served) with the N live projects and
// 1,000 more known ones. Everything is deleted at the end.
// Run: N=40 npx tsx bench/live-scale.ts   (the engine to itself: no suite beside it)
import { loadavg } from "node:os";
import { readFileSync } from "node:fs";
import { loadProxyProjects } from "@/lib/proxy/app-proxy";
import { NginxApplier } from "@/lib/proxy/nginx-applier";
import type { ProxyProject } from "@/lib/proxy/render-nginx-config";
import { NGINX_BIN, startNginx, viaNginx } from "@/test/support/nginx-host";
import { benchProxySettings, benchSetup, machine, makeUser, percentile } from "./common";

const N = Number(process.env.N ?? 40);
const KNOWN = Number(process.env.KNOWN ?? 1000);
const SETTLE_MS = Number(process.env.SETTLE_MS ?? 60_000);
// Docker's steady-state health-check interval (SUPAFLEET_HEALTH_INTERVAL), seconds.
const HEALTH_INTERVAL_S = Number(process.env.HEALTH_INTERVAL ?? 30);
// Stop creating (and say so) before the host itself runs short.
const MIN_AVAILABLE = 2 * 2 ** 30;

function memAvailable(): number {
  const m = /MemAvailable:\s+(\d+) kB/.exec(readFileSync("/proc/meminfo", "utf8"));
  if (!m) throw new Error("/proc/meminfo has no MemAvailable");
  return Number(m[1]) * 1024;
}

/** CPU time (ns) the whole host and the engine's containers used, from cgroup v1's cpuacct. */
function cpuNs(): { all: number; containers: number } {
  const read = (p: string) => Number(readFileSync(p, "utf8").trim());
  return { all: read("/sys/fs/cgroup/cpuacct/cpuacct.usage"), containers: read("/sys/fs/cgroup/cpuacct/docker/cpuacct.usage") };
}

/** Cores busy over `ms` of idleness: the host in all, and inside the containers (the rest is the engine, shims and runc for the checks). */
async function idleCores(ms: number): Promise<{ all: number; containers: number }> {
  const a = cpuNs();
  const t = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const b = cpuNs();
  const wallNs = (performance.now() - t) * 1e6;
  return { all: (b.all - a.all) / wallNs, containers: (b.containers - a.containers) / wallNs };
}

const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A ref no live project has: 20 letters from a number. */
function knownRef(i: number): string {
  let s = "";
  let n = i + 7_000_000;
  for (let k = 0; k < 20; k++) {
    s += String.fromCharCode(97 + (n % 26));
    n = Math.floor(n / 26);
  }
  return s;
}

async function main(): Promise<void> {
  console.log(`machine: ${machine()}; N = ${N} live, ${KNOWN} more known; health checks every ${HEALTH_INTERVAL_S} s`);
  const nginx = await startNginx();
  const { docker, db, service, provisioner } = await benchSetup({
    portRange: { start: 56000, end: 56000 + 3 * N + 20 },
    config: { healthIntervalMs: HEALTH_INTERVAL_S * 1000 },
  });
  const user = await makeUser(db, "scale@example.com", N + 1);
  const before = memAvailable();
  const networksBefore = (await docker.listNetworks()).length;
  const refs: string[] = [];
  const createMs: number[] = [];
  try {
    for (let i = 0; i < N; i++) {
      if (memAvailable() < MIN_AVAILABLE) {
        console.log(`stopped at ${i} projects: MemAvailable ${mib(memAvailable())} is below ${mib(MIN_AVAILABLE)}`);
        break;
      }
      const t = performance.now();
      const { ref } = await service.createProject(user, { name: `Scale ${i + 1}` });
      refs.push(ref);
      await service.waitForIdle(ref);
      const ms = performance.now() - t;
      const status = (await service.getProject(user, ref)).status;
      createMs.push(ms);
      console.log(
        `create ${String(i + 1).padStart(2)}: ${ref} ${status} in ${secs(ms)}; load ${loadavg()[0]!.toFixed(1)}; host memory used by the bench ${mib(before - memAvailable())}`,
      );
      if (status !== "ACTIVE_HEALTHY") throw new Error(`${ref} ended ${status}`);
    }
    const userNetworks = (await docker.listNetworks()).length - networksBefore;
    console.log(`user networks made by the bench: ${userNetworks} (a default engine's pools hold 30)`);

    await new Promise((r) => setTimeout(r, SETTLE_MS));
    for (const ref of refs) await service.refreshStatus(ref);
    const statuses = await Promise.all(refs.map(async (ref) => (await service.getProject(user, ref)).status));
    const healthy = statuses.filter((s) => s === "ACTIVE_HEALTHY").length;
    // Which services a not-healthy project has down or judged unhealthy, and how its checks last ran.
    for (const [i, ref] of refs.entries()) {
      if (statuses[i] === "ACTIVE_HEALTHY") continue;
      const bad = (await provisioner.status(ref)).filter((s) => s.state !== "running" || s.health === "unhealthy");
      console.log(`  ${ref} (#${i + 1}) ${statuses[i]}: ${bad.map((s) => `${s.service} ${s.state}/${s.health}`).join(", ") || "no service down"}`);
    }
    const usage = await Promise.all(refs.map(async (ref) => (await provisioner.usage(ref))?.memoryBytes ?? 0));
    const total = usage.reduce((a, b) => a + b, 0);
    console.log(
      `after ${secs(SETTLE_MS)} idle: ${healthy} of ${refs.length} ACTIVE_HEALTHY; load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
    );
    console.log(
      `idle memory: containers ${mib(total)} in all, ${mib(total / refs.length)} per project (min ${mib(Math.min(...usage))}, max ${mib(Math.max(...usage))}); host MemAvailable ${mib(before - memAvailable())} below the start (${mib((before - memAvailable()) / refs.length)} per project)`,
    );
    const cores = await idleCores(30_000);
    console.log(
      `idle CPU over 30 s: ${cores.all.toFixed(2)} cores busy in all (${(cores.all / refs.length).toFixed(3)} per project), ${cores.containers.toFixed(2)} inside containers (${(cores.containers / refs.length).toFixed(3)} per project)`,
    );
    console.log(
      `create time: #1 ${secs(createMs[0] ?? NaN)}, #${createMs.length} ${secs(createMs.at(-1) ?? NaN)}; p50 ${secs(percentile(createMs, 50))}, max ${secs(Math.max(...createMs))}`,
    );

    // nginx: the live projects from the database plus KNOWN more (6 of 7 routed to a port, 1 of 7 paused).
    const settings = await benchProxySettings(nginx.port);
    const known: ProxyProject[] = Array.from({ length: KNOWN }, (_, i) => ({
      ref: knownRef(i),
      status: i % 7 === 0 ? "INACTIVE" : "ACTIVE_HEALTHY",
      kongPort: 20000 + i,
    }));
    const live = loadProxyProjects(db);
    const applier = new NginxApplier({
      nginxBin: NGINX_BIN,
      mainConfPath: nginx.mainConfPath,
      siteConfPath: nginx.siteConfPath,
      loadProjects: async () => [...(await live()), ...known],
      settings,
    });
    const applies: number[] = [];
    for (let i = 0; i < 10; i++) {
      known[i]!.status = known[i]!.status === "INACTIVE" ? "ACTIVE_HEALTHY" : "INACTIVE";
      applies.push((await applier.apply()).durationMs);
    }
    console.log(
      `nginx apply with ${refs.length} live + ${KNOWN} known (render + nginx -t + reload + served): p50 ${percentile(applies, 50)} ms, p95 ${percentile(applies, 95)} ms, runs ${applies.join(" ")}`,
    );

    // Every live project answers through nginx by its subdomain (PostgREST's root, service role key).
    let answered = 0;
    const failures: string[] = [];
    for (const ref of refs) {
      const { serviceRoleKey } = await service.getProjectDetails(user, ref);
      const r = await viaNginx(nginx.port, `${ref}.bench.test`, "/rest/v1/", { apikey: serviceRoleKey });
      if (r.status === 200) answered++;
      else failures.push(`${ref}: ${r.status}`);
    }
    console.log(`through nginx by subdomain: ${answered} of ${refs.length} answered 200${failures.length ? `; ${failures.join(", ")}` : ""}`);
    if (answered !== N || healthy !== N) process.exitCode = 1;
  } finally {
    const t = performance.now();
    for (const ref of refs) await service.deleteProject(user, { ref, confirmRef: ref }).catch((err: unknown) => console.error(`delete ${ref}:`, err));
    console.log(`deleted ${refs.length} projects in ${secs(performance.now() - t)}`);
    nginx.stop();
    await db.$disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
