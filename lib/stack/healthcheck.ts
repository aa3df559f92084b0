// The health check a service's container carries: the template's, or the
// image's own where the template sets none, on Supafleet's steady cadence.
import { durationMs, type Template } from "@/lib/stack/template";
import type { HealthcheckSpec } from "@/lib/stack/types";

// Docker's own checks only watch a running stack: a start is judged by
// Supafleet running each check itself at once and with backoff
// (lib/docker/probe.ts). Upstream's 5 s intervals cost a process start every 5 s
// per service (Studio's check starts a Node.js process: about 0.4 s of CPU),
// which at dozens of projects per host is whole cores; 30 s keeps the steady
// state watched (a dead container is seen at once from the engine's events).
// Measured (bench/live-scale.ts): even at 30 s, an idle stand-in stack costs
// about 0.16 of a core, most of it these checks (a Node.js start for meta and
// studio, runc for every exec), so 2 cores saturate near a dozen live
// projects; SUPAFLEET_HEALTH_INTERVAL trades the time to notice a hung (not
// dead) service for projects per host.
export const STEADY_HEALTH_INTERVAL_MS = 30_000;

type TemplateCheck = NonNullable<Template["compose"]["services"][string]["healthcheck"]>;

export function steadyHealthcheck(
  templateCheck: TemplateCheck | undefined,
  imageCheck: string[] | null | undefined,
  intervalMs: number | undefined,
  sub: (s: string) => string,
): HealthcheckSpec | undefined {
  // Where the template sets no check but the image has its own (postgres-meta:
  // a Node.js process every 5 s), the image's command is run on our steady
  // cadence: at 5 s with a 5 s timeout, a busy 2-core host failed it three
  // times in a row and a healthy meta was reported unhealthy.
  const hc = templateCheck ?? (imageCheck ? { test: imageCheck, interval: "30s", timeout: "10s", retries: 3 } : undefined);
  if (!hc) return undefined;
  return {
    test: hc.test.map(sub),
    intervalMs: Math.max(durationMs(hc.interval, 30_000), intervalMs ?? STEADY_HEALTH_INTERVAL_MS),
    timeoutMs: durationMs(hc.timeout, 30_000),
    retries: hc.retries ?? 3,
    startPeriodMs: durationMs(hc.start_period, 0),
  };
}
