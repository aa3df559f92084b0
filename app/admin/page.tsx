import { notFound, redirect } from "next/navigation";
import type { ReactNode } from "react";
import { getCurrentUser, redirectAdminWithoutTotp } from "@/lib/auth/session";
import { loadAdminConsole } from "@/lib/admin/console";
import { LATEST_STACK_VERSION } from "@/lib/stack/template";
import { defaultBudget } from "@/lib/stack/limits";
import { SiteHeader } from "@/components/site-header";
import { SettingsForm } from "@/components/admin/settings-form";
import { CapacityCard } from "@/components/admin/capacity-card";
import { PendingUsersTable, UsersTable } from "@/components/admin/user-tables";
import { AdminProjectsTable, TopConsumersTable } from "@/components/admin/project-tables";
import { OrganizationsTable } from "@/components/admin/organizations-table";
import { EngineStacks } from "@/components/admin/engine-stacks";
import { ImagesPanel } from "@/components/admin/images-panel";
import { UpgradeAll } from "@/components/admin/upgrade-all";
import { NodesPanel } from "@/components/admin/nodes-panel";
import { PlansPanel } from "@/components/admin/plans-panel";
import { BackupsAdmin } from "@/components/admin/backups-admin";
import { CertificatesCard } from "@/components/admin/certificates-card";
import { TitledCard } from "@/components/ui/card";
import { AccountsNotice } from "@/components/admin/accounts-notice";
import { SearchBox } from "@/components/ui/input";

export const metadata = { title: "Admin" };

function Unreadable({ what, error }: { what: string; error: string }): ReactNode {
  return (
    <p role="alert" className="text-sm text-red-600">
      The {what} could not be read: {error}
    </p>
  );
}

export default async function AdminPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const user = await getCurrentUser();
  if (!user) redirect("/login?callbackUrl=/admin");
  // Non-admins get the same answer as a page that does not exist.
  if (user.role !== "ADMIN") notFound();
  await redirectAdminWithoutTotp(user);
  const { q, pq, oq } = await searchParams;
  const c = await loadAdminConsole(user, { q, pq, oq });
  // A Swarm-less installation has no nodes to show (null), which is not an error.
  const showNodes = !(c.nodes.ok && c.nodes.value === null);
  return (
    <>
      <SiteHeader user={user} />
      <main className="mx-auto max-w-6xl space-y-6 px-4 py-10">
        <h1 className="text-2xl font-semibold tracking-tight">Admin</h1>
        <AccountsNotice />
        <div className="grid gap-6 md:grid-cols-2">
          <CapacityCard capacity={c.capacity} />
          <TitledCard title="Defaults">
            <SettingsForm initial={c.settings} />
          </TitledCard>
        </div>
        {!(c.certificates.ok && c.certificates.value === null) && (
          <TitledCard title="Certificates (ACME)" data-testid="certificates-admin">
            {c.certificates.ok ? (
              <CertificatesCard certificates={c.certificates.value ?? []} />
            ) : (
              <Unreadable what="certificates" error={c.certificates.error} />
            )}
          </TitledCard>
        )}
        {c.pending.total > 0 && (
          <TitledCard title={`Waiting for approval (${c.pending.total})`} data-testid="pending-users">
            <PendingUsersTable users={c.pending.users} />
          </TitledCard>
        )}
        <TitledCard title={`Users (${c.users.total})`} actions={<SearchBox name="q" defaultValue={q} placeholder="Search email" />}>
          <UsersTable users={c.users.users} plans={c.plans} />
        </TitledCard>
        <TitledCard title={`Projects (${c.projects.total})`} actions={<SearchBox name="pq" defaultValue={pq} placeholder="Search ref, name, owner" />}>
          <AdminProjectsTable projects={c.projects.projects} />
        </TitledCard>
        <TitledCard
          title={`Organizations (${c.organizations.total})`}
          actions={<SearchBox name="oq" defaultValue={oq} placeholder="Search slug, name" />}
          data-testid="organizations-admin"
        >
          <OrganizationsTable organizations={c.organizations.organizations} />
        </TitledCard>
        <TitledCard title="Top consumers (latest sample)" data-testid="top-consumers">
          <TopConsumersTable consumers={c.consumers} />
        </TitledCard>
        <TitledCard title="Backups" data-testid="backups-admin">
          <BackupsAdmin view={c.backups} />
        </TitledCard>
        <TitledCard title="Plans" data-testid="plans">
          <PlansPanel plans={c.plans} templateDefault={defaultBudget()} />
        </TitledCard>
        <TitledCard title="Template versions" data-testid="templates">
          <UpgradeAll latest={LATEST_STACK_VERSION} behind={c.behindLatest} />
        </TitledCard>
        <TitledCard title="Template images" data-testid="images">
          {c.images.ok ? <ImagesPanel initial={c.images.value} /> : <Unreadable what="Docker engine" error={c.images.error} />}
        </TitledCard>
        {showNodes && (
          <TitledCard title="Swarm nodes" data-testid="nodes">
            {c.nodes.ok ? <NodesPanel nodes={c.nodes.value ?? []} /> : <Unreadable what="Swarm" error={c.nodes.error} />}
          </TitledCard>
        )}
        <TitledCard title="Engine" data-testid="engine-stacks">
          {c.engine.ok ? <EngineStacks view={c.engine.value} installationId={c.installationId} /> : <Unreadable what="Docker engine" error={c.engine.error} />}
        </TitledCard>
      </main>
    </>
  );
}
