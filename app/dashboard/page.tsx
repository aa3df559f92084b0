import Link from "next/link";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { getAccountServices, getBackupService, getProjectService } from "@/lib/services";
import { allows } from "@/lib/orgs/permissions";
import { SiteHeader } from "@/components/site-header";
import { StatusBadge } from "@/components/projects/status-badge";
import { NewProjectDialog } from "@/components/projects/new-project-dialog";
import { DeletedProjects } from "@/components/backups/deleted-projects";
import { Alert } from "@/components/ui/alert";
import { undeleteProjectAction } from "@/app/dashboard/backup-actions";
import { VerifyEmailBanner } from "@/components/account/verify-email-banner";
import { CARD_CLASS, TitledCard } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";

export const metadata = { title: "Projects" };

export default async function DashboardPage() {
  const user = await getCurrentUser();
  if (!user) redirect("/login?callbackUrl=/dashboard");
  const service = getProjectService();
  const backups = getBackupService();
  const [projects, quota, failing, deleted, orgs] = await Promise.all([
    service.listProjects(user),
    service.quotaFor(user),
    backups.failingBackups(user),
    backups.listDeleted({ ...user, role: "USER" }),
    getAccountServices().organizations.listMine(user),
  ]);
  // Where the user may create projects: the dialog offers these (the service checks again).
  const creatable = orgs.filter((o) => allows(o.role, "project.create")).map((o) => ({ slug: o.slug, name: o.personal ? `${o.name} (personal)` : o.name }));
  const full = quota.used >= quota.limit;
  return (
    <>
      <SiteHeader user={user} />
      <main className="mx-auto max-w-6xl px-4 py-10">
        <div className="flex flex-wrap items-end justify-between gap-4">
          <div>
            <h1 className="text-2xl font-semibold tracking-tight">Projects</h1>
            <p className="mt-1 text-sm text-zinc-500" data-testid="quota">
              {quota.used} of {quota.limit} projects{full ? " · limit reached" : ""}
            </p>
          </div>
          <NewProjectDialog notice={full ? "Project limit reached" : undefined} organizations={creatable} />
        </div>
        <VerifyEmailBanner userId={user.id} email={user.email} />
        {failing.length > 0 && (
          <div className="mt-6" data-testid="backup-failures">
            <Alert>
              The last scheduled backup failed for{" "}
              {failing.map((f, i) => (
                <span key={f.ref}>
                  {i > 0 && ", "}
                  <a className="font-medium underline" href={`/project/${f.ref}`}>
                    {f.name}
                  </a>{" "}
                  ({new Date(f.at).toLocaleString("en")}: {f.error.slice(0, 120)})
                </span>
              ))}
              . It is tried again within the hour.
            </Alert>
          </div>
        )}
        {projects.length === 0 ? (
          <div className="mt-10 rounded-xl border border-dashed border-zinc-300 bg-white px-6 py-16 text-center">
            <h2 className="font-medium">No projects yet</h2>
            <p className="mt-1 text-sm text-zinc-500">Create one to get Postgres, Auth, REST, Realtime, Storage and Studio at your own subdomain.</p>
          </div>
        ) : (
          <ul className="mt-8 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {projects.map((p) => (
              <li key={p.ref}>
                <Link
                  href={`/project/${p.ref}`}
                  data-testid="project-card"
                  data-ref={p.ref}
                  className={cn(CARD_CLASS, "block transition hover:border-zinc-300 hover:shadow")}
                >
                  <div className="flex items-start justify-between gap-3">
                    <h2 className="truncate font-medium">{p.name}</h2>
                    <StatusBadge status={p.status} />
                  </div>
                  <p className="mt-1 font-mono text-xs text-zinc-500">{p.ref}</p>
                  <p className="mt-4 truncate text-sm text-zinc-600">{p.apiUrl}</p>
                  <div className="mt-3 flex items-center justify-between text-xs text-zinc-400">
                    <span>{p.region ?? "default"}</span>
                    <time dateTime={p.createdAt}>{new Date(p.createdAt).toLocaleDateString("en", { dateStyle: "medium" })}</time>
                  </div>
                </Link>
              </li>
            ))}
          </ul>
        )}
        {deleted.length > 0 && (
          <TitledCard title="Recently deleted" className="mt-10">
            <DeletedProjects projects={deleted} onRestore={undeleteProjectAction} />
          </TitledCard>
        )}
      </main>
    </>
  );
}
