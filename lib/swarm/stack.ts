// Runs a StackSpec on a Swarm, the way applyStack (lib/docker/stack-runner.ts)
// does on one engine: network, configs, then services in dependency order,
// each created once its dependencies meet their depends_on condition (Swarm
// itself ignores depends_on); resolves when every task runs. Idempotent: a
// service whose spec hash and replica count match is left alone.
import type Docker from "dockerode";
import { InvalidStateError, ResourceConflictError } from "@/lib/errors";
import type { ServiceName, StackEvent, StackSpec } from "@/lib/stack/types";
import { labelFilter, statusOf } from "@/lib/docker/client";
import { dependencyOrder, runGraph } from "@/lib/stack/run-graph";
import {
  buildSwarmServiceSpecs,
  SPEC_HASH_LABEL,
  swarmOwned,
  type SwarmBuildOptions,
  type SwarmConfigPlan,
  type SwarmServicePlan,
} from "@/lib/swarm/service-specs";
import { ownedServices, waitTaskRunning } from "@/lib/swarm/tasks";
import type { SwarmServiceInfo } from "@/lib/swarm/api-types";
import { LABELS } from "@/lib/stack/types";

export interface SwarmApplyOptions extends SwarmBuildOptions {
  onEvent?: (e: StackEvent) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  pollMs?: number;
  /** Update this service even when its spec did not change (a new task from the same spec). */
  force?: ServiceName;
}

export async function ensureSwarmNetwork(docker: Docker, spec: StackSpec, body: Docker.NetworkCreateOptions): Promise<void> {
  const check = async () => {
    const info = (await docker.getNetwork(spec.network.name).inspect()) as { Labels?: Record<string, string>; Driver?: string };
    if (!swarmOwned(info.Labels, spec.ref, spec.installationId) || info.Driver !== "overlay") {
      throw new ResourceConflictError(`Network ${spec.network.name} exists and is not this installation's overlay for ${spec.ref}; refusing to use it.`);
    }
  };
  try {
    await check();
    return;
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
  try {
    await docker.createNetwork(body);
  } catch (err) {
    if (statusOf(err) !== 409) throw err;
    await check(); // made by a parallel converge: fine if ours
  }
}

async function ensureConfigs(docker: Docker, spec: StackSpec, configs: SwarmConfigPlan[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const existing = (await docker.listConfigs({ filters: labelFilter({ [LABELS.managed]: "true", [LABELS.ref]: spec.ref }) })) as Array<{
    ID: string;
    Spec: { Name: string; Labels?: Record<string, string> };
  }>;
  for (const c of existing) if (swarmOwned(c.Spec.Labels, spec.ref, spec.installationId)) ids.set(c.Spec.Name, c.ID);
  for (const c of configs) {
    if (ids.has(c.name)) continue;
    try {
      // The body only: dockerode would also copy the options (the file, secrets included) into the URL's query.
      const made = (await docker.createConfig({ _query: {}, _body: { Name: c.name, Labels: c.labels, Data: c.data } })) as { id?: string; ID?: string };
      ids.set(c.name, made.id ?? made.ID ?? "");
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
      throw new ResourceConflictError(`A Swarm config named ${c.name} exists and is not this installation's for ${spec.ref}.`);
    }
  }
  return ids;
}

function withConfigIds(plan: SwarmServicePlan, ids: Map<string, string>): Docker.CreateServiceOptions {
  const t = plan.spec.TaskTemplate;
  if (!t || !("ContainerSpec" in t) || !t.ContainerSpec) return plan.spec;
  const Configs = (t.ContainerSpec.Configs ?? []).map((c) => {
    const id = ids.get(c.ConfigName ?? "");
    if (!id) throw new InvalidStateError(`Config ${c.ConfigName} of ${plan.name} was not made.`);
    return { ...c, ConfigID: id };
  });
  return { ...plan.spec, TaskTemplate: { ...t, ContainerSpec: { ...t.ContainerSpec, Configs } } };
}

async function inspectService(docker: Docker, name: string): Promise<SwarmServiceInfo | null> {
  try {
    return (await docker.getService(name).inspect()) as SwarmServiceInfo;
  } catch (err) {
    if (statusOf(err) === 404) return null;
    throw err;
  }
}

/** Creates or updates one service; returns its id and whether a new task is coming. */
async function ensureService(
  docker: Docker,
  spec: StackSpec,
  plan: SwarmServicePlan,
  body: Docker.CreateServiceOptions,
  force: boolean,
): Promise<{ id: string; changed: boolean }> {
  const existing = await inspectService(docker, plan.name);
  if (existing && !swarmOwned(existing.Spec.Labels, spec.ref, spec.installationId)) {
    throw new ResourceConflictError(`A Swarm service named ${plan.name} exists and is not this installation's for ${spec.ref}; it was left untouched.`);
  }
  if (!existing) {
    try {
      const made = (await docker.createService(body)) as unknown as { id?: string; ID?: string };
      return { id: made.id ?? made.ID ?? plan.name, changed: true };
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
      const raced = await inspectService(docker, plan.name);
      if (!raced || !swarmOwned(raced.Spec.Labels, spec.ref, spec.installationId)) throw err;
      return { id: raced.ID, changed: true };
    }
  }
  const sameSpec = existing.Spec.Labels?.[SPEC_HASH_LABEL] === body.Labels?.[SPEC_HASH_LABEL];
  const replicas = existing.Spec.Mode?.Replicated?.Replicas ?? 1;
  if (sameSpec && replicas === 1 && !force) return { id: existing.ID, changed: false };
  const current = existing.Spec.TaskTemplate as Docker.ContainerTaskSpec | undefined;
  const forceUpdate = (current?.ForceUpdate ?? 0) + (force ? 1 : 0);
  await updateService(docker, existing.ID, existing.Version.Index, { ...body, TaskTemplate: { ...body.TaskTemplate, ForceUpdate: forceUpdate } });
  return { id: existing.ID, changed: true };
}

/**
 * POST /services/{id}/update with the version in the query and the spec as
 * the body only: dockerode would otherwise also copy every option (the env,
 * secrets included) into the URL's query string.
 */
export async function updateService(docker: Docker, id: string, version: number, spec: Docker.CreateServiceOptions): Promise<void> {
  await docker.getService(id).update({ _query: { version }, _body: spec });
}

export async function applySwarmStack(docker: Docker, spec: StackSpec, nodeId: string, opts: SwarmApplyOptions = {}): Promise<void> {
  const emit = opts.onEvent ?? (() => undefined);
  const timeoutMs = opts.timeoutMs ?? 10 * 60_000;
  const pollMs = opts.pollMs ?? 1_000;
  dependencyOrder(spec.services); // validates before anything is made
  const plan = buildSwarmServiceSpecs(spec, { id: nodeId }, opts);
  const deadline = Date.now() + timeoutMs;
  await ensureSwarmNetwork(docker, spec, plan.network);
  const configIds = await ensureConfigs(docker, spec, plan.configs);

  await runGraph(
    plan.services.map((svc) => ({ service: svc, dependsOn: svc.dependsOn })),
    async (svc, run) => {
      emit({ kind: "service.creating", service: svc.service, message: `Creating ${svc.service} (Swarm service)` });
      // Task timestamps are the manager's clock: compare with its own view, with a margin.
      const since = new Date(Date.now() - 2_000).toISOString();
      const { id, changed } = await ensureService(docker, spec, svc, withConfigIds(svc, configIds), opts.force === svc.service);
      run.started();
      emit({ kind: "service.started", service: svc.service, message: `${svc.service} started` });
      await waitTaskRunning(docker, svc.service, id, { deadline: run.deadline, timeoutMs, pollMs, since: changed ? since : "", failed: run.failed });
      emit({ kind: "service.healthy", service: svc.service, message: `${svc.service} healthy` });
    },
    { timeoutMs, deadline, signal: opts.signal, emit },
  );
}

/** Pause: every service of the ref to 0 replicas (tasks stop, volumes stay on the node). */
export async function scaleSwarmStack(docker: Docker, ref: string, installationId: string, replicas: 0 | 1): Promise<number> {
  const services = await ownedServices(docker, ref, installationId);
  for (const s of services) {
    if ((s.Spec.Mode?.Replicated?.Replicas ?? 1) === replicas) continue;
    try {
      await updateService(docker, s.ID, s.Version.Index, { ...s.Spec, Mode: { Replicated: { Replicas: replicas } } });
    } catch (err) {
      if (statusOf(err) !== 404) throw err; // removed meanwhile
    }
  }
  return services.length;
}
