// A test double for the Docker provisioner (lib/docker/provisioner.ts): the
// same ports (lib/stack/runtime-port.ts: the runtime, data operations in
// fake-data-ops.ts and Edge Function files in fake-function-ops.ts; no
// placement), with one engine's Supafleet stacks in memory, shared by every
// installation that uses it (like the real engine).
// It is as strict as the real adapter where the service depends on it: each
// provisioner acts only on its own installation's resources (or unlabelled,
// pre-installation ones), a metadata read of a missing volume finds nothing
// and makes nothing, stop and removal of what is not there is a no-op, and a
// destroy is the only call that removes volumes, and a db never starts on data
// of another Postgres major (PG_VERSION on its volume). Every call is logged so a
// test can prove what was (never) done.
import { InvalidStateError, ResourceConflictError } from "@/lib/errors";
import { LABELS, type ServiceName, type StackSpec } from "@/lib/stack/types";
import { LATEST_STACK_VERSION, postgresMajor, templateServices } from "@/lib/stack/template";
import { DB_VOLUME, dataVolumes, generationOf } from "@/lib/stack/volumes";
import { entryName, fakeDataOps } from "@/test/support/fake-data-ops";
import { fakeFunctionOps } from "@/test/support/fake-function-ops";
import type { EngineStack, LogLine, OnProvisionEvent, Provisioner, Removed, ServiceStatus } from "@/lib/projects/provisioner";

export interface FakeContainer {
  service: ServiceName;
  running: boolean;
  /** Suspended by the freezer (only with FakeHooks.freezer). */
  paused?: boolean;
  health: ServiceStatus["health"];
}

export interface FakeStack {
  ref: string;
  /** null: made before installation ids. */
  installation: string | null;
  containers: FakeContainer[];
  /** volumes by name without the supafleet-<ref>- prefix: the template key (db-data, …, metadata), "g<n>-<key>" for generation n ≥ 1 */
  volumes: Set<string>;
  /** Files in data volumes, by volume entry as in `volumes` (path → content). */
  files: Map<string, Map<string, string>>;
  /** The generation the containers mount (set by up). */
  mountedGeneration: number;
  /** The database superuser's password inside the cluster (set by the first start on an empty db-data, or by an import). */
  dbPassword?: string;
  /** psql scripts run in the db container. */
  sql: string[];
  /** Extensions the cluster has (CREATE EXTENSION), for queries of pg_extension. */
  extensions?: string[];
  network: boolean;
  hostPorts: Partial<Record<"KONG_HTTP" | "POSTGRES" | "POOLER", number>>;
  /** sealed files, oldest first */
  metadata: string[];
  /** The template version its containers were last made from. */
  stackVersion?: string;
  /** The spec its containers were last made from (tests read env and files from it). */
  lastSpec?: StackSpec;
  subnet?: string;
}

export interface Call {
  installation: string;
  op: string;
  ref: string;
}

export class FakeEngine {
  readonly stacks = new Map<string, FakeStack>();
  readonly calls: Call[] = [];
  /** Ports held by something that is not a Supafleet stack. */
  readonly otherPorts = new Set<number>();
  readonly watchers = new Set<{ installation: string; onChange: (ref: string) => void; end: () => void }>();
  isDown = false;
  /** Grows with each usage call: traffic between samples. */
  netCounter = 0;

  /** The engine stops answering (as during a restart): calls fail, event streams end. */
  setDown(down: boolean): void {
    this.isDown = down;
    if (down) for (const w of [...this.watchers]) w.end();
  }

  /** A container dies (or anything else happens to it): its installation's watchers hear of it. */
  kill(installation: string, ref: string, service: ServiceName): void {
    const c = this.stacks.get(this.key(installation, ref))?.containers.find((x) => x.service === service);
    if (c) c.running = false;
    this.emit(installation, ref);
  }

  emit(installation: string, ref: string): void {
    for (const w of this.watchers) if (w.installation === installation) w.onChange(ref);
  }

  checkUp(): void {
    if (this.isDown) throw Object.assign(new Error("connect ECONNREFUSED /var/run/docker.sock"), { code: "ECONNREFUSED" });
  }

  /** A stack as a full, running, healthy project would leave it. */
  put(stack: Partial<FakeStack> & { ref: string; installation: string | null }): FakeStack {
    const full: FakeStack = {
      containers: templateServices(LATEST_STACK_VERSION, { analytics: false }).map((service) => ({ service, running: true, health: "healthy" as const })),
      volumes: new Set(["db-data", "db-config", "storage", "functions", "snippets", "deno-cache", "metadata"]),
      network: true,
      hostPorts: {},
      metadata: [],
      files: new Map(),
      mountedGeneration: 0,
      sql: [],
      ...stack,
    };
    this.stacks.set(this.key(full.installation, full.ref), full);
    return full;
  }

  key(installation: string | null, ref: string): string {
    return `${installation ?? ""}/${ref}`;
  }

  provisioner(installationId: string, hooks: FakeHooks = {}): Provisioner {
    return fakeProvisioner(this, installationId, hooks);
  }
}

/** Steps a test can slow down or make fail (a process that dies there never returns). */
export interface FakeHooks {
  /** May report progress as the real adapter does (e.g. "stack.serving" before the start ends). */
  up?: (spec: StackSpec, onEvent: OnProvisionEvent) => Promise<void>;
  replaceService?: (spec: StackSpec, service: string) => Promise<void>;
  exportData?: (spec: StackSpec) => Promise<void>;
  importEntry?: (spec: StackSpec, name: string) => Promise<void>;
  upgradeData?: (from: StackSpec, to: StackSpec) => Promise<void>;
  /** Give the engine a freezer (the frozen sleep tier), as Docker's adapter has. */
  freezer?: boolean;
}

function fakeProvisioner(engine: FakeEngine, installationId: string, hooks: FakeHooks): Provisioner {
  const log = (op: string, ref: string) => {
    engine.checkUp();
    engine.calls.push({ installation: installationId, op, ref });
  };
  // Own resources: labelled with this installation, or with none (pre-installation ids).
  const own = (ref: string): FakeStack | undefined => engine.stacks.get(engine.key(installationId, ref)) ?? engine.stacks.get(engine.key(null, ref));
  const remove = (ref: string, volumes: boolean): Removed => {
    const s = own(ref);
    if (!s) return { containers: 0, volumes: 0, networks: 0 };
    const removed = { containers: s.containers.length, volumes: volumes ? s.volumes.size : 0, networks: volumes && s.network ? 1 : 0 };
    s.containers = [];
    if (volumes) {
      engine.stacks.delete(engine.key(s.installation, ref));
    }
    return removed;
  };
  return {
    installationId,
    engineName: "Docker",
    async up(spec, { onEvent }) {
      log("up", spec.ref);
      if (spec.installationId !== installationId) throw new ResourceConflictError("spec of another installation");
      const foreign = [...engine.stacks.values()].find((s) => s.ref === spec.ref && s.installation !== null && s.installation !== installationId);
      if (foreign) throw new ResourceConflictError(`resources of ${spec.ref} belong to another installation`);
      await hooks.up?.(spec, onEvent);
      let s = own(spec.ref);
      const metadataIsNew = !s?.volumes.has("metadata");
      s ??= engine.put({ ref: spec.ref, installation: installationId, containers: [], volumes: new Set() });
      const db = spec.services.find((x) => x.service === "db");
      const password = db?.env.POSTGRES_PASSWORD;
      const generation = generationOf(spec.volumes.find((v) => v.labels[LABELS.volume] === DB_VOLUME)?.labels);
      const dbEntry = entryName(spec.ref, dataVolumes(spec).find((v) => v.key === DB_VOLUME)?.name ?? "");
      const freshDb = !s.volumes.has(dbEntry);
      // As the real stack: services log in with the spec's password; a cluster that has another one refuses them.
      const logsIn = spec.services.some((x) => x.service !== "db");
      if (!freshDb && logsIn && s.dbPassword !== undefined && password !== undefined && s.dbPassword !== password) {
        throw new ResourceConflictError(`password authentication failed for user "supabase_admin" (the cluster in ${dbEntry} has another password)`);
      }
      for (const v of spec.volumes) {
        s.volumes.add(entryName(spec.ref, v.name));
        if (!s.files.has(entryName(spec.ref, v.name))) s.files.set(entryName(spec.ref, v.name), new Map());
      }
      const major = db ? postgresMajor(db.image) : null;
      const onDisk = s.files.get(dbEntry)?.get("PG_VERSION")?.trim();
      // As Postgres: a server never starts on a data directory of another major.
      if (!freshDb && major !== null && onDisk && Number(onDisk) !== major)
        throw new InvalidStateError(
          `db failed: FATAL: database files are incompatible with server: The data directory was initialized by PostgreSQL version ${onDisk}, which is not compatible with this version ${major}`,
        );
      if (freshDb) {
        s.dbPassword = password;
        s.files.set(dbEntry, new Map([["PG_VERSION", `${major ?? 15}\n`]]));
      }
      s.mountedGeneration = generation;
      if (metadataIsNew) s.metadata.push(spec.metadata.sealed);
      s.network = true;
      if (spec.network.subnet) s.subnet = spec.network.subnet;
      const ports = spec.services[0]?.labels["supafleet.host-ports"];
      for (const part of (ports ?? "").split(",")) {
        const [k, v] = part.split("=");
        if (k === "KONG_HTTP" || k === "POSTGRES" || k === "POOLER") s.hostPorts[k] = Number(v);
      }
      s.containers = spec.services.map((x) => ({ service: x.service, running: true, health: "healthy" as const }));
      s.stackVersion = spec.stackVersion;
      s.lastSpec = spec;
    },
    async pause(ref) {
      log("pause", ref);
      for (const c of own(ref)?.containers ?? []) {
        c.running = false;
        c.paused = false;
      }
    },
    async restart(spec, opts) {
      log("restart", spec.ref);
      await this.up(spec, opts);
    },
    async replaceService(spec, service) {
      log(`replaceService:${service}`, spec.ref);
      const s = own(spec.ref);
      if (!s) throw new ResourceConflictError(`no stack ${spec.ref}`);
      if (!spec.services.some((x) => x.service === service)) throw new ResourceConflictError(`${service} is not in the spec`);
      await hooks.replaceService?.(spec, service);
      s.containers = [...s.containers.filter((c) => c.service !== service), { service, running: true, health: "healthy" as const }];
      // As the real converge: whatever else is stopped starts again.
      for (const c of s.containers) c.running = true;
      s.lastSpec = spec;
    },
    async destroy(ref) {
      log("destroy", ref);
      return remove(ref, true);
    },
    async removeContainers(ref) {
      log("removeContainers", ref);
      return remove(ref, false);
    },
    async status(ref) {
      log("status", ref);
      return (own(ref)?.containers ?? []).map((c) => ({
        service: c.service,
        containerName: `supafleet-${ref}-${c.service}`,
        state: c.running ? "running" : "exited",
        health: c.running ? c.health : "none",
        exitCode: c.running ? null : 0,
        startedAt: null,
        restartCount: 0,
      }));
    },
    logs(): AsyncIterable<LogLine> {
      return (async function* () {})();
    },
    async listStacks(): Promise<EngineStack[]> {
      engine.checkUp();
      return [...engine.stacks.values()].map((s) => ({
        ref: s.ref,
        installation: s.installation,
        containers: s.containers.map((c) => ({
          id: `${s.ref}-${c.service}`,
          name: `supafleet-${s.ref}-${c.service}`,
          service: c.service,
          running: c.running,
          role: null,
        })),
        volumes: [...s.volumes].map((entry) => {
          const m = /^g(\d+)-(.+)$/.exec(entry);
          return { name: `supafleet-${s.ref}-${entry}`, key: m ? m[2]! : entry, generation: m ? Number(m[1]) : 0 };
        }),
        networks: s.network ? [`supafleet-${s.ref}`] : [],
        hostPorts: { ...s.hostPorts },
      }));
    },
    async usedHostPorts() {
      const used = new Set(engine.otherPorts);
      for (const s of engine.stacks.values()) if (s.containers.length) for (const p of Object.values(s.hostPorts)) used.add(p);
      return used;
    },
    async usedSubnets() {
      engine.checkUp();
      return [...engine.stacks.values()].filter((s) => s.network && s.subnet).map((s) => s.subnet!);
    },
    async readMetadata(ref) {
      log("readMetadata", ref);
      const s = own(ref);
      return s?.volumes.has("metadata") ? [...s.metadata].reverse() : [];
    },
    async watch(onChange, signal) {
      engine.checkUp();
      await new Promise<void>((resolve) => {
        const w = { installation: installationId, onChange, end: () => finish() };
        const finish = () => {
          engine.watchers.delete(w);
          signal.removeEventListener("abort", finish);
          resolve();
        };
        engine.watchers.add(w);
        signal.addEventListener("abort", finish, { once: true });
      });
    },
    async usage(ref) {
      log("usage", ref);
      const s = own(ref);
      const running = s?.containers.filter((c) => c.running).length ?? 0;
      // A fixed, recognisable footprint per running container.
      return running
        ? { cpuPercent: running * 1.5, memoryBytes: running * 20 * 1024 * 1024, netRxBytes: (engine.netCounter += 4096), netTxBytes: engine.netCounter / 2 }
        : null;
    },
    async volumeSizes() {
      engine.checkUp();
      const sizes: Record<string, number> = {};
      for (const s of engine.stacks.values()) if (s.installation === installationId || s.installation === null) sizes[s.ref] = s.volumes.size * 1024 * 1024;
      return sizes;
    },
    async writeMetadata(ref, sealed) {
      log("writeMetadata", ref);
      const s = own(ref) ?? engine.put({ ref, installation: installationId, containers: [], volumes: new Set(), network: false });
      s.volumes.add("metadata");
      s.metadata.push(sealed);
    },
    data: fakeDataOps({ engine, installationId, hooks, own, log }),
    functions: fakeFunctionOps({ installationId, own, log }),
    ...(hooks.freezer
      ? {
          freezer: {
            async freeze(ref: string) {
              log("freeze", ref);
              for (const c of own(ref)?.containers ?? []) if (c.running) c.paused = true;
            },
            async thaw(ref: string) {
              log("thaw", ref);
              const paused = (own(ref)?.containers ?? []).filter((c) => c.paused);
              for (const c of paused) c.paused = false;
              return paused.length;
            },
            async isFrozen(ref: string) {
              const cs = own(ref)?.containers ?? [];
              return cs.length > 0 && cs.every((c) => c.paused);
            },
            async thawWhole(ref: string) {
              log("thaw", ref);
              const cs = own(ref)?.containers ?? [];
              const whole = cs.length > 0 && cs.every((c) => c.paused);
              for (const c of cs) c.paused = false;
              return whole;
            },
          },
        }
      : {}),
  };
}
