// The fake engine's data operations (the DataOps port of lib/stack/runtime-port.ts:
// exportData, importData, removeGeneration, runSql and upgradeData), as strict as the real
// ones where the backup service depends on it: an export reads only volumes
// that exist, an import refuses any volume that exists already, a generation
// in use by the containers cannot be removed, and psql needs the cluster's
// own password. Data volumes hold files as path → content.
import { pipeline } from "node:stream/promises";
import { InvalidStateError, ResourceConflictError } from "@/lib/errors";
import type { DataOps } from "@/lib/stack/runtime-port";
import { CACHE_VOLUMES, DB_VOLUME, dataVolumes, generationOf } from "@/lib/stack/volumes";
import { postgresMajor } from "@/lib/stack/template";
import type { FakeEngine, FakeHooks, FakeStack } from "@/test/support/fake-provisioner";

/** A volume's entry in FakeStack.volumes: its name without "supafleet-<ref>-". */
export function entryName(ref: string, volumeName: string): string {
  return volumeName.replace(`supafleet-${ref}-`, "");
}

export function fakeDataOps(c: {
  engine: FakeEngine;
  installationId: string;
  hooks: FakeHooks;
  own: (ref: string) => FakeStack | undefined;
  log: (op: string, ref: string) => void;
}): DataOps {
  const { engine, installationId, hooks, own, log } = c;
  return {
    async exportData(spec, out) {
      log("exportData", spec.ref);
      if (spec.installationId !== installationId) throw new ResourceConflictError("spec of another installation");
      await hooks.exportData?.(spec);
      const s = own(spec.ref);
      const volumes = dataVolumes(spec).filter((v) => !CACHE_VOLUMES.includes(v.key));
      for (const v of volumes) if (!s?.volumes.has(entryName(spec.ref, v.name))) throw new ResourceConflictError(`Volume ${v.name} does not exist.`);
      const gen = generationOf(volumes[0]?.labels);
      const hot = !!s && s.mountedGeneration === gen && s.containers.some((c) => c.service === "db" && c.running);
      for (const v of volumes) {
        const files = s!.files.get(entryName(spec.ref, v.name)) ?? new Map<string, string>();
        for (const [path, content] of files) {
          await new Promise<void>((resolve, reject) =>
            out.entry({ name: `data/${v.key}/${path}`, mode: 0o600 }, content, (err) => (err ? reject(err) : resolve())),
          );
        }
        if (v.key === DB_VOLUME)
          await new Promise<void>((resolve, reject) =>
            out.entry({ name: `data/${v.key}/.password`, mode: 0o600 }, s!.dbPassword ?? "", (err) => (err ? reject(err) : resolve())),
          );
      }
      return hot ? "hot" : "cold";
    },
    async importData(spec, entries) {
      log("importData", spec.ref);
      if (spec.installationId !== installationId) throw new ResourceConflictError("spec of another installation");
      const s = own(spec.ref) ?? engine.put({ ref: spec.ref, installation: installationId, containers: [], volumes: new Set(), network: false });
      const volumes = dataVolumes(spec);
      for (const v of volumes)
        if (s.volumes.has(entryName(spec.ref, v.name))) throw new ResourceConflictError(`Volume ${v.name} already exists; a restore fills new volumes only.`);
      for (const v of volumes) {
        s.volumes.add(entryName(spec.ref, v.name));
        s.files.set(entryName(spec.ref, v.name), new Map());
      }
      let imported: string | undefined;
      for await (const { header, body } of entries) {
        const m = /^data\/([a-z0-9-]+)\/(.*)$/.exec(header.name);
        const v = m ? volumes.find((x) => x.key === m[1]) : undefined;
        if (!m || !v) throw new InvalidStateError(`Unexpected entry ${header.name} in the backup.`);
        const chunks: Buffer[] = [];
        await pipeline(body, async function* (src: AsyncIterable<Buffer>) {
          for await (const c of src) chunks.push(c);
        });
        await hooks.importEntry?.(spec, header.name);
        if (m[2] === ".password") imported = Buffer.concat(chunks).toString("utf8");
        else s.files.get(entryName(spec.ref, v.name))!.set(m[2]!, Buffer.concat(chunks).toString("utf8"));
      }
      if (imported !== undefined) s.dbPassword = imported;
    },
    async removeGeneration(ref, generation) {
      log("removeGeneration", ref);
      const s = own(ref);
      if (!s) return 0;
      const doomed = [...s.volumes].filter((e) => e !== "metadata" && (/^g(\d+)-/.exec(e)?.[1] ?? "0") === String(generation));
      if (doomed.length && s.containers.length && s.mountedGeneration === generation)
        throw new ResourceConflictError(`Volume ${doomed[0]} is still in use by a container.`);
      for (const e of doomed) {
        s.volumes.delete(e);
        s.files.delete(e);
      }
      return doomed.length;
    },
    async upgradeData(from, to, { password }) {
      log("upgradeData", from.ref);
      if (from.installationId !== installationId || to.installationId !== installationId) throw new ResourceConflictError("spec of another installation");
      const s = own(from.ref);
      if (s?.containers.some((c) => c.running)) throw new InvalidStateError("The stack must be stopped before its data is upgraded.");
      const src = dataVolumes(from);
      for (const v of src) if (!s?.volumes.has(entryName(from.ref, v.name))) throw new ResourceConflictError(`Volume ${v.name} does not exist.`);
      const dst = dataVolumes(to);
      for (const v of dst)
        if (s!.volumes.has(entryName(to.ref, v.name))) throw new ResourceConflictError(`Volume ${v.name} already exists; a restore fills new volumes only.`);
      // As the real one: the new volumes exist from here on, whatever happens next.
      for (const v of dst) {
        s!.volumes.add(entryName(to.ref, v.name));
        s!.files.set(entryName(to.ref, v.name), new Map());
      }
      if (s!.dbPassword !== undefined && s!.dbPassword !== password)
        throw new InvalidStateError('pg_dumpall failed: password authentication failed for user "supabase_admin"');
      await hooks.upgradeData?.(from, to);
      for (const v of dst) {
        const old = src.find((x) => x.key === v.key);
        const files = new Map(old ? s!.files.get(entryName(from.ref, old.name)) : []);
        if (v.key === DB_VOLUME) files.set("PG_VERSION", `${postgresMajor(to.services.find((x) => x.service === "db")!.image) ?? 15}\n`);
        s!.files.set(entryName(to.ref, v.name), files);
      }
    },
    async runSql(ref, script, { password }) {
      log("runSql", ref);
      const s = own(ref);
      if (!s?.containers.some((c) => c.service === "db" && c.running))
        throw new ResourceConflictError(`No running db container of ${ref} belongs to this installation.`);
      if (s.dbPassword !== undefined && s.dbPassword !== password)
        throw new InvalidStateError('psql failed: password authentication failed for user "supabase_admin"');
      s.sql.push(script);
      const rotated = /ALTER ROLE supabase_admin WITH PASSWORD '([^']*)'/.exec(script);
      if (rotated) s.dbPassword = rotated[1];
      // As psql -A -t: one name per line, of the ones asked for.
      const asked = /FROM pg_extension WHERE extname IN \(([^)]*)\)/.exec(script);
      if (asked) {
        const names = [...asked[1]!.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
        return (s.extensions ?? [])
          .filter((e) => names.includes(e))
          .sort()
          .map((e) => `${e}\n`)
          .join("");
      }
      return "";
    },
  };
}
