// What each service waits for during one start. A first boot keeps the
// template's depends_on exactly: services initialise the database (roles,
// migrations) and each other in that order. A start on data that exists
// already (a resume, a wake, an upgrade on copied volumes) initialises
// nothing, so it brings up the request path first: the gateway, the database
// and the API services behind the gateway that a client calls most, waiting
// only on each other. Every other service waits, besides its own
// dependencies, until the request path is healthy. Container starts are
// serialised in the engine (about 0.7 s each on the 2-core hosts,
// bench/RESULTS.md), so the order decides when the first request is answered:
// the request path's starts are asked for one after another, the database
// first, so the engine never starts the gateway while the database waits.
import type { DependencyCondition, ServiceName, ServiceSpec } from "@/lib/stack/types";

/** The request path, in the order its containers are started: the database first, everything waits on it. */
export const REQUEST_PATH: readonly ServiceName[] = ["db", "kong", "api-gw", "rest", "auth"];

/**
 * Path prefixes the gateway sends to the request path's services, as both
 * template versions' gateways match them (kong.yml `paths`, Envoy's route
 * `prefix`): PostgREST (REST, and GraphQL through pg_graphql) and Auth.
 */
export const REQUEST_PATH_ROUTES: readonly string[] = ["/rest/v1/", "/graphql/v1", "/auth/v1/"];

/** Whether a request (its path, a query allowed) is served by the request path alone. */
export function servedByRequestPath(uri: string): boolean {
  const path = uri.split("?")[0] ?? "";
  // Only plain paths count: "/rest/v1/../storage/v1/x" is Storage's once normalised.
  if (/\/\.\.?(\/|$)|\/\/|%2e|%2f|%5c|\\/i.test(path)) return false;
  return REQUEST_PATH_ROUTES.some((r) => path.startsWith(r));
}

export type StartMode = "first-boot" | "existing-data";

export interface Dependency {
  service: ServiceName;
  condition: DependencyCondition;
}

export interface StartStep {
  service: ServiceSpec;
  dependsOn: Dependency[];
}

/**
 * The services in the order their starts are asked for, each with what it
 * waits for. "existing-data" drops only the request path's waits on services
 * outside it (api-gw on studio, kong and auth on analytics, the 15 db on
 * vector): ordering for a first boot, not something a running service needs
 * (the log driver is asynchronous: lib/stack/log-path.ts). Each service of
 * the request path also waits for the one before it to be started.
 */
export function startPlan(services: readonly ServiceSpec[], mode: StartMode): StartStep[] {
  if (mode === "first-boot") return services.map((s) => ({ service: s, dependsOn: s.dependsOn }));
  const rank = (s: ServiceSpec) => {
    const i = REQUEST_PATH.indexOf(s.service);
    return i === -1 ? REQUEST_PATH.length : i;
  };
  const ordered = [...services].sort((a, b) => rank(a) - rank(b));
  // The path's services come first in `ordered`, in this order: path[i] is ordered[i].
  const path = requestPathOf(services);
  const first = new Set(path);
  return ordered.map((s, i) => {
    if (first.has(s.service)) {
      const own = s.dependsOn.filter((d) => first.has(d.service));
      const before = i > 0 && !own.some((d) => d.service === path[i - 1]) ? [{ service: path[i - 1]!, condition: "service_started" as const }] : [];
      return { service: s, dependsOn: [...before, ...own] };
    }
    const own = s.dependsOn.filter((d) => !first.has(d.service));
    return { service: s, dependsOn: [...path.map((service) => ({ service, condition: "service_healthy" as const })), ...own] };
  });
}

/** The request path's services that this stack runs. */
export function requestPathOf(services: readonly ServiceSpec[]): ServiceName[] {
  return REQUEST_PATH.filter((name) => services.some((s) => s.service === name));
}
