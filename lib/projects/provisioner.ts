// What the project service needs from a runtime. The Docker implementation is
// lib/projects/docker-provisioner.ts; the interface keeps the service testable
// (test/support/fake-provisioner.ts) and leaves room for another runtime
// (Swarm, a remote host) later. A provisioner belongs to one installation:
// everything that changes the engine acts only on that installation's
// resources, and listStacks is the only view of anyone else's.
import type { LogLine, ServiceName, ServiceState, StackEvent, StackSpec } from "@/lib/stack/types";
import type { EngineStack, Removed } from "@/lib/docker/resources";
import type { StackUsage } from "@/lib/docker/stats";
import type { Pack } from "tar-stream";
import type { ExportMethod, ImportEntry } from "@/lib/docker/data-archive";
import type { DataUpgradeOptions } from "@/lib/docker/pg-upgrade";

export type { ExportMethod, ImportEntry } from "@/lib/docker/data-archive";
export type { DataUpgradeOptions } from "@/lib/docker/pg-upgrade";
import type { SwarmNodeView } from "@/lib/swarm/nodes";

export type { StackUsage } from "@/lib/docker/stats";

export type { EngineStack, EngineContainer, Removed } from "@/lib/docker/resources";

// The runtime's reports are the adapter contract's own types (lib/stack/types.ts).
export type { StackEvent as ProvisionEvent, ServiceState as ServiceStatus, LogLine } from "@/lib/stack/types";
export type OnProvisionEvent = (e: StackEvent) => void;

/** One host of a multi-node runtime (Swarm), as the admin console shows it. */
export type NodeView = SwarmNodeView;

/** Where a project runs: its node, and the address nginx reaches it at (null: this host, 127.0.0.1). */
export interface Placement {
  nodeId: string;
  address: string | null;
}

export interface Provisioner {
  /** This provisioner's installation: the only one whose resources it changes. */
  readonly installationId: string;
  /** Bring the whole stack up (idempotent converge); resolves when healthy. */
  up(spec: StackSpec, opts: { onEvent: OnProvisionEvent; signal?: AbortSignal }): Promise<void>;
  /** Stop containers, keep volumes. */
  pause(ref: string): Promise<void>;
  restart(spec: StackSpec, opts: { onEvent: OnProvisionEvent; signal?: AbortSignal }): Promise<void>;
  /**
   * Makes one service's container again from the spec (e.g. new Auth
   * settings) and waits until the stack is healthy. Volumes, the network and
   * every other container are left as they are.
   */
  replaceService(spec: StackSpec, service: ServiceName, opts: { onEvent: OnProvisionEvent; signal?: AbortSignal }): Promise<void>;
  /**
   * Removes containers, network AND VOLUMES: the project's data. Only for an
   * explicit delete of the project, or the rollback of a create that never
   * became active (lib/projects/data-guard.ts decides which). Safe to repeat.
   */
  destroy(ref: string): Promise<Removed>;
  /** Removes the containers only; data and network stay. Safe to repeat. */
  removeContainers(ref: string): Promise<Removed>;
  status(ref: string): Promise<ServiceState[]>;
  logs(ref: string, service: ServiceName, opts: { tail: number; follow: boolean; signal?: AbortSignal }): AsyncIterable<LogLine>;
  /** Every Supafleet stack on the engine, this installation's and others'. Reads only. */
  listStacks(): Promise<EngineStack[]>;
  /** Host ports held by any container on the engine, running or stopped. */
  usedHostPorts(): Promise<Set<number>>;
  /** IPv4 subnets of every network on the engine. */
  usedSubnets(): Promise<string[]>;
  /** The ref's sealed metadata files, newest first; [] when it has none. */
  readMetadata(ref: string): Promise<string[]>;
  /** Adds a newer sealed metadata file to the ref's metadata volume. */
  writeMetadata(ref: string, sealed: string): Promise<void>;
  /**
   * Calls onChange with the ref of every container of this installation that
   * starts, dies, stops or changes health. Resolves when the event stream
   * ends (the engine restarted) or `signal` aborts; rejects when it cannot be opened.
   */
  watch(onChange: (ref: string) => void, signal: AbortSignal): Promise<void>;
  /** CPU, memory and network of the ref's running containers; null when none runs. */
  usage(ref: string): Promise<StackUsage | null>;
  /** Bytes in volumes, per ref of this installation (expensive: the engine walks the volumes). */
  volumeSizes(): Promise<Record<string, number>>;
  /**
   * Writes a consistent copy of the spec's data volumes (all but metadata and
   * caches) into `out` as data/<key>/<path> entries: "hot" (base backup of the
   * running database) when the spec's db container runs, else "cold" (files).
   * Reads only; the project keeps running.
   */
  exportData(spec: StackSpec, out: Pack): Promise<ExportMethod>;
  /**
   * Makes the spec's data volumes and fills them from exportData's entries.
   * Every one must be new (a restore fills a new generation): an existing
   * volume is refused, never written.
   */
  importData(spec: StackSpec, entries: AsyncIterable<ImportEntry>): Promise<void>;
  /**
   * Removes the ref's data volumes of one generation (never the metadata
   * volume). Refused while a container mounts them. Only for the generation a
   * restore left behind or one that never became live (lib/backups/restore.ts).
   */
  removeGeneration(ref: string, generation: number): Promise<number>;
  /** Runs a psql script as the database superuser inside the ref's running db container. */
  runSql(ref: string, script: string, opts: { password: string }): Promise<string>;
  /** Whether runSql works on this runtime (callers that run SQL in the background check it first). */
  readonly sql: boolean;
  /** Whether upgradeData runs on this runtime; without it a new Postgres major is refused before anything is touched. */
  readonly dataUpgrades: boolean;
  /**
   * Fills `to`'s data volumes (a new generation: none may exist) from
   * `from`'s, whose stack is stopped, with the database carried to `to`'s
   * Postgres major (lib/docker/pg-upgrade.ts). On `from`'s volumes only its
   * own Postgres runs (to be read); on failure
   * the caller removes `to`'s generation.
   */
  upgradeData(from: StackSpec, to: StackSpec, opts: DataUpgradeOptions): Promise<void>;
  // ---- multi-node runtimes only (Swarm); a single engine has none of these ----
  /** Chooses the node a new project goes to; fails (CapacityExceededError) before anything is made. */
  place?(need: { ref: string; memoryBytes: number }): Promise<Placement>;
  /** Every node with its capacity, projects and state. */
  nodes?(): Promise<NodeView[]>;
  /** Drained: the node keeps its projects and takes no new ones. */
  setNodeDrained?(nodeId: string, drained: boolean): Promise<void>;
}
