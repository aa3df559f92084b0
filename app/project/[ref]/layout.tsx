import type { ReactNode } from "react";
import Link from "next/link";
import { SiteHeader } from "@/components/site-header";
import { ProjectLiveProvider } from "@/components/projects/project-live";
import { ProjectHeader } from "@/components/projects/project-header";
import { ProjectNav } from "@/components/projects/project-nav";
import { ownedProject } from "./access";

// The frame of every project section: the live header (status from the event
// stream, the actions the viewer's role allows) and the sidebar. Each section page checks the
// user and the ownership again itself.
export default async function ProjectLayout({ children, params }: { children: ReactNode; params: Promise<{ ref: string }> }) {
  const { ref } = await params;
  const { user, project, can } = await ownedProject(ref, "");
  return (
    <>
      <SiteHeader user={user} />
      <main className="mx-auto max-w-6xl px-4 py-8">
        <Link href="/dashboard" className="text-sm text-zinc-500 hover:text-zinc-800">
          ← Projects
        </Link>
        <ProjectLiveProvider key={ref} initial={project} can={can}>
          <div className="mt-4">
            <ProjectHeader />
          </div>
          <div className="mt-6 flex flex-col gap-6 md:flex-row">
            <aside className="md:w-48 md:shrink-0">
              <ProjectNav projectRef={ref} />
            </aside>
            <div className="min-w-0 flex-1 space-y-6">{children}</div>
          </div>
        </ProjectLiveProvider>
      </main>
    </>
  );
}
