// When a starting service counts as ready: its own health check passes (run
// by us at once and with backoff, lib/docker/probe.ts, or by the engine),
// with a grace period for a check that fails for a while on a loaded host;
// a container that exits or restarts fails the start with its log tail.
import type Docker from "dockerode";
import { ServiceExitedError, ServiceUnhealthyError, StackTimeoutError } from "@/lib/errors";
import type { ServiceSpec, StackEvent } from "@/lib/stack/types";
import { inspectOrNull, type ContainerInfo } from "@/lib/docker/containers";
import { logTail } from "@/lib/docker/logs";
import { probeOnce } from "@/lib/docker/probe";

// A health check that times out on a loaded host (many stacks starting at once
// on few cores) turns the container "unhealthy" after `retries` misses, yet the
// service is fine and Docker keeps probing. Failing at once, as compose does,
// failed 14 of 20 parallel creates in bench/concurrency.ts; waiting this long
// for a recovery costs a really broken service only this much more.
export const DEFAULT_UNHEALTHY_GRACE_MS = 90_000;

export interface WaitOptions {
  deadline: number;
  timeoutMs: number;
  pollMs: number;
  unhealthyGraceMs: number;
  /** Run the service's own check ourselves (probe.ts) instead of waiting for the engine's schedule. */
  probe: boolean;
  /** Without a template health check, wait on the image's own HEALTHCHECK (e.g. postgres-meta's). */
  imageCheck: boolean;
  failed: () => unknown;
  emit: (e: StackEvent) => void;
}

/** First probe right away, then with backoff: quick services are seen at once, slow ones are not hammered. */
export const PROBE_FIRST_INTERVAL_MS = 250;
export const PROBE_MAX_INTERVAL_MS = 2_000;

/** The check a service is judged by: the template's, else (when asked) the image's own. */
function checkOf(svc: ServiceSpec, info: ContainerInfo, imageCheck: boolean): { test: string[]; timeoutMs: number } | null {
  if (svc.healthcheck) return { test: svc.healthcheck.test, timeoutMs: svc.healthcheck.timeoutMs };
  const image = info.Config.Healthcheck;
  if (!imageCheck || !image?.Test?.length || image.Test[0] === "NONE") return null;
  return { test: image.Test, timeoutMs: image.Timeout ? Math.round(image.Timeout / 1e6) : 30_000 };
}

export async function waitHealthy(
  docker: Docker,
  svc: ServiceSpec,
  { deadline, timeoutMs, pollMs, unhealthyGraceMs, probe, imageCheck, failed, emit }: WaitOptions,
): Promise<void> {
  let unhealthySince: number | null = null;
  let probeEvery = PROBE_FIRST_INTERVAL_MS;
  let nextProbe = Date.now();
  for (;;) {
    const stop = failed();
    if (stop) throw stop;
    const info = await inspectOrNull(docker, svc.containerName);
    if (!info) throw new ServiceExitedError(svc.service, -1, "the container disappeared");
    const st = info.State;
    if (st.Status === "exited" || st.Status === "dead" || st.Restarting || info.RestartCount > 0) {
      throw new ServiceExitedError(svc.service, st.ExitCode, await logTail(docker, svc.containerName));
    }
    const health = st.Health?.Status;
    const check = checkOf(svc, info, imageCheck);
    if (!check || health === "healthy") return;
    if (probe && st.Running && Date.now() >= nextProbe) {
      const r = await probeOnce(docker, svc.containerName, check.test, check.timeoutMs);
      if (r.ok) return;
      nextProbe = Date.now() + probeEvery;
      probeEvery = Math.min(Math.round(probeEvery * 1.5), PROBE_MAX_INTERVAL_MS);
    }
    if (health === "unhealthy") {
      const output = (st.Health?.Log?.at(-1)?.Output ?? "").trim().slice(0, 500);
      if (unhealthySince === null) {
        unhealthySince = Date.now();
        emit({
          kind: "service.unhealthy",
          service: svc.service,
          message: `${svc.service} failed its health check (${output || "no output"}); waiting up to ${Math.round(unhealthyGraceMs / 1000)} s for it to recover`,
        });
      }
      if (Date.now() - unhealthySince >= unhealthyGraceMs) throw new ServiceUnhealthyError(svc.service, output);
    }
    if (Date.now() > deadline) throw new StackTimeoutError([svc.service], Math.round(timeoutMs / 1000));
    await new Promise((r) => setTimeout(r, probe ? Math.max(10, Math.min(pollMs, nextProbe - Date.now())) : pollMs));
  }
}
