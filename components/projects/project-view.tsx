"use client";
import { ACTIVE_STATUSES, isStatusIn, STATUS, TRANSITIONAL_STATUSES } from "@/lib/domain";
import { useCallback, useEffect, useState } from "react";
import { useRouter } from "next/navigation";
import {
  deleteProjectAction,
  pauseProjectAction,
  restartProjectAction,
  resumeProjectAction,
  retryProjectAction,
  revealProjectSecretsAction,
  serviceStatusAction,
  upgradeProjectAction,
} from "@/app/project/[ref]/actions";
import type { ProjectDetails, ProjectSummary } from "@/lib/projects/service";
import type { ServiceStatus } from "@/lib/projects/provisioner";
import type { ActionResult } from "@/lib/actions";
import { StatusBadge } from "@/components/projects/status-badge";
import { Section, SecretRow } from "@/components/projects/section";
import { ServicesTable } from "@/components/projects/services-table";
import { DeleteProjectDialog } from "@/components/projects/delete-project-dialog";
import { LogViewer } from "@/components/projects/log-viewer";
import { AuthSettingsForm } from "@/components/projects/auth-settings-form";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { DbDiskAlert } from "@/components/projects/db-disk-alert";
import { CopyButton } from "@/components/ui/copy-button";

interface EventView {
  id: number | null;
  at: string;
  level: string;
  kind: string;
  message: string;
}
interface Progress {
  images: Record<string, { percent: number; status: string }>;
  services: Record<string, string>;
}

// Progress badge per service state (the suffix of a service.* event); others are "in progress".
const SERVICE_STATE_STYLE: Record<string, string> = {
  healthy: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  failed: "bg-red-50 text-red-700 ring-red-200",
  unhealthy: "bg-amber-50 text-amber-800 ring-amber-200",
};

export function ProjectView({ initial }: { initial: ProjectSummary }) {
  const router = useRouter();
  const [project, setProject] = useState(initial);
  const [events, setEvents] = useState<EventView[]>([]);
  const [progress, setProgress] = useState<Progress>({ images: {}, services: {} });
  const [services, setServices] = useState<ServiceStatus[]>([]);
  const [secrets, setSecrets] = useState<ProjectDetails | null>(null);
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ref = initial.ref;

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
  }, [ref]);

  const loadServices = useCallback(async () => {
    const res = await serviceStatusAction(ref);
    if (res.ok) {
      setServices(res.data.services);
      setProject(res.data.project);
    }
  }, [ref]);

  useEffect(() => {
    // Loaded from timers (the first one right away), never synchronously in the effect.
    const first = setTimeout(() => void loadServices(), 0);
    const t = setInterval(() => void loadServices(), 5000);
    return () => {
      clearTimeout(first);
      clearInterval(t);
    };
  }, [loadServices]);

  async function act(name: string, fn: () => Promise<ActionResult<ProjectSummary>>) {
    setPending(name);
    setError(null);
    const res = await fn();
    setPending(null);
    if (res.ok) setProject(res.data);
    else setError(res.message);
    void loadServices();
  }

  async function reveal() {
    const res = await revealProjectSecretsAction(ref);
    if (res.ok) setSecrets(res.data);
    else setError(res.message);
  }

  const s = project.status;
  const active = isStatusIn(s, ACTIVE_STATUSES);
  const snippet = `import { createClient } from "@supabase/supabase-js";\n\nconst supabase = createClient(\n  "${project.apiUrl}",\n  "${secrets?.anonKey ?? "<anon key: click Reveal>"}",\n);`;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <div className="flex items-center gap-3">
            <h1 className="text-2xl font-semibold tracking-tight" data-testid="project-name">
              {project.name}
            </h1>
            <StatusBadge status={s} />
          </div>
          <p className="mt-1 font-mono text-xs text-zinc-500" data-testid="project-ref">
            {ref}
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
          {s === STATUS.INACTIVE && (
            <Button variant="brand" disabled={!!pending} onClick={() => act("resume", () => resumeProjectAction(ref))}>
              {pending === "resume" ? "Resuming…" : "Resume"}
            </Button>
          )}
          {s === STATUS.INIT_FAILED && (
            <Button variant="brand" disabled={!!pending} onClick={() => act("retry", () => retryProjectAction(ref))}>
              Retry
            </Button>
          )}
          {project.upgradeTo && !project.upgradeBlocked && (active || s === STATUS.INACTIVE) && (
            <Button variant="secondary" disabled={!!pending} onClick={() => act("upgrade", () => upgradeProjectAction(ref))} data-testid="upgrade">
              {pending === "upgrade" ? "Upgrading…" : `Upgrade to ${project.upgradeTo}`}
            </Button>
          )}
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
        </div>
      </div>

      {error && <Alert>{error}</Alert>}
      {s === STATUS.INIT_FAILED && project.statusReason && <Alert>Creation failed: {project.statusReason}</Alert>}
      {s === STATUS.ACTIVE_UNHEALTHY && project.statusReason && <Alert tone="info">{project.statusReason}</Alert>}
      <DbDiskAlert disk={project.dbDisk} />
      {s === STATUS.INACTIVE && <Alert tone="info">This project is paused. Its data is kept; resume it to start its services again.</Alert>}

      {(isStatusIn(s, TRANSITIONAL_STATUSES) || s === STATUS.INIT_FAILED) && (
        <Section title="Progress" testId="progress">
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
              <span
                key={svc}
                className={`rounded-md px-2 py-0.5 text-xs ring-1 ring-inset ${SERVICE_STATE_STYLE[state] ?? "bg-sky-50 text-sky-700 ring-sky-200"}`}
              >
                {svc}: {state}
              </span>
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
        </Section>
      )}

      {s !== STATUS.INIT_FAILED && (
        <div className="grid gap-6 lg:grid-cols-2">
          <Section title="API" testId="api-section">
            <div className="space-y-4">
              <div className="space-y-1">
                <div className="text-xs font-medium uppercase tracking-wide text-zinc-500">Project URL</div>
                <div className="flex items-center gap-2">
                  <code data-testid="api-url" className="min-w-0 flex-1 truncate rounded-md bg-zinc-50 px-2 py-1.5 font-mono text-xs ring-1 ring-zinc-200">
                    {project.apiUrl}
                  </code>
                  <CopyButton value={project.apiUrl} />
                </div>
              </div>
              <SecretRow label="anon key (public)" value={secrets?.anonKey} revealed={!!secrets} testId="anon-key" />
              <SecretRow label="service_role key (secret)" value={secrets?.serviceRoleKey} revealed={!!secrets} testId="service-key" />
              {(!secrets || secrets.publishableKey) && (
                <SecretRow label="Publishable key (public)" value={secrets?.publishableKey ?? undefined} revealed={!!secrets} testId="publishable-key" />
              )}
              {(!secrets || secrets.secretKey) && (
                <SecretRow label="Secret key (server only)" value={secrets?.secretKey ?? undefined} revealed={!!secrets} testId="secret-key" />
              )}
              {secrets && !secrets.publishableKey && <p className="text-xs text-zinc-500">Publishable and secret keys come with the template upgrade.</p>}
              {secrets && (
                <p className="text-xs text-zinc-500">
                  JWKS (public signing keys):{" "}
                  <code className="font-mono" data-testid="jwks-url">
                    {secrets.jwksUrl}
                  </code>
                </p>
              )}
              {!secrets && (
                <Button variant="secondary" onClick={reveal} data-testid="reveal">
                  Reveal keys and passwords
                </Button>
              )}
            </div>
          </Section>
          <Section title="Database">
            <div className="space-y-4">
              <SecretRow label="Connection string (session)" value={secrets?.directUrl ?? undefined} revealed={!!secrets} testId="direct-url" />
              <SecretRow label="Pooler (transaction mode)" value={secrets?.poolerUrl ?? undefined} revealed={!!secrets} testId="pooler-url" />
              <SecretRow label="Database password" value={secrets?.dbPassword} revealed={!!secrets} testId="db-password" />
              {secrets?.dbCaCertificate && (
                <details className="text-sm" data-testid="db-ca">
                  <summary className="cursor-pointer text-zinc-600">CA certificate (for sslmode=verify-full)</summary>
                  <pre className="mt-2 overflow-x-auto rounded bg-zinc-50 p-2 text-xs">{secrets.dbCaCertificate}</pre>
                </details>
              )}
            </div>
          </Section>
          <Section title="Studio">
            <p className="mb-3 text-sm text-zinc-600">
              Open{" "}
              <a className="font-medium text-brand-700 underline" href={project.apiUrl} target="_blank" rel="noreferrer">
                Supabase Studio
              </a>{" "}
              and sign in with:
            </p>
            <div className="space-y-3">
              <SecretRow label="Username" value={secrets?.dashboardUsername} revealed={!!secrets} testId="studio-user" />
              <SecretRow label="Password" value={secrets?.dashboardPassword} revealed={!!secrets} testId="studio-password" />
            </div>
          </Section>
          <Section title="Auth settings" testId="auth-section">
            <AuthSettingsForm projectRef={ref} />
          </Section>
          <Section title="supabase-js">
            <pre className="overflow-auto rounded-lg bg-zinc-950 p-3 font-mono text-xs leading-5 text-zinc-100">{snippet}</pre>
          </Section>
        </div>
      )}

      <Section title="Services" testId="services">
        <ServicesTable services={services} />
      </Section>

      <Section title="Logs">
        <LogViewer projectRef={ref} status={s} />
      </Section>
    </div>
  );
}
