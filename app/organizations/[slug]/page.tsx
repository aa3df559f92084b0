import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { getAccountServices, getProjectService } from "@/lib/services";
import { ORG_ROLE_NAMES } from "@/lib/domain";
import { allows } from "@/lib/orgs/permissions";
import { SiteHeader } from "@/components/site-header";
import { AddMemberForm, MemberList } from "@/components/orgs/member-manager";
import { InviteForm, PendingInvitations } from "@/components/orgs/invitations";
import { StatusBadge } from "@/components/projects/status-badge";
import { TitledCard } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata = { title: "Organization" };

export default async function OrganizationPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const user = await getCurrentUser();
  if (!user) redirect(`/login?callbackUrl=/organizations/${encodeURIComponent(slug)}`);
  const orgs = getAccountServices().organizations;
  const org = await orgs.get(user, slug).catch((err: unknown) => {
    // Not a member and no such organization look the same.
    if (isAppError(err, "not_found")) notFound();
    throw err;
  });
  const [members, projects] = await Promise.all([orgs.listMembers(user, slug), getProjectService().listProjects(user, { organizationId: org.id })]);
  const rights = { manage: allows(org.role, "members.manage"), manageOwners: allows(org.role, "members.manageOwners") };
  const invitations = rights.manage ? await getAccountServices().invitations.list(user, slug) : [];
  return (
    <>
      <SiteHeader user={user} />
      <main className="mx-auto max-w-6xl space-y-6 px-4 py-10">
        <div>
          <p className="text-sm text-zinc-500">
            <Link href="/organizations" className="underline">
              Organizations
            </Link>
          </p>
          <h1 className="text-2xl font-semibold tracking-tight" data-testid="organization-name">
            {org.name}
          </h1>
          <p className="mt-1 text-sm text-zinc-500">
            <span className="font-mono">{org.slug}</span> · your role: <span data-testid="my-role">{ORG_ROLE_NAMES[org.role]}</span> ·{" "}
            <Link href={`/organizations/${encodeURIComponent(org.slug)}/audit`} className="underline">
              Audit log
            </Link>
          </p>
        </div>
        <TitledCard title="Projects">
          {projects.length === 0 ? (
            <EmptyState>No projects in this organization yet.</EmptyState>
          ) : (
            <ul className="divide-y divide-zinc-100" data-testid="organization-projects">
              {projects.map((p) => (
                <li key={p.ref} className="flex items-center justify-between py-2">
                  <Link href={`/project/${p.ref}`} className="font-medium text-brand-700 underline">
                    {p.name}
                  </Link>
                  <StatusBadge status={p.status} />
                </li>
              ))}
            </ul>
          )}
        </TitledCard>
        <TitledCard title="Members">
          <MemberList slug={org.slug} members={members} rights={rights} viewerId={user.id} personal={org.personal} />
        </TitledCard>
        {rights.manage && (
          <TitledCard title="Invite by email">
            <InviteForm slug={org.slug} mayInviteOwners={rights.manageOwners} />
            <PendingInvitations slug={org.slug} invitations={invitations} />
          </TitledCard>
        )}
        {rights.manage && (
          <TitledCard title="Add an existing account">
            <AddMemberForm slug={org.slug} rights={rights} />
          </TitledCard>
        )}
      </main>
    </>
  );
}
