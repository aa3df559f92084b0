// Runs a StackSpec on the engine the way `docker compose up` would: images,
// network, volumes, then containers in dependency order (in parallel where
// the order allows), each started once its dependencies meet their
// depends_on condition; resolves when every health-checked service is
// healthy. It never deletes: on failure the caller removes by label.
import type Docker from "dockerode";
import { pack } from "tar-stream";
import {
  InvalidStateError,
  ResourceConflictError,
  ServiceExitedError,
  ServiceUnhealthyError,
  StackTimeoutError,
} from "@/lib/errors";
import { LABELS, type ServiceSpec, type ServiceState, type StackEvent, type StackSpec } from "@/lib/stack/types";

export type { ServiceState, StackEvent } from "@/lib/stack/types";
import { labelFilter, statusOf } from "@/lib/docker/client";
import { ensureImages } from "@/lib/docker/images";
import { ensureNetwork, ensureVolume, ownedBy } from "@/lib/docker/resources";
import { METADATA_ROLE, writeMetadata } from "@/lib/docker/metadata";
import { logTail } from "@/lib/docker/logs";
import { probeOnce } from "@/lib/docker/probe";

export interface ApplyOptions {
  onEvent?: (e: StackEvent) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  pollMs?: number;
  /** How long a service may stay unhealthy before the create gives up on it. */
  unhealthyGraceMs?: number;
  /** Probe services with their own health checks (default true); false waits for the engine's schedule. */
  probe?: boolean;
}

// A health check that times out on a loaded host (many stacks starting at once
// on few cores) turns the container "unhealthy" after `retries` misses, yet the
// service is fine and Docker keeps probing. Failing at once, as compose does,
// failed 14 of 20 parallel creates in bench/concurrency.ts; waiting this long
// for a recovery costs a really broken service only this much more.
export const DEFAULT_UNHEALTHY_GRACE_MS = 90_000;

/** Dependency levels; throws on unknown dependencies and cycles. */
export function dependencyOrder(services: ServiceSpec[]): ServiceSpec[][] {
  const byName = new Map(services.map((s) => [s.service, s]));
  for (const s of services) {
    for (const d of s.dependsOn) {
      if (!byName.has(d.service)) throw new InvalidStateError(`${s.service} depends on ${d.service}, which is not in the stack.`);
    }
  }
  const levels: ServiceSpec[][] = [];
  const placed = new Set<string>();
  while (placed.size < services.length) {
    const level = services.filter((s) => !placed.has(s.service) && s.dependsOn.every((d) => placed.has(d.service)));
    if (!level.length) {
      const stuck = services.filter((s) => !placed.has(s.service)).map((s) => s.service);
      throw new InvalidStateError(`Dependency cycle among: ${stuck.join(", ")}`);
    }
    for (const s of level) placed.add(s.service);
    levels.push(level);
  }
  return levels;
}

const ns = (ms: number) => ms * 1_000_000;

function createOptions(spec: StackSpec, svc: ServiceSpec): Docker.ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const p of svc.ports) {
    const key = `${p.containerPort}/tcp`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: p.hostIp, HostPort: String(p.hostPort) });
  }
  return {
    name: svc.containerName,
    Image: svc.image,
    Hostname: svc.service,
    Env: Object.entries(svc.env).map(([k, v]) => `${k}=${v}`),
    Cmd: svc.cmd,
    Entrypoint: svc.entrypoint,
    User: svc.user,
    Labels: svc.labels,
    ExposedPorts: exposed,
    Healthcheck: svc.healthcheck
      ? {
          Test: svc.healthcheck.test,
          Interval: ns(svc.healthcheck.intervalMs),
          Timeout: ns(svc.healthcheck.timeoutMs),
          Retries: svc.healthcheck.retries,
          StartPeriod: ns(svc.healthcheck.startPeriodMs),
        }
      : undefined,
    HostConfig: {
      NetworkMode: spec.network.name,
      RestartPolicy: { Name: "unless-stopped" },
      PortBindings: bindings,
      Mounts: svc.mounts.map((m) => ({ Type: m.type, Source: m.source, Target: m.target, ReadOnly: m.readOnly })),
      Memory: svc.limits.memoryBytes,
      // Equal to Memory: no swap beyond the limit, so a tenant cannot push the host into swapping.
      MemorySwap: svc.limits.memoryBytes,
      NanoCpus: svc.limits.nanoCpus,
      PidsLimit: svc.limits.pids,
      LogConfig: { Type: "json-file", Config: { "max-size": "10m", "max-file": "3" } },
    },
    NetworkingConfig: { EndpointsConfig: { [spec.network.name]: { Aliases: svc.aliases } } },
  };
}

/** Tar of the service's files with exact mode and owner, for putArchive at "/". */
export async function filesArchive(svc: ServiceSpec): Promise<Buffer> {
  const tar = pack();
  for (const f of svc.files) {
    tar.entry({ name: f.path.replace(/^\/+/, ""), mode: f.mode, uid: f.uid, gid: f.gid, mtime: new Date(0) }, f.content);
  }
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface ContainerInfo {
  Id: string;
  Config: { Labels?: Record<string, string> };
  State: { Status: string; Running: boolean; Restarting: boolean; ExitCode: number; Health?: { Status: string; Log?: Array<{ Output: string; ExitCode: number }> } };
  RestartCount: number;
}

async function inspectOrNull(docker: Docker, name: string): Promise<ContainerInfo | null> {
  try {
    return (await docker.getContainer(name).inspect()) as unknown as ContainerInfo;
  } catch (err) {
    if (statusOf(err) === 404) return null;
    throw err;
  }
}

async function ensureContainer(docker: Docker, spec: StackSpec, svc: ServiceSpec, emit: (e: StackEvent) => void): Promise<void> {
  const existing = await inspectOrNull(docker, svc.containerName);
  if (existing && !ownedBy(existing.Config.Labels, spec.ref, spec.installationId)) {
    throw new ResourceConflictError(`A container named ${svc.containerName} exists and is not this installation's for ${spec.ref}; it was left untouched.`);
  }
  if (!existing) {
    emit({ kind: "service.creating", service: svc.service, message: `Creating ${svc.service}` });
    try {
      await docker.createContainer(createOptions(spec, svc));
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
      // Created by a parallel converge; check it is ours before using it.
      const raced = await inspectOrNull(docker, svc.containerName);
      if (!raced || !ownedBy(raced.Config.Labels, spec.ref, spec.installationId)) throw err;
    }
    // Config files go in before the first start, as bind mounts would be.
    if (svc.files.length) await docker.getContainer(svc.containerName).putArchive(await filesArchive(svc), { path: "/" });
  }
  const state = existing?.State;
  if (!state?.Running) {
    try {
      await docker.getContainer(svc.containerName).start();
    } catch (err) {
      if (statusOf(err) !== 304) throw err; // 304: already started
    }
  }
  emit({ kind: "service.started", service: svc.service, message: `${svc.service} started` });
}

class Gate {
  readonly promise: Promise<void>;
  resolve!: () => void;
  reject!: (err: unknown) => void;
  constructor() {
    this.promise = new Promise<void>((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
    // Gates nobody waits on must not become unhandled rejections.
    this.promise.catch(() => undefined);
  }
}

interface WaitOptions {
  deadline: number;
  timeoutMs: number;
  pollMs: number;
  unhealthyGraceMs: number;
  /** Run the service's own check ourselves (probe.ts) instead of waiting for the engine's schedule. */
  probe: boolean;
  failed: () => unknown;
  emit: (e: StackEvent) => void;
}

/** First probe right away, then with backoff: quick services are seen at once, slow ones are not hammered. */
export const PROBE_FIRST_INTERVAL_MS = 250;
export const PROBE_MAX_INTERVAL_MS = 2_000;

async function waitHealthy(docker: Docker, svc: ServiceSpec, { deadline, timeoutMs, pollMs, unhealthyGraceMs, probe, failed, emit }: WaitOptions): Promise<void> {
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
    if (!svc.healthcheck || health === "healthy") return;
    if (probe && st.Running && Date.now() >= nextProbe) {
      const r = await probeOnce(docker, svc.containerName, svc.healthcheck.test, svc.healthcheck.timeoutMs);
      if (r.ok) return;
      nextProbe = Date.now() + probeEvery;
      probeEvery = Math.min(Math.round(probeEvery * 1.5), PROBE_MAX_INTERVAL_MS);
    }
    if (health === "unhealthy") {
      const output = (st.Health?.Log?.at(-1)?.Output ?? "").trim().slice(0, 500);
      if (unhealthySince === null) {
        unhealthySince = Date.now();
        emit({ kind: "service.unhealthy", service: svc.service, message: `${svc.service} failed its health check (${output || "no output"}); waiting up to ${Math.round(unhealthyGraceMs / 1000)} s for it to recover` });
      }
      if (Date.now() - unhealthySince >= unhealthyGraceMs) throw new ServiceUnhealthyError(svc.service, output);
    }
    if (Date.now() > deadline) throw new StackTimeoutError([svc.service], Math.round(timeoutMs / 1000));
    await new Promise((r) => setTimeout(r, probe ? Math.max(10, Math.min(pollMs, nextProbe - Date.now())) : pollMs));
  }
}

export async function applyStack(docker: Docker, spec: StackSpec, opts: ApplyOptions = {}): Promise<void> {
  const emit = opts.onEvent ?? (() => undefined);
  const timeoutMs = opts.timeoutMs ?? 10 * 60_000;
  const pollMs = opts.pollMs ?? 500;
  const unhealthyGraceMs = opts.unhealthyGraceMs ?? DEFAULT_UNHEALTHY_GRACE_MS;
  const probe = opts.probe ?? true;
  dependencyOrder(spec.services); // validates before anything is created

  // The start's deadline begins once the images are here: a first create
  // pulls several GB, and that wait says nothing about the stack's health.
  await ensureImages(docker, spec.services.map((s) => s.image), (p) => emit({ kind: "image.pull", image: p.image, percent: p.percent, status: p.status }));
  const deadline = Date.now() + timeoutMs;
  await ensureNetwork(docker, spec);
  const volumes = await Promise.all(spec.volumes.map(async (v) => ({ name: v.name, state: await ensureVolume(docker, spec, v) })));
  // The metadata goes onto the engine before any container exists, so every
  // stack that can hold data can also be rebuilt from the engine alone. A
  // volume that already existed keeps what the project service last wrote.
  if (volumes.some((v) => v.name === spec.metadata.volume && v.state === "created")) {
    const db = spec.services.find((s) => s.service === "db") ?? spec.services[0];
    await writeMetadata(docker, spec.ref, spec.installationId, spec.metadata.sealed, db?.image);
  }

  const started = new Map(spec.services.map((s) => [s.service, new Gate()]));
  const healthy = new Map(spec.services.map((s) => [s.service, new Gate()]));
  let firstError: unknown = null;
  const failed = () => firstError ?? (opts.signal?.aborted ? new InvalidStateError("Cancelled.") : null);
  const fail = (err: unknown) => {
    firstError ??= err;
    for (const g of [...started.values(), ...healthy.values()]) g.reject(firstError);
  };
  const onAbort = () => fail(new InvalidStateError("Cancelled."));
  opts.signal?.addEventListener("abort", onAbort, { once: true });

  const pending = new Set(spec.services.map((s) => s.service));
  const timer = setTimeout(() => fail(new StackTimeoutError([...pending], Math.round(timeoutMs / 1000))), timeoutMs);
  try {
    await Promise.all(
      spec.services.map(async (svc) => {
        try {
          await Promise.all(svc.dependsOn.map((d) => (d.condition === "service_healthy" ? healthy : started).get(d.service)!.promise));
          const stop = failed();
          if (stop) throw stop;
          await ensureContainer(docker, spec, svc, emit);
          started.get(svc.service)!.resolve();
          await waitHealthy(docker, svc, { deadline, timeoutMs, pollMs, unhealthyGraceMs, probe, failed, emit });
          if (svc.healthcheck) emit({ kind: "service.healthy", service: svc.service, message: `${svc.service} healthy` });
          healthy.get(svc.service)!.resolve();
          pending.delete(svc.service);
        } catch (err) {
          if (err !== firstError) emit({ kind: "service.failed", service: svc.service, message: err instanceof Error ? err.message.slice(0, 300) : String(err) });
          fail(err);
          throw err;
        }
      }),
    );
    // Services without a health check must still be running at the end.
    for (const svc of spec.services) await waitHealthy(docker, { ...svc, healthcheck: undefined }, { deadline, timeoutMs, pollMs, unhealthyGraceMs, probe, failed, emit });
  } catch (err) {
    // firstError is the cause every other service failed with; err is the
    // final running check's own failure when no service failed before it.
    throw firstError ?? err;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onAbort);
  }
}

/** The ref's service containers that this installation owns (never the metadata helpers). */
async function serviceContainers(docker: Docker, ref: string, installationId: string): Promise<Docker.ContainerInfo[]> {
  const containers = await docker.listContainers({ all: true, filters: labelFilter({ [LABELS.managed]: "true", [LABELS.ref]: ref }) });
  return containers.filter((c) => ownedBy(c.Labels, ref, installationId) && c.Labels?.[LABELS.role] !== METADATA_ROLE);
}

/** Pause: stop every container of the ref, keep volumes and network. */
export async function stopStack(docker: Docker, ref: string, installationId: string, graceSeconds = 20): Promise<number> {
  const containers = await serviceContainers(docker, ref, installationId);
  await Promise.all(
    containers.map(async (c) => {
      try {
        await docker.getContainer(c.Id).stop({ t: graceSeconds });
      } catch (err) {
        const s = statusOf(err);
        if (s !== 304 && s !== 404) throw err; // 304 already stopped, 404 gone
      }
    }),
  );
  return containers.length;
}

export async function inspectStack(docker: Docker, ref: string, installationId: string): Promise<ServiceState[]> {
  const containers = await serviceContainers(docker, ref, installationId);
  const states = await Promise.all(
    containers.map(async (c): Promise<ServiceState | null> => {
      const info = (await inspectOrNull(docker, c.Id)) as (ContainerInfo & { State: { StartedAt?: string } }) | null;
      if (!info) return null;
      const h = info.State.Health?.Status;
      return {
        service: c.Labels?.[LABELS.service] ?? "unknown",
        containerName: (c.Names[0] ?? c.Id).replace(/^\//, ""),
        state: info.State.Status,
        health: h === "healthy" || h === "unhealthy" || h === "starting" ? h : "none",
        exitCode: info.State.Running ? null : info.State.ExitCode,
        startedAt: info.State.StartedAt && !info.State.StartedAt.startsWith("0001") ? info.State.StartedAt : null,
        restartCount: info.RestartCount,
      };
    }),
  );
  return states.filter((s): s is ServiceState => s !== null).sort((a, b) => a.service.localeCompare(b.service));
}
