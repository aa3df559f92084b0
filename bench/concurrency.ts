// Concurrency: 20 parallel creates by 5 users (quota 2 each): no duplicate
// port, no quota exceeded, every project healthy or cleanly failed.
import { QuotaExceededError } from "@/lib/errors";
import { LABELS } from "@/lib/stack/types";
import { benchSetup, machine, makeUser } from "./common";

async function main(): Promise<void> {
  console.log(`machine: ${machine()}`);
  const { docker, db, service } = await benchSetup({ portRange: { start: 57100, end: 57299 } });
  const users = await Promise.all([0, 1, 2, 3, 4].map((i) => makeUser(db, `c${i}@example.com`, 2)));
  const t0 = Date.now();
  const results = await Promise.allSettled(users.flatMap((u) => [1, 2, 3, 4].map((k) => service.createProject(u, { name: `Parallel ${k}` }))));
  const created = results.filter((r) => r.status === "fulfilled").map((r) => (r as PromiseFulfilledResult<{ ref: string }>).value.ref);
  const refused = results.filter((r) => r.status === "rejected");
  const otherErrors = refused.filter((r) => !((r as PromiseRejectedResult).reason instanceof QuotaExceededError));
  console.log(`concurrency: ${created.length} created, ${refused.length} refused (${otherErrors.length} not for quota) in ${Date.now() - t0} ms`);
  await service.waitForAllJobs();
  const elapsed = Date.now() - t0;
  const leases = await db.portLease.findMany();
  const dupPorts = leases.length - new Set(leases.map((l) => l.port)).size;
  const perUser = await Promise.all(users.map((u) => db.project.count({ where: { ownerId: u.id, status: { not: "REMOVED" } } })));
  const statuses = await db.project.groupBy({ by: ["status"], _count: { _all: true } });
  console.log(`concurrency: all jobs done in ${elapsed} ms; statuses ${statuses.map((s) => `${s.status}=${s._count._all}`).join(" ")}`);
  console.log(`concurrency: duplicate ports ${dupPorts}; projects per user ${perUser.join(",")} (quota 2); max ${Math.max(...perUser)}`);
  const bad = statuses.filter((s) => s.status !== "ACTIVE_HEALTHY" && s.status !== "INIT_FAILED");
  for (const ref of created) await service.deleteProject({ id: "", email: "", name: null, role: "ADMIN" }, { ref, confirmRef: ref }, { asAdmin: true });
  const left = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABELS.managed}=true`] }) });
  console.log(`concurrency: after deleting all, ${left.length} labelled containers and ${await db.portLease.count()} leases left`);
  await db.$disconnect();
  if (dupPorts || Math.max(...perUser) > 2 || otherErrors.length || bad.length || left.length) process.exit(1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
