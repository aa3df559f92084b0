// Status derived from the services' states: one rule for reconcile, refresh
// and (later) the monitor.
import { SERVICE_NAMES } from "@/lib/stack/types";
import type { ServiceStatus } from "@/lib/projects/provisioner";

export function deriveActiveStatus(services: ServiceStatus[]): "ACTIVE_HEALTHY" | "ACTIVE_UNHEALTHY" {
  const expected = new Set<string>(SERVICE_NAMES);
  const ok = services.filter((s) => s.state === "running" && (s.health === "healthy" || s.health === "none"));
  return ok.length >= expected.size && [...expected].every((name) => ok.some((s) => s.service === name)) ? "ACTIVE_HEALTHY" : "ACTIVE_UNHEALTHY";
}

export function unhealthyReason(services: ServiceStatus[]): string {
  const bad = SERVICE_NAMES.filter((name) => {
    const s = services.find((x) => x.service === name);
    return !s || s.state !== "running" || s.health === "unhealthy";
  });
  return bad.length ? `Not healthy: ${bad.join(", ")}` : "Some services are still starting";
}
