"use client";
// The overview's live cards: provisioning progress while the project comes
// up (or after it failed), and its services as the engine reports them.
import { isStatusIn, TRANSITIONAL_STATUSES, STATUS } from "@/lib/domain";
import { RoleNote } from "@/components/projects/role-note";
import { useProjectLive } from "@/components/projects/project-live";
import { ServicesTable } from "@/components/projects/services-table";
import { LogViewer } from "@/components/projects/log-viewer";
import { TitledCard } from "@/components/ui/card";
import { Badge, type BadgeTone } from "@/components/ui/badge";

// Progress badge per service state (the suffix of a service.* event); others are "in progress".
const SERVICE_STATE_TONE: Record<string, BadgeTone> = { healthy: "green", failed: "red", unhealthy: "amber" };

export function ProgressCard() {
  const { project, progress, events } = useProjectLive();
  if (!isStatusIn(project.status, TRANSITIONAL_STATUSES) && project.status !== STATUS.INIT_FAILED) return null;
  return (
    <TitledCard title="Progress" data-testid="progress">
      {Object.entries(progress.images).map(([image, p]) => (
        <div key={image} className="mb-2">
          <div className="flex justify-between text-xs text-zinc-600">
            <span className="font-mono">{image}</span>
            <span>{p.percent}%</span>
          </div>
          <div className="mt-1 h-1.5 rounded-full bg-zinc-100">
            <div className="h-1.5 rounded-full bg-brand-500" style={{ width: `${p.percent}%` }} />
          </div>
        </div>
      ))}
      <div className="mb-4 flex flex-wrap gap-2">
        {Object.entries(progress.services).map(([svc, state]) => (
          <Badge key={svc} pill={false} tone={SERVICE_STATE_TONE[state] ?? "sky"} className="font-normal">
            {svc}: {state}
          </Badge>
        ))}
      </div>
      <ol className="max-h-64 space-y-1 overflow-auto text-sm" data-testid="event-log">
        {events.map((e) => (
          <li key={e.id ?? e.at} className={e.level === "ERROR" ? "text-red-700" : "text-zinc-700"}>
            <time className="mr-2 font-mono text-xs text-zinc-400">{new Date(e.at).toLocaleTimeString("en")}</time>
            {e.message}
          </li>
        ))}
      </ol>
    </TitledCard>
  );
}

export function ServicesCard() {
  const { services } = useProjectLive();
  return (
    <TitledCard title="Services" data-testid="services">
      <ServicesTable services={services} />
    </TitledCard>
  );
}

export function LogsCard() {
  const { project, can } = useProjectLive();
  return (
    <TitledCard title="Logs">
      {/* Logs may carry what the project's users send: content (lib/projects/service.ts logs). */}
      {can.content ? <LogViewer projectRef={project.ref} status={project.status} /> : <RoleNote role={can.role} what="reading the services' logs" />}
    </TitledCard>
  );
}
