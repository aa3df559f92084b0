// Concurrency: 20 parallel creates by 5 users: no duplicate port, no quota
// exceeded, every project healthy or cleanly failed. The per-user quota is the
// first argument (default 2, so half the creates must be refused; 4 lets all
// 20 stacks come up at once and stresses the port leases instead).
import { QuotaExceededError } from "@/lib/errors";
import { LABELS } from "@/lib/stack/types";
import { benchSetup, machine, makeUser } from "./common";

async function main(): Promise<void> {
  console.log(`machine: ${machine()}`);
  const quota = Number(process.argv[2] ?? "2");
  if (!Number.isInteger(quota) || quota < 1) throw new Error(`quota must be a positive integer, got ${process.argv[2]}`);
  const { docker, db, service } = await benchSetup({ portRange: { start: 57100, end: 57299 } });
  const users = await Promise.all([0, 1, 2, 3, 4].map((i) => makeUser(db, `c${i}@example.com`, quota)));
  const t0 = Date.now();
  const results = await Promise.allSettled(users.flatMap((u) => [1, 2, 3, 4].map((k) => service.createProject(u, { name: `Parallel ${k}` }))));
  const created = results.filter((r) => r.status === "fulfilled").map((r) => (r as PromiseFulfilledResult<{ ref: string }>).value.ref);
  const refused = results.filter((r) => r.status === "rejected");
  const otherErrors = refused.filter((r) => !((r as PromiseRejectedResult).reason instanceof QuotaExceededError));
  console.log(`concurrency: ${created.length} created, ${refused.length} refused (${otherErrors.length} not for quota) in ${Date.now() - t0} ms`);
  await service.waitForAllJobs();
  const elapsed = Date.now() - t0;
  const held = await db.portLease.findMany();
  const dupPorts = held.length - new Set(held.map((l) => l.port)).size;
  const perUser = await Promise.all(users.map((u) => db.project.count({ where: { ownerId: u.id, status: { not: "REMOVED" } } })));
  const statuses = await db.project.groupBy({ by: ["status"], _count: { _all: true } });
  console.log(`concurrency: all jobs done in ${elapsed} ms; statuses ${statuses.map((s) => `${s.status}=${s._count._all}`).join(" ")}`);
  console.log(`concurrency: duplicate ports ${dupPorts}; projects per user ${perUser.join(",")} (quota ${quota}); max ${Math.max(...perUser)}`);
  const failedReasons = await db.project.groupBy({ by: ["statusReason"], where: { status: "INIT_FAILED" }, _count: { _all: true } });
  for (const r of failedReasons) console.log(`  INIT_FAILED ×${r._count._all}: ${r.statusReason ?? "(no reason)"}`);
  const bad = statuses.filter((s) => s.status !== "ACTIVE_HEALTHY" && s.status !== "INIT_FAILED");
  for (const ref of created) await service.deleteProject({ id: "", email: "", name: null, role: "ADMIN" }, { ref, confirmRef: ref }, { asAdmin: true });
  const filters = JSON.stringify({ label: [`${LABELS.managed}=true`] });
  const [left, vols, nets] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listVolumes({ filters }),
    docker.listNetworks({ filters }),
  ]);
  const leftVolumes = vols.Volumes?.length ?? 0;
  const leases = await db.portLease.count();
  console.log(`concurrency: after deleting all, ${left.length} labelled containers, ${leftVolumes} volumes, ${nets.length} networks and ${leases} leases left`);
  await db.$disconnect();
  if (dupPorts || Math.max(...perUser) > quota || otherErrors.length || bad.length || left.length || leftVolumes || nets.length || leases) process.exit(1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
