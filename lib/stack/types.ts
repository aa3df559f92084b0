// The contract between the pure stack builder (lib/stack) and the Docker
// adapter (lib/docker): a project's whole Supabase stack as plain data.
// Nothing here talks to Docker; everything is serialisable and testable.
import { PORT_PURPOSES, type PortPurpose, type ServiceEventKind } from "@/lib/domain";

/** Every service any template version runs (each version runs a subset: see lib/stack/template.ts). */
export const SERVICE_NAMES = [
  "db",
  "vector",
  "analytics",
  "kong",
  "api-gw",
  "auth",
  "rest",
  "realtime",
  "storage",
  "imgproxy",
  "meta",
  "functions",
  "supavisor",
  "studio",
] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

export const LABELS = {
  managed: "supafleet.managed",
  /** The installation that made it; it alone acts on it (lib/installation). */
  installation: "supafleet.installation",
  ref: "supafleet.ref",
  service: "supafleet.service",
  stackVersion: "supafleet.stack-version",
  /** Which named volume of the template a volume is (db-data, storage, …, metadata). */
  volume: "supafleet.volume",
  /** The project's leased host ports, "KONG_HTTP=54000,POSTGRES=54001,POOLER=54002",
   * on every container: stopped containers keep their bindings, and this is
   * how any installation sees them without inspecting each container. */
  hostPorts: "supafleet.host-ports",
  /** "metadata": a never-started container that reads or writes the metadata volume. */
  role: "supafleet.role",
} as const;

/** The volume (and label value) that holds the project's sealed metadata. */
export const METADATA_VOLUME = "metadata";
export const METADATA_MOUNT = "/supafleet-metadata";
export const METADATA_FILE = "project.sealed";

// The purposes are the domain's words (lib/domain.ts); re-exported for the stack's callers.
export { PORT_PURPOSES } from "@/lib/domain";
export type PortPurposeName = PortPurpose;

export function formatHostPorts(ports: Record<PortPurposeName, number>): string {
  return PORT_PURPOSES.map((p) => `${p}=${ports[p]}`).join(",");
}

/** The ports a hostPorts label names; unknown or malformed entries are skipped. */
export function parseHostPorts(label: string | undefined): Partial<Record<PortPurposeName, number>> {
  const out: Partial<Record<PortPurposeName, number>> = {};
  for (const part of (label ?? "").split(",")) {
    const m = /^(KONG_HTTP|POSTGRES|POOLER)=(\d{1,5})$/.exec(part.trim());
    if (m && Number(m[2]) > 0 && Number(m[2]) < 65536) out[m[1] as PortPurposeName] = Number(m[2]);
  }
  return out;
}

export interface HealthcheckSpec {
  /** Docker form: ["CMD", ...] or ["CMD-SHELL", "..."] */
  test: string[];
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
}

export type DependencyCondition = "service_started" | "service_healthy";

export interface MountSpec {
  /** Named volume (namespaced, created by the stack) */
  type: "volume";
  source: string;
  target: string;
  readOnly: boolean;
}

export interface BindSpec {
  /** Host path; only used for the Docker socket given to vector. */
  type: "bind";
  source: string;
  target: string;
  readOnly: boolean;
}

export interface PortSpec {
  containerPort: number;
  hostPort: number;
  hostIp: string;
}

/** A file copied into the container (putArchive) after create, before start. */
export interface FileSpec {
  /** absolute path inside the container */
  path: string;
  content: string;
  mode: number;
  uid: number;
  gid: number;
}

export interface ServiceSpec {
  service: ServiceName;
  containerName: string;
  image: string;
  /** DNS names on the project network (the upstream compose service names). */
  aliases: string[];
  env: Record<string, string>;
  entrypoint?: string[];
  cmd?: string[];
  user?: string;
  mounts: Array<MountSpec | BindSpec>;
  ports: PortSpec[];
  files: FileSpec[];
  healthcheck?: HealthcheckSpec;
  dependsOn: Array<{ service: ServiceName; condition: DependencyCondition }>;
  labels: Record<string, string>;
  /** How long a stop waits before the engine kills it (compose's stop_grace_period). */
  stopGraceSeconds: number;
  /** Hard limits (lib/stack/limits.ts): memory (no swap beyond it), CPU, processes. */
  limits: { memoryBytes: number; nanoCpus: number; pids: number };
  /** The engine's log driver for this container; unset: json-file (lib/stack/log-path.ts). */
  logging?: { driver: "fluentd"; options: Record<string, string> };
  /** Vector only: where the engine's fluentd driver reaches it, on a loopback address of its own (lib/stack/log-path.ts). */
  logIntake?: PortSpec;
}

export interface StackSpec {
  ref: string;
  installationId: string;
  stackVersion: string;
  network: { name: string; labels: Record<string, string>; subnet?: string };
  volumes: Array<{ name: string; labels: Record<string, string> }>;
  /** In dependency order is NOT guaranteed; the adapter orders by dependsOn. */
  services: ServiceSpec[];
  /** Sealed project metadata, written to the metadata volume before any
   * container exists, so the stack can be rebuilt from the engine alone. */
  metadata: { volume: string; sealed: string };
  /** The node the project is pinned to, on a multi-node runtime (lib/swarm); unset on one engine. */
  placement?: { nodeId: string };
}

// ---- what a runtime reports back (the same words on both sides of the adapter) ----

/** Progress of a stack start: image pulls, and each service's steps. */
export interface StackEvent {
  kind: "image.pull" | ServiceEventKind;
  service?: string;
  image?: string;
  percent?: number;
  status?: string;
  message?: string;
}

/** One service's container as the runtime sees it. */
export interface ServiceState {
  service: string;
  containerName: string;
  /** created | running | exited | paused | restarting | dead | missing */
  state: string;
  health: "healthy" | "unhealthy" | "starting" | "none";
  exitCode: number | null;
  startedAt: string | null;
  restartCount: number;
}

export interface LogLine {
  stream: "stdout" | "stderr";
  line: string;
  time?: string;
}
