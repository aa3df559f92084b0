// The admin console in one call: everything app/admin/page.tsx shows, read
// for an admin. The engine, the Swarm and the image store may be down; their
// parts come back as an error line and the rest of the console still works.
import { getAccountServices, getAcmeManager, getBackupService, getImagePuller, getProjectService } from "@/lib/services";
import { describeError } from "@/lib/errors";
import { assertAdmin, type SessionUser } from "@/lib/auth/actor";
import { expiryLevel, type ExpiryLevel } from "@/lib/acme/schedule";
import type { CertificateView } from "@/lib/acme/manager";

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

export type CertificateRow = CertificateView & { level: ExpiryLevel };

/** The certificates Supafleet issued itself, with how close each is to expiry; null when ACME is off. */
async function certificatesView(actor: SessionUser): Promise<CertificateRow[] | null> {
  assertAdmin(actor);
  const acme = getAcmeManager();
  if (!acme) return null;
  const now = new Date();
  return (await acme.list()).map((c) => ({ ...c, level: expiryLevel(c.notAfter, now) }));
}

export async function loadAdminConsole(actor: SessionUser, search: { q?: string; pq?: string; oq?: string }) {
  const { admin, plans: planService } = getAccountServices();
  const service = getProjectService();
  // These check the actor is an admin, so nothing below runs for anyone else.
  const [users, pending, projects, settings, capacity, plans, organizations] = await Promise.all([
    admin.listUsers(actor, { query: search.q }),
    admin.listPendingUsers(actor),
    service.listAllProjects(actor, { query: search.pq, take: 100 }),
    admin.getSettings(actor),
    admin.hostCapacity(actor),
    planService.list(actor),
    admin.listOrganizations(actor, { query: search.oq }),
  ]);
  const [consumers, backups, behindLatest, engine, nodes, images, certificates] = await Promise.all([
    service.topConsumers(actor, 10),
    getBackupService().adminView(actor),
    service.projectsBehindLatest(actor),
    readable<Awaited<ReturnType<ProjectService["engineView"]>>>(service.engineView(actor)),
    readable<Awaited<ReturnType<ProjectService["nodes"]>>>(service.nodes(actor)),
    readable(getImagePuller().status()),
    readable(certificatesView(actor)),
  ]);
  return {
    users,
    pending,
    projects,
    organizations,
    settings,
    capacity,
    plans,
    consumers,
    backups,
    behindLatest,
    engine,
    nodes,
    images,
    certificates,
    installationId: service.installationId,
  };
}

export type AdminConsole = Awaited<ReturnType<typeof loadAdminConsole>>;
