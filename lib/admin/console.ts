// The admin console in one call: everything app/admin/page.tsx shows, read
// for an admin. The engine, the Swarm and the image store may be down; their
// parts come back as an error line and the rest of the console still works.
import { getEnv } from "@/lib/env";
import { getDb } from "@/lib/db/client";
import { getBackupService } from "@/lib/backups";
import { getImagePuller } from "@/lib/images";
import { getProjectService } from "@/lib/projects";
import { describeError } from "@/lib/projects/service";
import type { SessionUser } from "@/lib/users/service";
import { getHostCapacity, getSettings, listPendingUsers, listUsers } from "@/lib/admin/service";
import { listPlans } from "@/lib/admin/plans";

/** A part of the console that may fail on its own. */
export type Readable<T> = { ok: true; value: T } | { ok: false; error: string };

async function readable<T>(work: Promise<T>): Promise<Readable<T>> {
  try {
    return { ok: true, value: await work };
  } catch (err) {
    return { ok: false, error: describeError(err) };
  }
}

type ProjectService = ReturnType<typeof getProjectService>;

export async function loadAdminConsole(actor: SessionUser, search: { q?: string; pq?: string }) {
  const db = getDb();
  const env = getEnv();
  const service = getProjectService();
  // These check the actor is an admin, so nothing below runs for anyone else.
  const [users, pending, projects, settings, capacity, plans] = await Promise.all([
    listUsers(db, actor, { query: search.q }),
    listPendingUsers(db, actor),
    service.listAllProjects(actor, { query: search.pq, take: 100 }),
    getSettings(db, actor),
    getHostCapacity(db, actor, { dataDir: env.dataDir, portRange: env.portRange, subnetPool: env.subnetPool }),
    listPlans(db, actor),
  ]);
  const [consumers, backups, behindLatest, engine, nodes, images] = await Promise.all([
    service.topConsumers(actor, 10),
    getBackupService().adminView(actor),
    service.projectsBehindLatest(actor),
    readable<Awaited<ReturnType<ProjectService["engineView"]>>>(service.engineView(actor)),
    readable<Awaited<ReturnType<ProjectService["nodes"]>>>(service.nodes(actor)),
    readable(getImagePuller().status()),
  ]);
  return {
    users,
    pending,
    projects,
    settings,
    capacity,
    plans,
    consumers,
    backups,
    behindLatest,
    engine,
    nodes,
    images,
    installationId: service.installationId,
  };
}

export type AdminConsole = Awaited<ReturnType<typeof loadAdminConsole>>;
