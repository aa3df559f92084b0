// nginx's own request and connection limits, per client address, in front
// of the two places where a request costs the app work before any tenant's
// code runs: the app itself (panel, API, wake route) and the locations of
// idle-paused projects, where every request asks the app's wake gate (up to
// two app requests and several queries; security review L4). Past a limit
// nginx answers 429 itself, so the flood never reaches the app.
//
// Gated locations are keyed by client AND project ($host: gated projects
// share one server block, where $server_name would be its first name only,
// and a gated request's $host is exactly the project's name): one client hammering one sleeping
// project is held back without slowing that client's other projects; the
// connection limit is per client across all gated projects, so one address
// cannot take the wake gate's hold pool.
import { InvalidProxyInputError } from "@/lib/errors";
import type { NginxLimit } from "@/lib/env-limits";

export interface ProxyLimits {
  app: NginxLimit;
  gated: NginxLimit;
}

export const LIMITED_STATUS = 429;

function check(l: NginxLimit, what: string): void {
  const ok = (n: number, max: number) => Number.isInteger(n) && n >= 1 && n <= max;
  if (!ok(l.ratePerSec, 100_000) || !ok(l.burst, 1_000_000) || !ok(l.connections, 1_000_000))
    throw new InvalidProxyInputError(`${what} limit must be positive whole numbers, got ${JSON.stringify(l)}`);
}

/** http-level zone definitions (10 MB each holds about 80,000 keys; nginx docs, ngx_http_limit_req_module). */
export function limitZones(limits: ProxyLimits | undefined): string[] {
  if (!limits) return [];
  check(limits.app, "app");
  check(limits.gated, "gated project");
  return [
    `limit_req_zone $binary_remote_addr zone=sf_app_req:10m rate=${limits.app.ratePerSec}r/s;`,
    `limit_conn_zone $binary_remote_addr zone=sf_app_conn:10m;`,
    `limit_req_zone $binary_remote_addr$host zone=sf_gated_req:10m rate=${limits.gated.ratePerSec}r/s;`,
    `limit_conn_zone $binary_remote_addr zone=sf_gated_conn:10m;`,
  ];
}

function directives(zone: "app" | "gated", l: NginxLimit): string {
  // nodelay: a burst within the allowance is served at once, not spread out.
  return `
    limit_req zone=sf_${zone}_req burst=${l.burst} nodelay;
    limit_req_status ${LIMITED_STATUS};
    limit_conn sf_${zone}_conn ${l.connections};
    limit_conn_status ${LIMITED_STATUS};`;
}

/** Location-level directives for the app's server (empty without limits). */
export function appLimits(limits: ProxyLimits | undefined): string {
  return limits ? directives("app", limits.app) : "";
}

/** Location-level directives for a gated (idle-paused or waking) project (empty without limits). */
export function gatedLimits(limits: ProxyLimits | undefined): string {
  return limits ? directives("gated", limits.gated) : "";
}
