// One service's container: create it from its spec (with its files copied in
// before the first start, as bind mounts would be), start it, inspect it.
// Refuses to use a container of the same name that is not this installation's.
import type Docker from "dockerode";
import { pack } from "tar-stream";
import { ResourceConflictError } from "@/lib/errors";
import type { ServiceSpec, StackEvent, StackSpec } from "@/lib/stack/types";
import { statusOf } from "@/lib/docker/client";
import { ownedBy } from "@/lib/docker/resources";

const ns = (ms: number) => ms * 1_000_000;

function createOptions(spec: StackSpec, svc: ServiceSpec): Docker.ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const p of svc.logIntake ? [...svc.ports, svc.logIntake] : svc.ports) {
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
    // `docker stop` without a time uses it; stopStack reads it back.
    StopTimeout: svc.stopGraceSeconds,
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
      LogConfig: svc.logging
        ? { Type: svc.logging.driver, Config: svc.logging.options }
        : { Type: "json-file", Config: { "max-size": "10m", "max-file": "3" } },
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

export interface ContainerInfo {
  Id: string;
  /** Healthcheck: the image's own when the template declares none (Test, Timeout in ns). */
  Config: { Labels?: Record<string, string>; Healthcheck?: { Test?: string[]; Timeout?: number } };
  State: {
    Status: string;
    Running: boolean;
    Restarting: boolean;
    ExitCode: number;
    Health?: { Status: string; Log?: Array<{ Output: string; ExitCode: number }> };
  };
  RestartCount: number;
}

export async function inspectOrNull(docker: Docker, name: string): Promise<ContainerInfo | null> {
  try {
    return (await docker.getContainer(name).inspect()) as unknown as ContainerInfo;
  } catch (err) {
    if (statusOf(err) === 404) return null;
    throw err;
  }
}

export async function ensureContainer(docker: Docker, spec: StackSpec, svc: ServiceSpec, emit: (e: StackEvent) => void): Promise<void> {
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
