// Runs a StackSpec on the engine the way `docker compose up` would: images,
// network, volumes, then containers in dependency order (in parallel where
// the order allows), each started once its dependencies meet their
// depends_on condition; resolves when every health-checked service is
// healthy. It never deletes: on failure the caller removes by label.
import { prepareArchiveVolume } from "@/lib/docker/wal-archive";
import { walArchiveVolume } from "@/lib/stack/wal-archive";
import type Docker from "dockerode";
import { LABELS, type ServiceState, type StackEvent, type StackSpec } from "@/lib/stack/types";
import { labelFilter, statusOf } from "@/lib/docker/client";
import { ensureContainer, inspectOrNull, type ContainerInfo } from "@/lib/docker/containers";
import { ensureImages } from "@/lib/docker/images";
import { writeMetadata } from "@/lib/docker/metadata";
import { METADATA_ROLE } from "@/lib/docker/volume-helper";
import { DEFAULT_UNHEALTHY_GRACE_MS, waitHealthy } from "@/lib/docker/readiness";
import { removeUpgradeHelpers } from "@/lib/docker/pg-upgrade";
import { ensureNetwork, ensureVolume, ownedBy } from "@/lib/docker/resources";
import { thawStack } from "@/lib/docker/freeze";
import { seedDbVolume } from "@/lib/docker/db-seed";
import { dbSeedPlan } from "@/lib/stack/db-seed";
import { requestPathOf, startPlan } from "@/lib/stack/start-order";
import { dependencyOrder, runGraph } from "@/lib/stack/run-graph";
import { DEFAULT_STOP_GRACE_MS } from "@/lib/stack/template";

export type { ServiceState, StackEvent } from "@/lib/stack/types";
export { DEFAULT_UNHEALTHY_GRACE_MS } from "@/lib/docker/readiness";
export { filesArchive } from "@/lib/docker/containers";

export interface ApplyOptions {
  onEvent?: (e: StackEvent) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  pollMs?: number;
  /** How long a service may stay unhealthy before the create gives up on it. */
  unhealthyGraceMs?: number;
  /** Probe services with their own health checks (default true); false waits for the engine's schedule. */
  probe?: boolean;
  /** Fill a db data volume this start creates from its template's seed (lib/docker/db-seed.ts); default false. */
  dbSeed?: boolean;
  /** On data that exists, bring the request path up first (default true); false keeps the template's order (bench/wake-order.ts compares). */
  requestPathFirst?: boolean;
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
  await ensureImages(
    docker,
    spec.services.map((s) => s.image),
    (p) => emit({ kind: "image.pull", image: p.image, percent: p.percent, status: p.status }),
  );
  const deadline = Date.now() + timeoutMs;
  await ensureNetwork(docker, spec);
  // A crash in the middle of a Postgres major upgrade can leave its helpers running on the data.
  await removeUpgradeHelpers(docker, spec.ref, spec.installationId);
  const volumes = await Promise.all(spec.volumes.map(async (v) => ({ name: v.name, state: await ensureVolume(docker, spec, v) })));
  // A new WAL archive volume is handed to the image's postgres before the db can archive into it.
  if (volumes.some((v) => v.name === walArchiveVolume(spec) && v.state === "created")) await prepareArchiveVolume(docker, spec);
  // The metadata goes onto the engine before any container exists, so every
  // stack that can hold data can also be rebuilt from the engine alone. A
  // volume that already existed keeps what the project service last wrote.
  if (volumes.some((v) => v.name === spec.metadata.volume && v.state === "created")) {
    const db = spec.services.find((s) => s.service === "db") ?? spec.services[0];
    await writeMetadata(docker, spec.ref, spec.installationId, spec.metadata.sealed, db?.image);
  }
  // A new db data volume is filled from its template's seed while the services that do not
  // wait for the db start; the db's container is made once the fill is over.
  const seedPlan = opts.dbSeed ? dbSeedPlan(spec) : null;
  const seeding =
    seedPlan && volumes.some((v) => v.name === seedPlan.dataVolume && v.state === "created")
      ? seedDbVolume(docker, spec).then((r) =>
          emit(
            r.seeded
              ? { kind: "service.seeded", service: "db", message: `db data from the template's seed (${(r.ms / 1000).toFixed(1)} s)` }
              : { kind: "service.seed_skipped", service: "db", message: `db initialises itself: ${r.reason}` },
          ),
        )
      : null;

  // Data that exists initialises nothing: the request path comes up first (lib/stack/start-order.ts).
  const pathFirst = volumes.every((v) => v.state === "existing") && (opts.requestPathFirst ?? true);
  const plan = startPlan(spec.services, pathFirst ? "existing-data" : "first-boot");
  // Told once: the wake gate lets API requests through from here on (lib/projects/wake-gate.ts).
  const path = pathFirst ? new Set(requestPathOf(spec.services)) : null;
  const serving = () =>
    emit({ kind: "stack.serving", message: `API requests are answered (${requestPathOf(spec.services).join(", ")} healthy); the other services are starting` });
  if (path?.size === 0) serving();
  try {
    await runGraph(
      plan,
      async (svc, run) => {
        await ensureContainer(docker, spec, svc, emit);
        run.started();
        await waitHealthy(docker, svc, { deadline: run.deadline, failed: run.failed, timeoutMs, pollMs, unhealthyGraceMs, probe, imageCheck: true, emit });
        if (svc.healthcheck) emit({ kind: "service.healthy", service: svc.service, message: `${svc.service} healthy` });
      },
      {
        timeoutMs,
        deadline,
        signal: opts.signal,
        emit,
        waitFor: (svc) => (seeding && svc === seedPlan?.db ? seeding : null),
        onHealthy: (service) => {
          if (path?.delete(service) && path.size === 0) serving();
        },
        // Services without a health check must still be running at the end.
        finish: async (run) => {
          for (const svc of spec.services)
            await waitHealthy(
              docker,
              { ...svc, healthcheck: undefined },
              { deadline: run.deadline, failed: run.failed, timeoutMs, pollMs, unhealthyGraceMs, probe, imageCheck: false, emit },
            );
        },
      },
    );
  } finally {
    // Never return (and let a caller tear down) while the fill still mounts the volume.
    await seeding?.catch(() => undefined);
  }
}

/** The ref's service containers that this installation owns (never the metadata helpers). */
async function serviceContainers(docker: Docker, ref: string, installationId: string): Promise<Docker.ContainerInfo[]> {
  const containers = await docker.listContainers({ all: true, filters: labelFilter({ [LABELS.managed]: "true", [LABELS.ref]: ref }) });
  return containers.filter((c) => ownedBy(c.Labels, ref, installationId) && c.Labels?.[LABELS.role] !== METADATA_ROLE);
}

/**
 * Pause: stop every container of the ref, keep volumes and network. Each gets
 * its own service's grace (StopTimeout, from the template's stop_grace_period);
 * containers made before that setting get DEFAULT_STOP_GRACE_MS.
 */
export async function stopStack(docker: Docker, ref: string, installationId: string): Promise<number> {
  // A frozen (paused) process cannot take its stop signal: thaw first, so each
  // service still shuts down cleanly within its grace (lib/docker/freeze.ts).
  await thawStack(docker, ref, installationId);
  const containers = await serviceContainers(docker, ref, installationId);
  await Promise.all(
    containers.map(async (c) => {
      try {
        const info = (await inspectOrNull(docker, c.Id)) as { Config: { StopTimeout?: number } } | null;
        if (!info) return; // gone meanwhile
        await docker.getContainer(c.Id).stop({ t: info.Config.StopTimeout ?? DEFAULT_STOP_GRACE_MS / 1000 });
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
