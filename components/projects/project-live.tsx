"use client";
// The project as it lives while the page is open, shared by every section:
// its status from the server's events (SSE), provisioning progress, the
// services (polled every 5 s), and the keys once revealed. It sits in the
// project layout, so moving between sections keeps it (and its stream).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { usePolling } from "@/components/hooks/use-polling";
import { revealProjectSecretsAction, serviceStatusAction } from "@/app/project/[ref]/actions";
import type { ProjectDetails, ProjectSummary } from "@/lib/projects/service";
import type { ServiceStatus } from "@/lib/projects/provisioner";
import type { ProjectCapabilities } from "@/lib/orgs/capabilities";

export interface EventView {
  id: number | null;
  at: string;
  level: string;
  kind: string;
  message: string;
}

export interface Progress {
  images: Record<string, { percent: number; status: string }>;
  services: Record<string, string>;
}

interface ProjectLive {
  project: ProjectSummary;
  /** What the viewer's role allows (from the server's page view): controls for the rest are left out. */
  can: ProjectCapabilities;
  setProject: (p: ProjectSummary) => void;
  events: EventView[];
  progress: Progress;
  services: ServiceStatus[];
  refreshServices: () => Promise<void>;
  secrets: ProjectDetails | null;
  reveal: () => Promise<void>;
  error: string | null;
  setError: (message: string | null) => void;
}

const LiveContext = createContext<ProjectLive | null>(null);

export function useProjectLive(): ProjectLive {
  const live = useContext(LiveContext);
  if (!live) throw new Error("useProjectLive outside ProjectLiveProvider");
  return live;
}

function useEventStream(ref: string, setProject: (p: ProjectSummary) => void) {
  const [events, setEvents] = useState<EventView[]>([]);
  const [progress, setProgress] = useState<Progress>({ images: {}, services: {} });
  useEffect(() => {
    const es = new EventSource(`/api/projects/${ref}/events`);
    es.addEventListener("status", (e) => setProject(JSON.parse((e as MessageEvent<string>).data) as ProjectSummary));
    es.addEventListener("progress", (e) => setProgress(JSON.parse((e as MessageEvent<string>).data) as Progress));
    es.addEventListener("event", (e) => {
      const ev = JSON.parse((e as MessageEvent<string>).data) as EventView & { data?: { service?: string } };
      setEvents((prev) => (prev.some((p) => p.id === ev.id) ? prev : [...prev.slice(-199), ev]));
      if (ev.kind.startsWith("service.") && ev.data?.service) {
        const service = ev.data.service;
        setProgress((p) => ({ ...p, services: { ...p.services, [service]: ev.kind.slice(8) } }));
      }
    });
    es.addEventListener("progress-event", (e) => {
      const ev = JSON.parse((e as MessageEvent<string>).data) as { data?: { image?: string; percent?: number; status?: string } };
      const image = ev.data?.image;
      if (image) setProgress((p) => ({ ...p, images: { ...p.images, [image]: { percent: ev.data?.percent ?? 0, status: ev.data?.status ?? "" } } }));
    });
    return () => es.close();
  }, [ref, setProject]);
  return { events, progress };
}

export function ProjectLiveProvider({ initial, can, children }: { initial: ProjectSummary; can: ProjectCapabilities; children: ReactNode }) {
  const ref = initial.ref;
  const [project, setProject] = useState(initial);
  const [services, setServices] = useState<ServiceStatus[]>([]);
  const [secrets, setSecrets] = useState<ProjectDetails | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { events, progress } = useEventStream(ref, setProject);

  const refreshServices = useCallback(async () => {
    const res = await serviceStatusAction(ref);
    if (res.ok) {
      setServices(res.data.services);
      setProject(res.data.project);
    }
  }, [ref]);

  usePolling(refreshServices, 5000);

  const reveal = useCallback(async () => {
    const res = await revealProjectSecretsAction(ref);
    if (res.ok) setSecrets(res.data);
    else setError(res.message);
  }, [ref]);

  const live = useMemo(
    () => ({ project, can, setProject, events, progress, services, refreshServices, secrets, reveal, error, setError }),
    [project, can, events, progress, services, refreshServices, secrets, reveal, error],
  );
  return <LiveContext.Provider value={live}>{children}</LiveContext.Provider>;
}
