// The contract between the pure stack builder (lib/stack) and the Docker
// adapter (lib/docker): a project's whole Supabase stack as plain data.
// Nothing here talks to Docker; everything is serialisable and testable.

export const SERVICE_NAMES = [
  "db",
  "vector",
  "analytics",
  "kong",
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
  ref: "supafleet.ref",
  service: "supafleet.service",
  stackVersion: "supafleet.stack-version",
} as const;

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
  memoryLimitBytes?: number;
}

export interface StackSpec {
  ref: string;
  stackVersion: string;
  network: { name: string; labels: Record<string, string> };
  volumes: Array<{ name: string; labels: Record<string, string> }>;
  /** In dependency order is NOT guaranteed; the adapter orders by dependsOn. */
  services: ServiceSpec[];
}
