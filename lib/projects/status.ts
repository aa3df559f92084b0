// Status derived from the services' states: one rule for reconcile, refresh
// and the monitor. What "every service" means depends on the project's
// template version and on whether this installation runs analytics.
import { templateServices } from "@/lib/stack/template";
import type { ServiceStatus } from "@/lib/projects/provisioner";
import type { ProjectContext } from "@/lib/projects/context";

/** The services a project's stack runs (its own template version, this installation's optional services). */
export function expectedServices(ctx: ProjectContext, p: { stackVersion: string }): string[] {
  return templateServices(p.stackVersion, { analytics: ctx.config.analytics ?? false });
}

/**
 * Healthy when every expected service runs and none is judged unhealthy.
 * "starting" counts as fine: a start finishes when each service's own check
 * passes (lib/docker/probe.ts), often before the engine's first scheduled
 * check, and a service that really fails turns "unhealthy" after its retries.
 */
export function deriveActiveStatus(services: ServiceStatus[], expected: readonly string[]): "ACTIVE_HEALTHY" | "ACTIVE_UNHEALTHY" {
  const ok = services.filter((s) => s.state === "running" && s.health !== "unhealthy");
  return expected.every((name) => ok.some((s) => s.service === name)) ? "ACTIVE_HEALTHY" : "ACTIVE_UNHEALTHY";
}

export function unhealthyReason(services: ServiceStatus[], expected: readonly string[]): string {
  const bad = expected.filter((name) => {
    const s = services.find((x) => x.service === name);
    return !s || s.state !== "running" || s.health === "unhealthy";
  });
  return bad.length ? `Not healthy: ${bad.join(", ")}` : "Some services are missing";
}
