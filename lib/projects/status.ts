// Status derived from the services' states: one rule for reconcile, refresh
// and (later) the monitor.
import { SERVICE_NAMES } from "@/lib/stack/types";
import type { ServiceStatus } from "@/lib/projects/provisioner";

/**
 * Healthy when every service runs and none is judged unhealthy. "starting"
 * counts as fine: a start finishes when each service's own check passes
 * (lib/docker/probe.ts), often before the engine's first scheduled check, and
 * a service that really fails turns "unhealthy" after its retries.
 */
export function deriveActiveStatus(services: ServiceStatus[]): "ACTIVE_HEALTHY" | "ACTIVE_UNHEALTHY" {
  const expected = new Set<string>(SERVICE_NAMES);
  const ok = services.filter((s) => s.state === "running" && s.health !== "unhealthy");
  return ok.length >= expected.size && [...expected].every((name) => ok.some((s) => s.service === name)) ? "ACTIVE_HEALTHY" : "ACTIVE_UNHEALTHY";
}

export function unhealthyReason(services: ServiceStatus[]): string {
  const bad = SERVICE_NAMES.filter((name) => {
    const s = services.find((x) => x.service === name);
    return !s || s.state !== "running" || s.health === "unhealthy";
  });
  return bad.length ? `Not healthy: ${bad.join(", ")}` : "Some services are missing";
}
