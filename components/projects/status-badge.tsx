import { isStatusIn, PROJECT_STATUSES, TRANSITIONAL_STATUSES, type ProjectStatus } from "@/lib/domain";
import { Badge, type BadgeTone } from "@/components/ui/badge";

// Every status word has its badge (the type makes a missing one a compile error).
const STYLES: Record<ProjectStatus, { label: string; tone: BadgeTone }> = {
  COMING_UP: { label: "Coming up", tone: "sky" },
  ACTIVE_HEALTHY: { label: "Healthy", tone: "green" },
  ACTIVE_UNHEALTHY: { label: "Unhealthy", tone: "amber" },
  PAUSING: { label: "Pausing", tone: "zinc" },
  INACTIVE: { label: "Paused", tone: "zinc" },
  RESTORING: { label: "Restoring", tone: "sky" },
  INIT_FAILED: { label: "Failed", tone: "red" },
  REMOVED: { label: "Removed", tone: "zinc" },
  UNKNOWN: { label: "Unknown", tone: "zinc" },
};

export function StatusBadge({ status }: { status: string }) {
  const known = (PROJECT_STATUSES as readonly string[]).includes(status);
  const s = STYLES[known ? (status as ProjectStatus) : "UNKNOWN"];
  const pulse = isStatusIn(status, TRANSITIONAL_STATUSES);
  return (
    <Badge tone={s.tone} data-testid="status-badge" data-status={status}>
      <span className={`h-1.5 w-1.5 rounded-full bg-current ${pulse ? "animate-pulse" : ""}`} aria-hidden />
      {s.label}
    </Badge>
  );
}
