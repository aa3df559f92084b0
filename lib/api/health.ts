// Container state (lib/projects provisioner.status) as Supabase's service
// health entries. Pure.
import type { z } from "zod";
import type { ServiceStatus } from "@/lib/projects/provisioner";
import { HEALTH_SERVICE_CONTAINERS, type HealthServiceName, type serviceHealthSchema } from "@/lib/api/schemas";

export type V1ServiceHealth = z.output<typeof serviceHealthSchema>;

function one(name: HealthServiceName, statuses: ServiceStatus[], projectStarting: boolean): V1ServiceHealth {
  const container = HEALTH_SERVICE_CONTAINERS[name];
  if (!container) {
    return { name, healthy: false, status: "UNHEALTHY", error: 'Supafleet stacks have no PgBouncer; the pooler is Supavisor (ask for "pooler").' };
  }
  const s = statuses.find((x) => x.service === container);
  if (!s || s.state === "missing") return { name, healthy: false, status: "UNHEALTHY", error: `The ${container} container does not exist.` };
  if (s.state !== "running") {
    return {
      name,
      healthy: false,
      status: "UNHEALTHY",
      error: `The ${container} container is ${s.state}${s.exitCode !== null && s.state === "exited" ? ` (exit code ${s.exitCode})` : ""}.`,
    };
  }
  // "starting" is Docker not having run its check yet. While the project
  // starts, that is what it means; once it is up, each service already passed
  // its own check (lib/docker/probe.ts), as the project status counts it.
  if (s.health === "starting" && projectStarting) return { name, healthy: false, status: "COMING_UP" };
  if (s.health === "unhealthy") return { name, healthy: false, status: "UNHEALTHY", error: `The ${container} container fails its health check.` };
  return { name, healthy: true, status: "ACTIVE_HEALTHY" };
}

/** One entry per requested name, in the order asked, each name once. */
export function serviceHealth(requested: HealthServiceName[], statuses: ServiceStatus[], projectStarting = false): V1ServiceHealth[] {
  return [...new Set(requested)].map((name) => one(name, statuses, projectStarting));
}
