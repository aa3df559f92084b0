// A project's data volumes come in generations. Generation 0 keeps the names
// the template gives (supafleet-<ref>-<key>); a restore fills generation n+1
// (supafleet-<ref>-g<n+1>-<key>) while the project still runs on n, moves the
// stack to it, and only once that stack is healthy is n+1 recorded and n
// removed. A failed or interrupted restore removes n+1 and leaves n as it was.
// Pure: rewrites a StackSpec, no engine.
import { LABELS, METADATA_VOLUME, type StackSpec } from "@/lib/stack/types";

/** Volumes in no generation: the metadata, and the WAL archive (lib/stack/wal-archive.ts; named here to keep that file's imports one way). */
export const UNVERSIONED_VOLUMES: readonly string[] = [METADATA_VOLUME, "wal-archive"];

/** Label on generation ≥ 1 volumes; volumes without it are generation 0. */
export const GENERATION_LABEL = "supafleet.generation";

/** Volumes that are caches, rebuilt by their service: not backed up, made empty by a restore. */
export const CACHE_VOLUMES: readonly string[] = ["deno-cache"];

/** The volume that holds the Postgres cluster (backed up through Postgres, not as files). */
export const DB_VOLUME = "db-data";

export function generationOf(labels: Record<string, string> | null | undefined): number {
  const v = labels?.[GENERATION_LABEL];
  return v && /^\d{1,9}$/.test(v) ? Number(v) : 0;
}

export function dataVolumeName(ref: string, key: string, generation: number): string {
  return generation === 0 ? `supafleet-${ref}-${key}` : `supafleet-${ref}-g${generation}-${key}`;
}

/** The spec with its data volumes (all but the metadata volume) moved to `generation`. */
export function withGeneration(spec: StackSpec, generation: number): StackSpec {
  if (!Number.isInteger(generation) || generation < 0) throw new RangeError("bad generation");
  if (generation === 0) return spec;
  const renamed = new Map<string, string>();
  const volumes = spec.volumes.map((v) => {
    const key = v.labels[LABELS.volume];
    if (!key || UNVERSIONED_VOLUMES.includes(key)) return v;
    const name = dataVolumeName(spec.ref, key, generation);
    renamed.set(v.name, name);
    return { name, labels: { ...v.labels, [GENERATION_LABEL]: String(generation) } };
  });
  return {
    ...spec,
    volumes,
    services: spec.services.map((s) => ({
      ...s,
      mounts: s.mounts.map((m) => (m.type === "volume" && renamed.has(m.source) ? { ...m, source: renamed.get(m.source)! } : m)),
    })),
  };
}

/** The spec's data volumes as key → name (metadata excluded). */
export function dataVolumes(spec: StackSpec): Array<{ key: string; name: string; labels: Record<string, string> }> {
  return spec.volumes
    .map((v) => ({ key: v.labels[LABELS.volume] ?? "", name: v.name, labels: v.labels }))
    .filter((v) => v.key && !UNVERSIONED_VOLUMES.includes(v.key));
}

/** Only the given services, with dependencies on the others dropped (to start the database alone). */
export function onlyServices(spec: StackSpec, names: readonly string[]): StackSpec {
  const keep = new Set(names);
  return {
    ...spec,
    services: spec.services.filter((s) => keep.has(s.service)).map((s) => ({ ...s, dependsOn: s.dependsOn.filter((d) => keep.has(d.service)) })),
  };
}
