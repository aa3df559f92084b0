// What the project service needs from a runtime. The Docker implementation is
// lib/projects/docker-provisioner.ts; the interface keeps the service testable
// and leaves room for another runtime (Swarm, a remote host) later.
import type { ServiceName, StackSpec } from "@/lib/stack/types";

export interface ProvisionEvent {
  kind: string; // image.pull, service.creating, service.started, service.healthy, service.failed, ...
  service?: string;
  image?: string;
  percent?: number;
  status?: string;
  message?: string;
}

export type OnProvisionEvent = (e: ProvisionEvent) => void;

export interface ServiceStatus {
  service: string;
  containerName: string;
  state: string; // created | running | exited | paused | restarting | dead | missing
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

export interface ManagedRef {
  ref: string;
  containers: string[];
  volumes: string[];
  networks: string[];
}

export interface Provisioner {
  /** Bring the whole stack up (idempotent converge); resolves when healthy. */
  up(spec: StackSpec, opts: { onEvent: OnProvisionEvent; signal?: AbortSignal }): Promise<void>;
  /** Stop containers, keep volumes. */
  pause(ref: string): Promise<void>;
  restart(spec: StackSpec, opts: { onEvent: OnProvisionEvent; signal?: AbortSignal }): Promise<void>;
  /** Remove everything labelled with the ref; safe to repeat. */
  destroy(ref: string): Promise<{ containers: number; volumes: number; networks: number }>;
  status(ref: string): Promise<ServiceStatus[]>;
  logs(ref: string, service: ServiceName, opts: { tail: number; follow: boolean; signal?: AbortSignal }): AsyncIterable<LogLine>;
  listManaged(): Promise<ManagedRef[]>;
}
