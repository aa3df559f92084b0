"use client";
import { STATUS } from "@/lib/domain";
// The live head of every project section: name, status (from the event
// stream), template version, the owner's actions, and the alerts that say
// why the project is not simply running.
import { useProjectLive } from "@/components/projects/project-live";
import { ProjectActions } from "@/components/projects/project-actions";
import { StatusBadge } from "@/components/projects/status-badge";
import { DbDiskAlert } from "@/components/projects/db-disk-alert";
import { Alert } from "@/components/ui/alert";

export function ProjectHeader() {
  const { project, error } = useProjectLive();
  const s = project.status;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <div className="flex items-center gap-3">
            <h1 className="text-2xl font-semibold tracking-tight" data-testid="project-name">
              {project.name}
            </h1>
            <StatusBadge status={s} />
          </div>
          <p className="mt-1 font-mono text-xs text-zinc-500" data-testid="project-ref">
            {project.ref}
          </p>
          <p className="mt-1 text-xs text-zinc-500" data-testid="stack-version">
            Template {project.stackVersion}
            {project.upgradeTo ? ` · ${project.upgradeTo} available` : ""}
          </p>
          {project.upgradeTo && project.upgradeBlocked && (
            <p className="mt-1 max-w-xl text-xs text-amber-700" data-testid="upgrade-blocked">
              {project.upgradeBlocked}
            </p>
          )}
          {project.upgradeTo && !project.upgradeBlocked && project.upgradeNote && (
            <p className="mt-1 max-w-xl text-xs text-zinc-600" data-testid="upgrade-note">
              {project.upgradeNote}
            </p>
          )}
        </div>
        <ProjectActions />
      </div>
      {error && <Alert>{error}</Alert>}
      {s === STATUS.INIT_FAILED && project.statusReason && <Alert>Creation failed: {project.statusReason}</Alert>}
      {s === STATUS.ACTIVE_UNHEALTHY && project.statusReason && <Alert tone="info">{project.statusReason}</Alert>}
      <DbDiskAlert disk={project.dbDisk} />
      {s === STATUS.INACTIVE && project.sleepTier === "frozen" && (
        <Alert tone="info">
          <span data-testid="sleep-tier">Asleep, frozen:</span> its containers are suspended with their memory kept, and its next request wakes it in well under
          a second. If it stays idle it is stopped later, which frees its memory.
        </Alert>
      )}
      {s === STATUS.INACTIVE && project.sleepTier !== "frozen" && (
        <Alert tone="info">This project is paused. Its data is kept; resume it to start its services again.</Alert>
      )}
    </div>
  );
}
