import { isStatusIn, PROJECT_STATUSES, TRANSITIONAL_STATUSES, type ProjectStatus } from "@/lib/domain";

// Every status word has its badge (the type makes a missing one a compile error).
const STYLES: Record<ProjectStatus, { label: string; className: string }> = {
  COMING_UP: { label: "Coming up", className: "bg-sky-50 text-sky-700 ring-sky-200" },
  ACTIVE_HEALTHY: { label: "Healthy", className: "bg-emerald-50 text-emerald-700 ring-emerald-200" },
  ACTIVE_UNHEALTHY: { label: "Unhealthy", className: "bg-amber-50 text-amber-800 ring-amber-200" },
  PAUSING: { label: "Pausing", className: "bg-zinc-100 text-zinc-700 ring-zinc-200" },
  INACTIVE: { label: "Paused", className: "bg-zinc-100 text-zinc-600 ring-zinc-200" },
  RESTORING: { label: "Restoring", className: "bg-sky-50 text-sky-700 ring-sky-200" },
  INIT_FAILED: { label: "Failed", className: "bg-red-50 text-red-700 ring-red-200" },
  REMOVED: { label: "Removed", className: "bg-zinc-100 text-zinc-500 ring-zinc-200" },
  UNKNOWN: { label: "Unknown", className: "bg-zinc-100 text-zinc-600 ring-zinc-200" },
};

export function StatusBadge({ status }: { status: string }) {
  const known = (PROJECT_STATUSES as readonly string[]).includes(status);
  const s = STYLES[known ? (status as ProjectStatus) : "UNKNOWN"];
  const pulse = isStatusIn(status, TRANSITIONAL_STATUSES);
  return (
    <span
      data-testid="status-badge"
      data-status={status}
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${s.className}`}
    >
      <span className={`h-1.5 w-1.5 rounded-full bg-current ${pulse ? "animate-pulse" : ""}`} aria-hidden />
      {s.label}
    </span>
  );
}
