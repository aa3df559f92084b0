import { notFound, redirect } from "next/navigation";
import Link from "next/link";
import { getCurrentUser } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { getAccountServices, getProjectService } from "@/lib/services";
import { SiteHeader } from "@/components/site-header";
import { ProjectView } from "@/components/projects/project-view";
import { UsageCharts } from "@/components/projects/usage-charts";
import { BackupsPanel } from "@/components/backups/backups-panel";
import { IdleSetting } from "@/components/projects/idle-setting";

export default async function ProjectPage({ params }: { params: Promise<{ ref: string }> }) {
  const { ref } = await params;
  const user = await getCurrentUser();
  if (!user) redirect(`/login?callbackUrl=/project/${encodeURIComponent(ref)}`);
  let project;
  let usage;
  let idle;
  try {
    project = await getProjectService().getProject(user, ref);
    usage = await getProjectService().usageOf(user, ref);
    idle = await getProjectService().idleTimeoutOf(user, ref);
  } catch (err) {
    // Someone else's project and a missing one look the same.
    if (isAppError(err, "not_found")) notFound();
    throw err;
  }
  return (
    <>
      <SiteHeader user={user} />
      <main className="mx-auto max-w-6xl px-4 py-8">
        <Link href="/dashboard" className="text-sm text-zinc-500 hover:text-zinc-800">
          ← Projects
        </Link>
        <div className="mt-4">
          <ProjectView initial={project} />
        </div>
        <div className="mt-6">
          <IdleSetting projectRef={ref} initial={idle} defaultMinutes={(await getAccountServices().settings.get()).idleTimeoutMin} />
        </div>
        <div className="mt-4">
          <UsageCharts points={usage} />
        </div>
        <section className="mt-6 rounded-xl border border-zinc-200 bg-white p-5 shadow-sm">
          <h2 className="mb-4 font-medium">Backups</h2>
          <BackupsPanel projectRef={project.ref} projectName={project.name} />
        </section>
      </main>
    </>
  );
}
