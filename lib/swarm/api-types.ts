// The shapes of what the Swarm API returns that Supafleet reads (dockerode
// types them loosely). Types only, at the bottom of lib/swarm, so the node
// and task views can share them without importing each other.
import type Docker from "dockerode";

export interface SwarmTask {
  ID: string;
  NodeID?: string;
  DesiredState?: string;
  CreatedAt?: string;
  UpdatedAt?: string;
  Status?: { State?: string; Err?: string; Timestamp?: string; ContainerStatus?: { ExitCode?: number } };
}

export interface SwarmServiceInfo {
  ID: string;
  Version: { Index: number };
  Spec: Docker.CreateServiceOptions & { Labels?: Record<string, string> };
}

export interface SwarmNodeInfo {
  ID: string;
  Spec?: { Availability?: string; Role?: string; Labels?: Record<string, string> };
  Description?: { Hostname?: string; Resources?: { NanoCPUs?: number; MemoryBytes?: number } };
  Status?: { State?: string; Addr?: string };
  ManagerStatus?: { Leader?: boolean; Addr?: string };
}
