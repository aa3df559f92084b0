// What a runtime finds on its engine, by label: one entry per project stack
// (its containers or Swarm services, volumes, networks and leased host
// ports), of this installation and of any other. Both adapters list their
// engine's resources and group them here (lib/docker/resources.ts,
// lib/swarm/engine-view.ts), so the two views cannot drift apart.
import { generationOf } from "@/lib/stack/volumes";
import { LABELS, parseHostPorts } from "@/lib/stack/types";

export interface EngineContainer {
  id: string;
  name: string;
  service: string | null;
  running: boolean;
  /** "metadata" for the never-started containers that read and write the metadata volume. */
  role: string | null;
}

/** One project's resources on the engine, as their labels describe them. */
export interface EngineStack {
  ref: string;
  /** null: made before installation ids existed. */
  installation: string | null;
  containers: EngineContainer[];
  /** name, the template's volume key (db-data, storage, …, metadata) and its data generation (lib/stack/volumes.ts) */
  volumes: Array<{ name: string; key: string | null; generation: number }>;
  networks: string[];
  /** The leased host ports its containers are bound to, from their labels. */
  hostPorts: Partial<Record<"KONG_HTTP" | "POSTGRES" | "POOLER", number>>;
}

/** What a removal took away; every count is 0 when nothing was there. */
export interface Removed {
  containers: number;
  volumes: number;
  networks: number;
}

type Labels = Record<string, string> | null | undefined;

/** Collects labelled resources into one EngineStack per (installation, ref); unlabelled ones are skipped. */
export class EngineStackGroups {
  private readonly byKey = new Map<string, EngineStack>();

  /** The stack the labels name, made on first sight; null when they name no ref. */
  stackOf(labels: Labels): EngineStack | null {
    const ref = labels?.[LABELS.ref];
    if (!ref) return null;
    const installation = labels?.[LABELS.installation] ?? null;
    const key = `${installation ?? ""}/${ref}`;
    let e = this.byKey.get(key);
    if (!e) this.byKey.set(key, (e = { ref, installation, containers: [], volumes: [], networks: [], hostPorts: {} }));
    return e;
  }

  /** A container (or the Swarm service standing for one), with the host ports its labels lease. */
  addContainer(labels: Labels, c: { id: string; name: string; running: boolean }): void {
    const e = this.stackOf(labels);
    if (!e) return;
    e.containers.push({ ...c, service: labels?.[LABELS.service] ?? null, role: labels?.[LABELS.role] ?? null });
    const ports = parseHostPorts(labels?.[LABELS.hostPorts]);
    if (Object.keys(ports).length) e.hostPorts = { ...e.hostPorts, ...ports };
  }

  addVolume(labels: Labels, name: string): void {
    this.stackOf(labels)?.volumes.push({ name, key: labels?.[LABELS.volume] ?? null, generation: generationOf(labels) });
  }

  addNetwork(labels: Labels, name: string): void {
    this.stackOf(labels)?.networks.push(name);
  }

  /** Every stack seen, by ref. */
  stacks(): EngineStack[] {
    return [...this.byKey.values()].sort((a, b) => a.ref.localeCompare(b.ref));
  }
}
