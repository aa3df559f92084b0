"use client";
// The actions on the whole project, in the header of every section: pause,
// restart, resume, retry (role may run it), upgrade (may change its settings),
// delete (may delete it). Those the viewer's role does not allow are left out.
import { useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { ACTIVE_STATUSES, isStatusIn, ORG_ROLE_NAMES, STATUS } from "@/lib/domain";
import {
  deleteProjectAction,
  pauseProjectAction,
  restartProjectAction,
  resumeProjectAction,
  retryProjectAction,
  upgradeProjectAction,
} from "@/app/project/[ref]/actions";
import type { ProjectSummary } from "@/lib/projects/service";
import type { ActionResult } from "@/lib/actions";
import { DeleteProjectDialog } from "@/components/projects/delete-project-dialog";
import { useProjectLive } from "@/components/projects/project-live";
import { Button } from "@/components/ui/button";

export function ProjectActions() {
  const router = useRouter();
  const { project, can, setProject, setError, refreshServices } = useProjectLive();
  const [pending, setPending] = useState<string | null>(null);
  const { ref, status: s } = project;
  const active = isStatusIn(s, ACTIVE_STATUSES) && can.run;

  async function act(name: string, fn: () => Promise<ActionResult<ProjectSummary>>) {
    setPending(name);
    setError(null);
    const res = await fn();
    setPending(null);
    if (res.ok) setProject(res.data);
    else setError(res.message);
    void refreshServices();
  }

  return (
    <div className="flex flex-wrap gap-2">
      {active && (
        <Button variant="secondary" disabled={!!pending} onClick={() => act("pause", () => pauseProjectAction(ref))}>
          {pending === "pause" ? "Pausing…" : "Pause"}
        </Button>
      )}
      {active && (
        <Button variant="secondary" disabled={!!pending} onClick={() => act("restart", () => restartProjectAction(ref))}>
          Restart
        </Button>
      )}
      {s === STATUS.INACTIVE && can.run && (
        <Button variant="brand" disabled={!!pending} onClick={() => act("resume", () => resumeProjectAction(ref))}>
          {pending === "resume" ? "Resuming…" : "Resume"}
        </Button>
      )}
      {s === STATUS.INIT_FAILED && can.run && (
        <Button variant="brand" disabled={!!pending} onClick={() => act("retry", () => retryProjectAction(ref))}>
          Retry
        </Button>
      )}
      {can.settings && project.upgradeTo && !project.upgradeBlocked && (isStatusIn(s, ACTIVE_STATUSES) || s === STATUS.INACTIVE) && (
        <Button variant="secondary" disabled={!!pending} onClick={() => act("upgrade", () => upgradeProjectAction(ref))} data-testid="upgrade">
          {pending === "upgrade" ? "Upgrading…" : `Upgrade to ${project.upgradeTo}`}
        </Button>
      )}
      {can.delete && (
        <DeleteProjectDialog
          projectRef={ref}
          name={project.name}
          onDelete={async (confirmRef) => {
            const res = await deleteProjectAction({ ref, confirmRef });
            if (res.ok) {
              router.push("/dashboard");
              router.refresh();
            }
            return res;
          }}
        />
      )}
      <span className="self-center text-xs text-zinc-500" data-testid="viewer-role">
        Your role: {ORG_ROLE_NAMES[can.role]}
        {can.members && project.organizationId && (
          <>
            {" · "}
            <Link href={`/organizations/${encodeURIComponent(project.organizationId)}`} className="underline" data-testid="manage-members">
              Members
            </Link>
          </>
        )}
      </span>
    </div>
  );
}
