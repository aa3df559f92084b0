import { notFound, redirect } from "next/navigation";
import { getCurrentUser, redirectAdminWithoutTotp } from "@/lib/auth/session";
import { getAccountServices, getBackupService, getImagePuller, getProjectService } from "@/lib/services";
import { SiteHeader } from "@/components/site-header";
import { StatusBadge } from "@/components/projects/status-badge";
import { ApproveButton, ProjectControls, SettingsForm, UserControls } from "@/components/admin/admin-controls";
import { EngineStacks } from "@/components/admin/engine-stacks";
import { ImagesPanel } from "@/components/admin/images-panel";
import { UpgradeAll } from "@/components/admin/upgrade-all";
import { NodesPanel } from "@/components/admin/nodes-panel";
import { LATEST_STACK_VERSION } from "@/lib/stack/template";
import { PlansPanel, UserPlanSelect } from "@/components/admin/plans-panel";
import { defaultBudget } from "@/lib/stack/limits";
import { describeError } from "@/lib/errors";
import { BackupsAdmin } from "@/components/admin/backups-admin";
import { AccountsNotice } from "@/components/admin/accounts-notice";

export const metadata = { title: "Admin" };

const gib = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GiB`;

export default async function AdminPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const user = await getCurrentUser();
  if (!user) redirect("/login?callbackUrl=/admin");
  // Non-admins get the same answer as a page that does not exist.
  if (user.role !== "ADMIN") notFound();
  await redirectAdminWithoutTotp(user);
  const { q, pq } = await searchParams;
  const { admin, plans: planService } = getAccountServices();
  const [users, pending, projects, settings, capacity, plans] = await Promise.all([
    admin.listUsers(user, { query: q }),
    admin.listPendingUsers(user),
    getProjectService().listAllProjects(user, { query: pq, take: 100 }),
    admin.getSettings(user),
    admin.hostCapacity(user),
    planService.list(user),
  ]);
  const service = getProjectService();
  // The engine may be down; the rest of the console still works.
  const engine = await service.engineView(user).then(
    (view) => ({ view }),
    (err: unknown) => ({ error: describeError(err) }),
  );
  const nodes = await service.nodes(user).then(
    (list) => ({ list }),
    (err: unknown) => ({ error: describeError(err) }),
  );
  const consumers = await service.topConsumers(user, 10);
  const backups = await getBackupService().adminView(user);
  const images = await getImagePuller()
    .status()
    .then(
      (state) => ({ state }),
      (err: unknown) => ({ error: describeError(err) }),
    );
  const card = "rounded-xl border border-zinc-200 bg-white p-5 shadow-sm";
  return (
    <>
      <SiteHeader user={user} />
      <main className="mx-auto max-w-6xl space-y-6 px-4 py-10">
        <h1 className="text-2xl font-semibold tracking-tight">Admin</h1>
        <AccountsNotice />
        <div className="grid gap-6 md:grid-cols-2">
          <section className={card} data-testid="capacity">
            <h2 className="mb-3 font-medium">Host capacity</h2>
            <dl className="grid grid-cols-2 gap-y-2 text-sm">
              <dt className="text-zinc-500">Memory free</dt>
              <dd>
                {gib(capacity.memory.freeBytes)} of {gib(capacity.memory.totalBytes)}
              </dd>
              <dt className="text-zinc-500">Disk free</dt>
              <dd>
                {gib(capacity.disk.freeBytes)} of {gib(capacity.disk.totalBytes)}
              </dd>
              <dt className="text-zinc-500">CPU load (1 min)</dt>
              <dd>
                {capacity.cpu.load1.toFixed(2)} on {capacity.cpu.cores} cores
              </dd>
              <dt className="text-zinc-500">Running projects</dt>
              <dd data-testid="running-projects">{capacity.runningProjects}</dd>
              <dt className="text-zinc-500">Memory committed</dt>
              <dd data-testid="memory-committed">
                {gib(capacity.commitment.committedMb * 1024 ** 2)} of {gib(capacity.commitment.capacityMb * 1024 ** 2)} ({capacity.commitment.commitPercent} %
                of the host)
              </dd>
              <dt className="text-zinc-500">Ports leased</dt>
              <dd>
                {capacity.ports.leased} of {capacity.ports.rangeSize} ({Math.floor((capacity.ports.rangeSize - capacity.ports.leased) / 3)} more projects)
              </dd>
              {capacity.subnets && (
                <>
                  <dt className="text-zinc-500">Subnets leased</dt>
                  <dd>
                    {capacity.subnets.leased} of {capacity.subnets.poolSize} ({capacity.subnets.pool})
                  </dd>
                </>
              )}
            </dl>
          </section>
          <section className={card}>
            <h2 className="mb-3 font-medium">Defaults</h2>
            <SettingsForm initial={settings} />
          </section>
        </div>
        {pending.total > 0 && (
          <section className={card} data-testid="pending-users">
            <h2 className="mb-3 font-medium">Waiting for approval ({pending.total})</h2>
            <table className="w-full text-left text-sm">
              <thead className="text-xs uppercase tracking-wide text-zinc-500">
                <tr>
                  <th className="py-1.5">Email</th>
                  <th>Name</th>
                  <th>Signed up</th>
                  <th className="text-right">Actions</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {pending.users.map((u) => (
                  <tr key={u.id} data-testid={`pending-${u.email}`}>
                    <td className="py-2">{u.email}</td>
                    <td>{u.name ?? "–"}</td>
                    <td>{new Date(u.createdAt).toUTCString()}</td>
                    <td className="py-2">
                      <ApproveButton user={u} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
        <section className={card}>
          <div className="mb-3 flex items-center justify-between gap-4">
            <h2 className="font-medium">Users ({users.total})</h2>
            <form className="flex gap-2">
              <input name="q" defaultValue={q} placeholder="Search email" className="rounded-md border border-zinc-300 px-2 py-1 text-sm" />
            </form>
          </div>
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase tracking-wide text-zinc-500">
              <tr>
                <th className="py-1.5">Email</th>
                <th>Role</th>
                <th>Projects</th>
                <th>Plan</th>
                <th>Status</th>
                <th className="text-right">Actions</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {users.users.map((u) => (
                <tr key={u.id} data-testid={`user-${u.email}`}>
                  <td className="py-2">{u.email}</td>
                  <td>{u.role === "ADMIN" ? "Admin" : "User"}</td>
                  <td>
                    {u.projectCount} / {u.effectiveQuota}
                    {u.projectQuota === null ? "" : " (custom)"}
                  </td>
                  <td>
                    <UserPlanSelect userId={u.id} email={u.email} planId={u.planId} plans={plans} />
                  </td>
                  <td>
                    {u.disabled ? (
                      <span className="text-red-600">Disabled</span>
                    ) : u.pendingApproval ? (
                      <span className="text-amber-600">Pending approval</span>
                    ) : (
                      "Active"
                    )}
                  </td>
                  <td className="py-2">
                    <UserControls user={u} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className={card}>
          <div className="mb-3 flex items-center justify-between gap-4">
            <h2 className="font-medium">Projects ({projects.total})</h2>
            <form className="flex gap-2">
              <input name="pq" defaultValue={pq} placeholder="Search ref, name, owner" className="rounded-md border border-zinc-300 px-2 py-1 text-sm" />
            </form>
          </div>
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase tracking-wide text-zinc-500">
              <tr>
                <th className="py-1.5">Project</th>
                <th>Owner</th>
                <th>Status</th>
                <th className="text-right">Actions</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {projects.projects.map((p) => (
                <tr key={p.ref} data-testid={`admin-project-${p.ref}`}>
                  <td className="py-2">
                    <div className="font-medium">{p.name}</div>
                    <div className="font-mono text-xs text-zinc-500">{p.ref}</div>
                  </td>
                  <td>{p.owner?.email}</td>
                  <td>
                    <StatusBadge status={p.status} />
                  </td>
                  <td className="py-2">
                    <ProjectControls project={p} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className={card} data-testid="top-consumers">
          <h2 className="mb-3 font-medium">Top consumers (latest sample)</h2>
          {consumers.length === 0 ? (
            <p className="text-sm text-zinc-500">No samples yet: the monitor takes one every 5 minutes per running project.</p>
          ) : (
            <table className="w-full text-left text-sm">
              <thead className="text-xs uppercase tracking-wide text-zinc-500">
                <tr>
                  <th className="py-1.5">Project</th>
                  <th>Owner</th>
                  <th>Memory</th>
                  <th>CPU</th>
                  <th>Network (5 min)</th>
                  <th>Volumes</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {consumers.map((c) => (
                  <tr key={c.ref} data-testid={`consumer-${c.ref}`}>
                    <td className="py-2">
                      <div className="font-medium">{c.name}</div>
                      <div className="font-mono text-xs text-zinc-500">{c.ref}</div>
                    </td>
                    <td>{c.ownerEmail}</td>
                    <td>{c.memoryMb} MiB</td>
                    <td>{c.cpuPercent.toFixed(1)} %</td>
                    <td>
                      {c.netRxKb} / {c.netTxKb} KiB
                    </td>
                    <td>{c.diskMb === null ? "–" : `${c.diskMb} MiB`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section className={card} data-testid="backups-admin">
          <h2 className="mb-3 font-medium">Backups</h2>
          <BackupsAdmin view={backups} />
        </section>
        <section className={card} data-testid="plans">
          <h2 className="mb-3 font-medium">Plans</h2>
          <PlansPanel plans={plans} templateDefault={defaultBudget()} />
        </section>
        <section className={card} data-testid="templates">
          <h2 className="mb-3 font-medium">Template versions</h2>
          <UpgradeAll latest={LATEST_STACK_VERSION} behind={await service.projectsBehindLatest(user)} />
        </section>
        <section className={card} data-testid="images">
          <h2 className="mb-3 font-medium">Template images</h2>
          {"state" in images ? (
            <ImagesPanel initial={images.state} />
          ) : (
            <p role="alert" className="text-sm text-red-600">
              The Docker engine could not be read: {images.error}
            </p>
          )}
        </section>
        {!("list" in nodes && nodes.list === null) && (
          <section className={card} data-testid="nodes">
            <h2 className="mb-3 font-medium">Swarm nodes</h2>
            {"list" in nodes ? (
              <NodesPanel nodes={nodes.list ?? []} />
            ) : (
              <p role="alert" className="text-sm text-red-600">
                The Swarm could not be read: {nodes.error}
              </p>
            )}
          </section>
        )}
        <section className={card} data-testid="engine-stacks">
          <h2 className="mb-3 font-medium">Engine</h2>
          {"view" in engine ? (
            <EngineStacks view={engine.view} installationId={service.installationId} />
          ) : (
            <p role="alert" className="text-sm text-red-600">
              The Docker engine could not be read: {engine.error}
            </p>
          )}
        </section>
      </main>
    </>
  );
}
