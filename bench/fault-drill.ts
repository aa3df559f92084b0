// Fault drills: kill the app (SIGKILL) at several points of a create and of
// a delete; a restarted app's reconcile must leave no orphan container,
// volume, network, lease or nginx entry, and every project must end
// ACTIVE_HEALTHY or INIT_FAILED (with retry).
import { randomBytes } from "node:crypto";
import { LABELS } from "@/lib/stack/types";
import { renderNginxConfig } from "@/lib/proxy/render-nginx-config";
import { loadProxyProjects } from "@/lib/proxy/app-proxy";
import { benchSetup, makeUser } from "./common";
import { DRILL_PORTS } from "./fault-drill-config";
import { runChild } from "./kill-child";
import { resolve } from "node:path";

// Kill points in a create, counted from the child's "REF" line (the project
// row exists): early (network/volumes), mid-way (services starting), late
// (waiting on the last health checks), and once after the stack is healthy,
// where the restarted app must keep it ACTIVE_HEALTHY and report no drift.
const CREATE_KILLS: { label: string; waitFor: RegExp; at: number }[] = [
  ...[300, 3000, 12000, 25000, 45000].map((at) => ({ label: `kill create at ${at} ms`, waitFor: /REF [a-z]{20}/, at })),
  { label: "kill after create finished", waitFor: /DONE/, at: 0 },
];
const DELETE_KILL_AT_MS = [100, 800, 2500];

async function main(): Promise<void> {
  const key = randomBytes(32);
  const { docker, db, url, installationId, restart } = await benchSetup({ portRange: DRILL_PORTS, masterKey: key });
  const user = await makeUser(db, "drill@example.com", 100);
  // The app after the kill: another process on the same database and key.
  const restarted = restart();
  const labelled = async (ref: string) => {
    const filters = JSON.stringify({ label: [`${LABELS.installation}=${installationId}`, `${LABELS.ref}=${ref}`] });
    const [c, v, n] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listVolumes({ filters }), docker.listNetworks({ filters })]);
    return { containers: c.length, volumes: v.Volumes?.length ?? 0, networks: n.length };
  };
  let failures = 0;
  const check = async (label: string, ref: string) => {
    const report = await restarted.reconcile();
    await restarted.waitForAllJobs();
    const p = await db.project.findUniqueOrThrow({ where: { ref }, include: { ports: true } });
    const res = await labelled(ref);
    const conf = renderNginxConfig(await loadProxyProjects(db)(), {
      rootDomain: "bench.test",
      scheme: "http",
      appUpstream: { host: "127.0.0.1", port: 3000 },
      httpListen: { port: 80 },
      pagesDir: resolve("nginx/pages"),
      clientMaxBodySize: "50m",
    });
    // Its line in the route map (lib/proxy/render-nginx-config.ts).
    const inNginx = conf.includes(`\n  ${ref}.bench.test `);
    let ok: boolean;
    if (p.status === "INIT_FAILED") ok = res.containers + res.volumes + res.networks === 0 && p.ports.length === 0 && !inNginx;
    else if (p.status === "REMOVED") ok = res.containers + res.volumes + res.networks === 0 && p.ports.length === 0 && !inNginx;
    else ok = p.status === "ACTIVE_HEALTHY" && res.containers === 13 && p.ports.length === 3 && inNginx && report.drift.length === 0;
    if (!ok) failures++;
    console.log(
      `drill ${label}: drift ${report.drift.length}, ended ${p.status}, engine ${JSON.stringify(res)}, leases ${p.ports.length}, nginx entry ${inNginx} → ${ok ? "OK" : "FAIL"}`,
    );
    for (const e of report.errors) console.log(`  reconcile error: ${e}`);
    return p.status;
  };

  for (const { label, waitFor, at } of CREATE_KILLS) {
    const out = await runChild(["create", url, key.toString("hex"), user.id], at, waitFor);
    const ref = /REF ([a-z]{20})/.exec(out)![1]!;
    const status = await check(label, ref);
    if (status === "INIT_FAILED") {
      await restarted.retryProject(user, ref);
      await restarted.waitForIdle(ref);
      const after = (await db.project.findUniqueOrThrow({ where: { ref } })).status;
      // "Ends INIT_FAILED with a retry" only counts if the retry works.
      if (after !== "ACTIVE_HEALTHY") failures++;
      console.log(`  retry → ${after}${after === "ACTIVE_HEALTHY" ? "" : " → FAIL"}`);
    }
    await restarted.deleteProject(user, { ref, confirmRef: ref });
  }
  for (const at of DELETE_KILL_AT_MS) {
    const p = await restarted.createProject(user, { name: "To delete" });
    await restarted.waitForIdle(p.ref);
    await runChild(["delete", url, key.toString("hex"), user.id, p.ref], at, /DELETING/);
    await check(`kill delete at ${at} ms`, p.ref);
    if ((await db.project.findUniqueOrThrow({ where: { ref: p.ref } })).status !== "REMOVED")
      await restarted.deleteProject(user, { ref: p.ref, confirmRef: p.ref });
  }
  const left = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABELS.installation}=${installationId}`] }) });
  console.log(`fault drills: ${failures} failed; ${left.length} labelled containers and ${await db.portLease.count()} leases left at the end`);
  await db.$disconnect();
  if (failures || left.length) process.exit(1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
