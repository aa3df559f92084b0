// buildSwarmServiceSpecs: a project's StackSpec as Swarm objects (one overlay
// network, one config per file, one service per template service), as a pure
// function. Nothing here talks to Docker; lib/swarm/stack.ts creates them.
//
// Mapping decisions, each because of how Swarm works:
// - Every service is pinned to the project's node (node.id==X): its volumes
//   are local to that node, and a task started elsewhere would get empty ones.
// - Files become Swarm configs mounted at their path with the template's
//   uid/gid/mode (the same contract containers.ts meets with putArchive); a
//   config is immutable, so its name carries a hash of everything in it.
// - Ports are published in host mode on that node: ingress would open every
//   project's ports on every node and route through the routing mesh. Host
//   mode binds all interfaces: a per-port host address (dbBindAddress) cannot
//   be honoured under Swarm.
// - Health checks run at upstream's 5 s interval (not the 30 s steady one):
//   the manager cannot exec a probe into a task on another node, so the
//   engine's own schedule is the only judge of "healthy", and a task counts as
//   running only after its first passing check. Failing checks are tolerated
//   as long as the single engine's grace period before Swarm replaces a task.
import { createHash } from "node:crypto";
import type Docker from "dockerode";
import { DEFAULT_UNHEALTHY_GRACE_MS } from "@/lib/docker/readiness";
import { LABELS, type FileSpec, type ServiceName, type ServiceSpec, type StackSpec } from "@/lib/stack/types";

export const SWARM_HEALTH_INTERVAL_MS = 5_000;
/**
 * How long checks may keep failing before Swarm calls a task unhealthy (and
 * replaces it): the single engine's grace (DEFAULT_UNHEALTHY_GRACE_MS, 90 s).
 * Upstream's 3 retries at 5 s had Swarm kill postgres-meta and PostgREST
 * over and over on a loaded 2-core host, where they were only slow.
 */
export const SWARM_UNHEALTHY_AFTER_MS = DEFAULT_UNHEALTHY_GRACE_MS;
/** Written on every service: the hash of its spec, so a converge updates only what changed. */
export const SPEC_HASH_LABEL = "supafleet.spec-hash";
/** On configs: which file of which service it is. */
export const CONFIG_PATH_LABEL = "supafleet.path";

const ns = (ms: number) => ms * 1_000_000;

export interface SwarmConfigPlan {
  name: string;
  labels: Record<string, string>;
  /** base64, as the API takes it */
  data: string;
}

export interface SwarmServicePlan {
  service: ServiceName;
  name: string;
  dependsOn: ServiceSpec["dependsOn"];
  /** ConfigID left empty: the runner fills it in from the configs it made. */
  spec: Docker.CreateServiceOptions;
}

export interface SwarmStackPlan {
  network: Docker.NetworkCreateOptions;
  configs: SwarmConfigPlan[];
  services: SwarmServicePlan[];
}

export interface SwarmBuildOptions {
  /** Encrypt the overlay's data plane (IPsec between nodes); costs CPU on every packet. */
  encrypted?: boolean;
}

function hash(value: unknown, length = 16): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, length);
}

/** Swarm config names are at most 64 characters: supafleet-<ref>-<hash> is 47. */
export function configName(ref: string, file: FileSpec): string {
  return `supafleet-${ref}-${hash([file.path, file.content, file.mode, file.uid, file.gid])}`;
}

function configsOf(spec: StackSpec, svc: ServiceSpec): SwarmConfigPlan[] {
  return svc.files.map((f) => ({
    name: configName(spec.ref, f),
    labels: { ...svc.labels, [CONFIG_PATH_LABEL]: f.path },
    data: Buffer.from(f.content, "utf8").toString("base64"),
  }));
}

function serviceSpec(spec: StackSpec, svc: ServiceSpec, nodeId: string): Docker.CreateServiceOptions {
  const volumeLabels = new Map(spec.volumes.map((v) => [v.name, v.labels]));
  const hc = svc.healthcheck;
  const body: Docker.CreateServiceOptions = {
    Name: svc.containerName,
    Labels: { ...svc.labels },
    TaskTemplate: {
      ContainerSpec: {
        Image: svc.image,
        Hostname: svc.service,
        Env: Object.entries(svc.env).map(([k, v]) => `${k}=${v}`),
        // Swarm's Command replaces the image's ENTRYPOINT, Args its CMD (as compose's entrypoint/command).
        ...(svc.entrypoint ? { Command: svc.entrypoint } : {}),
        ...(svc.cmd ? { Args: svc.cmd } : {}),
        ...(svc.user ? { User: svc.user } : {}),
        Labels: { ...svc.labels },
        Mounts: svc.mounts.map((m) => ({
          Type: m.type,
          Source: m.source,
          Target: m.target,
          ReadOnly: m.readOnly,
          // The node makes the volume on first use: these labels make it ours.
          ...(m.type === "volume"
            ? { VolumeOptions: { NoCopy: false, Labels: volumeLabels.get(m.source) ?? {}, DriverConfig: { Name: "local", Options: {} } } }
            : {}),
        })),
        Configs: svc.files.map((f) => ({
          File: { Name: f.path, UID: String(f.uid), GID: String(f.gid), Mode: f.mode },
          ConfigID: "",
          ConfigName: configName(spec.ref, f),
        })),
        StopGracePeriod: ns(svc.stopGraceSeconds * 1000),
        ...(hc
          ? {
              HealthCheck: {
                Test: hc.test,
                Interval: ns(Math.min(hc.intervalMs, SWARM_HEALTH_INTERVAL_MS)),
                Timeout: ns(hc.timeoutMs),
                Retries: Math.max(hc.retries, Math.ceil(SWARM_UNHEALTHY_AFTER_MS / SWARM_HEALTH_INTERVAL_MS)),
                StartPeriod: ns(hc.startPeriodMs),
              },
            }
          : {}),
      },
      Resources: { Limits: { MemoryBytes: svc.limits.memoryBytes, NanoCPUs: svc.limits.nanoCpus, Pids: svc.limits.pids } },
      // "any" is the engine's unless-stopped: a task that dies is started again.
      RestartPolicy: { Condition: "any", Delay: ns(5_000), MaxAttempts: 0 },
      Placement: { Constraints: [`node.id==${nodeId}`] },
      Networks: [{ Target: spec.network.name, Aliases: svc.aliases }],
      // Not svc.logging/logIntake (lib/stack/log-path.ts): a Swarm port is
      // published on every address of the node, so a project's Vector intake
      // cannot be kept to a loopback address of its own. With analytics on,
      // Vector on Swarm gets no container logs (docs/scale-out.md).
      LogDriver: { Name: "json-file", Options: { "max-size": "10m", "max-file": "3" } },
    },
    Mode: { Replicated: { Replicas: 1 } },
    // One task at a time, the old one first: two tasks would share the node-local volumes.
    UpdateConfig: { Parallelism: 1, Order: "stop-first", FailureAction: "pause" },
    EndpointSpec: {
      // DNS answers with the task's own address: one task per service needs no
      // virtual IP, and the VIP's load balancer (IPVS) is missing from some
      // kernels (this machine's), where every connection through a VIP fails.
      Mode: "dnsrr",
      Ports: svc.ports.map((p) => ({ Protocol: "tcp" as const, TargetPort: p.containerPort, PublishedPort: p.hostPort, PublishMode: "host" as const })),
    },
  };
  body.Labels = { ...body.Labels, [SPEC_HASH_LABEL]: hash(body) };
  return body;
}

/** The project's Swarm objects, pinned to `node`. Throws nothing Docker could; validation is buildStackSpec's. */
export function buildSwarmServiceSpecs(spec: StackSpec, node: { id: string }, opts: SwarmBuildOptions = {}): SwarmStackPlan {
  if (!/^[a-z0-9]{1,64}$/i.test(node.id)) throw new Error(`Not a Swarm node id: ${JSON.stringify(node.id)}`);
  const configs = new Map<string, SwarmConfigPlan>();
  for (const svc of spec.services) for (const c of configsOf(spec, svc)) configs.set(c.name, c);
  return {
    network: {
      Name: spec.network.name,
      Driver: "overlay",
      // Attachable: a one-off container (a restore, a debugging shell) can join the project's network.
      Attachable: true,
      CheckDuplicate: true,
      // No IPv6 path out of a project network: the egress rules (lib/network/egress.ts) are IPv4 rules.
      EnableIPv6: false,
      Labels: { ...spec.network.labels },
      ...(opts.encrypted ? { Options: { encrypted: "true" } } : {}),
      ...(spec.network.subnet ? { IPAM: { Driver: "default", Config: [{ Subnet: spec.network.subnet }] } } : {}),
    },
    configs: [...configs.values()],
    services: spec.services.map((svc) => ({ service: svc.service, name: svc.containerName, dependsOn: svc.dependsOn, spec: serviceSpec(spec, svc, node.id) })),
  };
}

/** Whether labels mark a Swarm object as this installation's, for the ref. */
export function swarmOwned(labels: Record<string, string> | undefined | null, ref: string, installationId: string): boolean {
  return labels?.[LABELS.managed] === "true" && labels?.[LABELS.ref] === ref && labels?.[LABELS.installation] === installationId;
}
