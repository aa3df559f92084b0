// The ports through which the project service drives an engine, declared on
// lib/stack's own types so that lib/stack depends on no adapter. A Runtime
// (lifecycle and observation) is what every engine has; data operations,
// Edge Function files and node placement are separate ports that an engine
// has or has not. An engine that cannot do something leaves the port out,
// and callers check for it (dataOpsOf, functionFilesOf below) before they
// touch anything, never learning it from a method that throws.
//
// Adapters: lib/docker/provisioner.ts (one Docker engine: every port but
// placement; with the freezer) and lib/swarm/provisioner.ts (Docker Swarm: runtime and
// placement). A provisioner belongs to one installation: everything that
// changes the engine acts only on that installation's resources, and
// listStacks is the only view of anyone else's.
import type { Readable } from "node:stream";
import type { Pack } from "tar-stream";
import { InvalidStateError } from "@/lib/errors";
import type { EngineStack, Removed } from "@/lib/stack/engine-stacks";
import type { LogLine, ServiceName, ServiceState, StackEvent, StackSpec } from "@/lib/stack/types";

export type OnProvisionEvent = (e: StackEvent) => void;

export interface StackUsage {
  /** percent of one CPU, summed over containers (200 = two CPUs busy) */
  cpuPercent: number;
  memoryBytes: number;
  /** cumulative since each container started */
  netRxBytes: number;
  netTxBytes: number;
}

/** How an export read the database: from the running server (a base backup) or from its stopped files. */
export type ExportMethod = "hot" | "cold";

/** One entry of an export (data/<volume key>/<path>), as an import reads it. */
export interface ImportEntry {
  header: Parameters<Pack["entry"]>[0];
  body: Readable;
}

export interface DataUpgradeOptions {
  /** The superuser's password (the project's database password). */
  password: string;
  onStep: (message: string) => void;
  signal?: AbortSignal;
}

/** One host of a multi-node runtime, as the admin console shows it. */
export interface NodeView {
  id: string;
  hostname: string;
  /** The address other nodes (and nginx on the manager) reach it at. */
  address: string;
  role: "manager" | "worker";
  /** ready | down | unknown | disconnected */
  state: string;
  /** The engine's availability: active | pause | drain */
  availability: string;
  /** Supafleet's drain: it keeps its projects and takes no new ones. */
  drained: boolean;
  /** The node this Supafleet's engine socket is (nginx reaches its projects on 127.0.0.1). */
  local: boolean;
  memoryBytes: number;
  nanoCpus: number;
  committedMemoryBytes: number;
  /** Refs of this installation's projects pinned there. */
  projects: string[];
}

/** Where a project runs: its node, and the address nginx reaches it at (null: this host, 127.0.0.1). */
export interface NodeAssignment {
  nodeId: string;
  address: string | null;
}

interface StartOptions {
  onEvent: OnProvisionEvent;
  signal?: AbortSignal;
}

/** Lifecycle and observation of an installation's stacks: what every engine has. */
export interface Runtime {
  /** This runtime's installation: the only one whose resources it changes. */
  readonly installationId: string;
  /** The engine's name in messages ("Docker", "Swarm"). */
  readonly engineName: string;
  /** Bring the whole stack up (idempotent converge); resolves when healthy. */
  up(spec: StackSpec, opts: StartOptions): Promise<void>;
  /** Stop containers, keep volumes. */
  pause(ref: string): Promise<void>;
  restart(spec: StackSpec, opts: StartOptions): Promise<void>;
  /**
   * Makes one service's container again from the spec (e.g. new Auth
   * settings) and waits until the stack is healthy. Volumes, the network and
   * every other container are left as they are.
   */
  replaceService(spec: StackSpec, service: ServiceName, opts: StartOptions): Promise<void>;
  /**
   * Removes containers, network AND VOLUMES: the project's data. Only for an
   * explicit delete of the project, the purge of a quarantined stack, or the
   * rollback of a create that never became active (discardFailedCreate in
   * lib/projects/provision.ts decides which). Safe to repeat.
   */
  destroy(ref: string): Promise<Removed>;
  /** Removes the containers only; data and network stay. Safe to repeat. */
  removeContainers(ref: string): Promise<Removed>;
  status(ref: string): Promise<ServiceState[]>;
  logs(ref: string, service: ServiceName, opts: { tail: number; follow: boolean; signal?: AbortSignal }): AsyncIterable<LogLine>;
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
}

/** The data in a project's volumes: backups, restores, clones, SQL and Postgres major upgrades. */
export interface DataOps {
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
  /**
   * Fills `to`'s data volumes (a new generation: none may exist) from
   * `from`'s, whose stack is stopped, with the database carried to `to`'s
   * Postgres major (lib/docker/pg-upgrade.ts). On `from`'s volumes only its
   * own Postgres runs (to be read); on failure the caller removes `to`'s generation.
   */
  upgradeData(from: StackSpec, to: StackSpec, opts: DataUpgradeOptions): Promise<void>;
}

/**
 * Edge Functions in the spec's functions volume (lib/docker/function-files.ts):
 * writeFunction moves the tar's `.supafleet-staging/<stage>/` tree to
 * `<slug>/` in one rename; removeFunction deletes `<slug>/`; readFunction
 * gives its files. Never `main/`. They work whether the stack runs or not.
 */
export interface FunctionFiles {
  writeFunction(spec: StackSpec, slug: string, stage: string, tar: Buffer): Promise<void>;
  removeFunction(spec: StackSpec, slug: string): Promise<void>;
  readFunction(spec: StackSpec, slug: string, limits: { maxBytes: number; maxFiles: number }): Promise<Array<{ path: string; content: Buffer }>>;
}

/** The nodes of a multi-node runtime (Swarm); a single engine has none. */
export interface Placement {
  /** Chooses the node a new project goes to; fails (CapacityExceededError) before anything is made. */
  place(need: { ref: string; memoryBytes: number }): Promise<NodeAssignment>;
  /** Fails (CapacityExceededError) when no node takes new projects (every one down or drained). */
  checkOpen(): Promise<void>;
  /** Every node with its capacity, projects and state. */
  nodes(): Promise<NodeView[]>;
  /** Drained: the node keeps its projects and takes no new ones. */
  setNodeDrained(nodeId: string, drained: boolean): Promise<void>;
}

/**
 * The frozen sleep tier (lib/projects/sleep-tier.ts): a stack's processes are
 * suspended with their memory kept (Docker: the cgroup freezer, `docker
 * pause`), and thawed in well under a second. An engine without it (Swarm:
 * services have no pause) leaves it out, and idle projects are stopped at once.
 */
export interface Freezer {
  /** Suspends every container of the ref; on failure none stays suspended. */
  freeze(ref: string): Promise<void>;
  /** Resumes every suspended container of the ref; returns how many were suspended. Safe to repeat. */
  thaw(ref: string): Promise<number>;
  /** The ref has containers and every one is suspended. */
  isFrozen(ref: string): Promise<boolean>;
  /** Resumes what is suspended, in one look at the engine; true when the ref had containers and every one was suspended. */
  thawWhole(ref: string): Promise<boolean>;
}

/** An engine as the project service holds it: its runtime, and the optional ports it has. */
/** A file in a project's WAL archive volume (lib/stack/wal-archive.ts), or a gap marker for a segment it dropped. */
export interface ArchivedFile {
  name: string;
  gap: boolean;
  closedAt: Date;
  sizeBytes: number;
}

/**
 * The per-project WAL archive volume (lib/docker/wal-archive.ts), read
 * through the running db container. list gives null when it is not running.
 */
export interface WalArchiveOps {
  list(ref: string): Promise<ArchivedFile[] | null>;
  read(ref: string, name: string): Promise<Readable>;
  remove(ref: string, files: Array<{ name: string; gap: boolean }>): Promise<void>;
  /** Removes what a point-in-time restore staged in PGDATA once it is committed. */
  removeRestoreWal(ref: string): Promise<void>;
}

export interface Provisioner extends Runtime {
  readonly data?: DataOps;
  readonly walArchive?: WalArchiveOps;
  readonly functions?: FunctionFiles;
  readonly placement?: Placement;
  readonly freezer?: Freezer;
}

/** What each feature is called when its engine lacks the port it needs (docs/scale-out.md lists them). */
const UNSUPPORTED = {
  backups: "Backups, restores and clones are",
  upgrades: "Postgres major upgrades are",
  functions: "Deploying Edge Functions through the Management API is",
  "database access": "CLI login roles and Postgres settings through the API are",
  pitr: "Point-in-time recovery is",
} as const;

function unsupported(p: Runtime, feature: keyof typeof UNSUPPORTED): InvalidStateError {
  return new InvalidStateError(`${UNSUPPORTED[feature]} not available on the ${p.engineName} engine yet (docs/scale-out.md).`);
}

/** The engine's data port, or the refusal a feature that needs it gives (nothing was touched). */
export function dataOpsOf(p: Provisioner, feature: "backups" | "upgrades" | "database access"): DataOps {
  if (!p.data) throw unsupported(p, feature);
  return p.data;
}

/** The engine's Edge Function files, or the refusal (nothing was touched). */
export function functionFilesOf(p: Provisioner): FunctionFiles {
  if (!p.functions) throw unsupported(p, "functions");
  return p.functions;
}

/** The engine's WAL archive port, or the refusal (nothing was touched). */
export function walArchiveOf(p: Provisioner): WalArchiveOps {
  if (!p.walArchive) throw unsupported(p, "pitr");
  return p.walArchive;
}
