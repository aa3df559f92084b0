// Control-plane scale: with 1,000 projects in the database, p95 of the
// dashboard list and the admin list; nginx render + test + reload until
// served with 1,000 and 10,000 routed projects on a real nginx, the route-map
// renderer (lib/proxy) against the per-project one it replaced
// (bench/legacy), in the same run; start-up reconcile with 50 live projects.
// NGINX_ONLY=1 runs only the nginx part.
// The 50 "live projects" are 13 labelled lightweight containers each (650
// containers): reconcile only lists and inspects, so the cost is the same as
// with full stacks, which 2 cores cannot run 50 of.
import { LATEST_STACK_VERSION } from "@/lib/stack/template";
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import { LABELS, SERVICE_NAMES } from "@/lib/stack/types";
import { NginxApplier } from "@/lib/proxy/nginx-applier";
import { renderNginxConfig, type ProxyProject, type ProxySettings } from "@/lib/proxy/render-nginx-config";
import { removeStack } from "@/lib/docker/resources";
import { BASE_IMAGE } from "@/test/support/docker-host";
import { NGINX_BIN, startNginx } from "@/test/support/nginx-host";
import { benchProxySettings, benchSetup, machine, makeUser, percentile } from "./common";
import type { SessionUser } from "@/lib/auth/actor";
import { renderPerProjectConfig } from "./legacy/render-nginx-config-per-project";

const PROJECTS = 1000;
const LIVE = Number(process.env.LIVE ?? 50);
const NGINX_SIZES = [1000, 10_000];
const APPLIES = Number(process.env.APPLIES ?? 20);
/** LEGACY_APPLIES: how many applies the per-project renderer gets (at 10,000 projects each takes seconds). */
const LEGACY_APPLIES = Number(process.env.LEGACY_APPLIES ?? APPLIES);
const RENDERERS = { "route map (new)": renderNginxConfig, "per-project blocks (before)": renderPerProjectConfig } as const;

function ref(i: number): string {
  let s = "";
  let n = i;
  for (let k = 0; k < 20; k++) {
    s += String.fromCharCode(97 + (n % 26));
    n = Math.floor(n / 26);
  }
  return s;
}

async function timeIt(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

/**
 * One renderer at one size: a first apply to load it, then APPLIES applies
 * that each flip one project between running and paused (a route change).
 */
async function nginxApplies(name: keyof typeof RENDERERS, size: number, settings: ProxySettings, nginx: { mainConfPath: string; siteConfPath: string }) {
  const render = RENDERERS[name];
  const projects: ProxyProject[] = Array.from({ length: size }, (_, i) => ({ ref: ref(i), status: "ACTIVE_HEALTHY", kongPort: 20000 + (i % 40000) }));
  const renders = await timeIt(10, async () => render(projects, settings));
  const bytes = render(projects, settings).length;
  const applier = new NginxApplier({
    nginxBin: NGINX_BIN,
    mainConfPath: nginx.mainConfPath,
    siteConfPath: nginx.siteConfPath,
    loadProjects: async () => projects,
    settings,
    render,
  });
  // The per-project config at 10,000 projects may take nginx longer than the applier waits (15 s): give it time.
  await applier.apply().catch(async (err: unknown) => {
    console.log(`nginx ${name}, ${size} projects: first apply: ${String(err).slice(0, 160)}; waiting 30 s`);
    await new Promise((r) => setTimeout(r, 30_000));
  });
  const applies: number[] = [];
  let failed = 0;
  const phases = { render: [] as number[], test: [] as number[], reload: [] as number[], served: [] as number[] };
  const count = render === renderNginxConfig ? APPLIES : LEGACY_APPLIES;
  for (let i = 0; i < count; i++) {
    const p = projects[i % 10]!;
    p.status = p.status === "INACTIVE" ? "ACTIVE_HEALTHY" : "INACTIVE";
    const r = await applier.apply().catch((err: unknown) => {
      console.log(`  apply ${i}: ${String(err).slice(0, 160)}`);
      return null;
    });
    if (r === null) {
      failed++;
      continue;
    }
    if (!r.changed || !r.phasesMs) throw new Error("an apply changed nothing");
    applies.push(r.durationMs);
    for (const k of Object.keys(phases) as (keyof typeof phases)[]) phases[k].push(r.phasesMs[k]);
  }
  const p50 = (v: number[]) => percentile(v, 50).toFixed(0);
  console.log(
    `nginx ${name}, ${size} projects (${(bytes / 1024).toFixed(0)} KB): render p50 ${percentile(renders, 50).toFixed(1)} ms; ` +
      `${count} applies (render + nginx -t + reload + until served): p50 ${p50(applies)} ms, p95 ${percentile(applies, 95).toFixed(0)} ms, max ${Math.max(...applies)} ms; ` +
      `phase p50s: render ${p50(phases.render)}, test ${p50(phases.test)}, reload ${p50(phases.reload)}, served ${p50(phases.served)} ms` +
      (failed ? `; ${failed} of ${count} applies not served in time (not counted)` : ""),
  );
  return { p50: percentile(applies, 50), p95: percentile(applies, 95) };
}

async function nginxBench(): Promise<void> {
  const nginx = await startNginx();
  try {
    const settings = await benchProxySettings(nginx.port);
    const results: Record<string, { p50: number; p95: number }> = {};
    for (const size of NGINX_SIZES)
      for (const name of Object.keys(RENDERERS) as (keyof typeof RENDERERS)[]) results[`${name} ${size}`] = await nginxApplies(name, size, settings, nginx);
    for (const name of Object.keys(RENDERERS)) {
      const [a, b] = NGINX_SIZES.map((n) => results[`${name} ${n}`]!);
      console.log(
        `nginx ${name}: growth ${NGINX_SIZES[0]} → ${NGINX_SIZES[1]} projects: p50 ${(((b!.p50 - a!.p50) / a!.p50) * 100).toFixed(0)} %, p95 ${(((b!.p95 - a!.p95) / a!.p95) * 100).toFixed(0)} %`,
      );
    }
  } finally {
    nginx.stop();
  }
}

async function main(): Promise<void> {
  console.log(
    `machine: ${machine()}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}; ${new Date().toISOString()}`,
  );
  if (process.env.NGINX_ONLY === "1") {
    await nginxBench();
    console.log(
      `load average after: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
    return;
  }
  const { docker, db, service, installationId } = await benchSetup();
  // 200 users × 5 projects
  const users: SessionUser[] = [];
  for (let u = 0; u < 200; u++) users.push(await makeUser(db, `user${u}@example.com`, 10));
  const t0 = performance.now();
  await db.project.createMany({
    data: Array.from({ length: PROJECTS }, (_, i) => ({
      id: randomUUID(),
      ref: ref(i),
      name: `Project ${i}`,
      ownerId: users[i % 200]!.id,
      status: i % 7 === 0 ? "INACTIVE" : "ACTIVE_HEALTHY",
      stackVersion: LATEST_STACK_VERSION,
      secrets: "v1.x.y.z",
    })),
  });
  console.log(`seed: ${PROJECTS} projects in ${(performance.now() - t0).toFixed(0)} ms`);
  const admin = { ...users[0]!, role: "ADMIN" as const };
  const dash = await timeIt(300, () => service.listProjects(users[Math.floor(Math.random() * 200)]!));
  const adm = await timeIt(100, () => service.listAllProjects(admin, { take: 50 }));
  const admSearch = await timeIt(100, () => service.listAllProjects(admin, { query: "user42", take: 50 }));
  console.log(`dashboard list (5 of 1000): p50 ${percentile(dash, 50).toFixed(2)} ms, p95 ${percentile(dash, 95).toFixed(2)} ms`);
  console.log(`admin list (50 of 1000 + count): p50 ${percentile(adm, 50).toFixed(2)} ms, p95 ${percentile(adm, 95).toFixed(2)} ms`);
  console.log(`admin search by owner: p50 ${percentile(admSearch, 50).toFixed(2)} ms, p95 ${percentile(admSearch, 95).toFixed(2)} ms`);

  await nginxBench();

  // reconcile with LIVE projects on the engine
  await db.project.updateMany({ where: {}, data: { status: "REMOVED" } });
  const live = Array.from({ length: LIVE }, (_, i) => ref(5000 + i));
  await db.project.updateMany({ where: { ref: { in: live } }, data: { status: "ACTIVE_HEALTHY" } });
  for (const r of live)
    await db.project.upsert({
      where: { ref: r },
      create: { id: randomUUID(), ref: r, name: r, ownerId: users[0]!.id, status: "ACTIVE_HEALTHY", stackVersion: LATEST_STACK_VERSION, secrets: "v1.x.y.z" },
      update: { status: "ACTIVE_HEALTHY" },
    });
  // leftovers of an interrupted earlier run
  await Promise.all(live.map((r) => removeStack(docker, r, installationId, { volumes: true })));
  const t1 = performance.now();
  try {
    for (const r of live) {
      await Promise.all(
        SERVICE_NAMES.map(async (svc) => {
          const c = await docker.createContainer({
            name: `supafleet-${r}-${svc}`,
            Image: BASE_IMAGE,
            Cmd: ["sleep", "infinity"],
            Labels: { [LABELS.managed]: "true", [LABELS.installation]: installationId, [LABELS.ref]: r, [LABELS.service]: svc },
            HostConfig: { Memory: 16 * 2 ** 20 },
          });
          await c.start();
        }),
      );
    }
    console.log(`reconcile setup: ${LIVE * 13} containers in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    const rec = await timeIt(3, async () => {
      const report = await service.reconcile();
      if (report.drift.length || report.errors.length) throw new Error(`unexpected drift: ${JSON.stringify(report).slice(0, 500)}`);
    });
    console.log(
      `start-up reconcile with ${LIVE} live projects (${LIVE * 13} containers): runs ${rec.map((x) => x.toFixed(0)).join(", ")} ms, p50 ${percentile(rec, 50).toFixed(0)} ms`,
    );
  } finally {
    await Promise.all(live.map((r) => removeStack(docker, r, installationId, { volumes: true })));
  }
  await db.$disconnect();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
