// The fake engine's Edge Function file operations (the FunctionFiles port of
// lib/stack/runtime-port.ts: writeFunction, removeFunction, readFunction), as strict as the real ones
// (lib/docker/function-files.ts): the spec's functions volume must exist, the
// tar must hold the staged tree under .supafleet-staging/<stage>/, and main/
// is never touched. Files are kept in FakeStack.files under the volume's entry.
import { Readable } from "node:stream";
import { extract } from "tar-stream";
import { InvalidStateError, ResourceConflictError } from "@/lib/errors";
import { FUNCTIONS_ROOT, SLUG_PATTERN } from "@/lib/functions/layout";
import type { FunctionFiles } from "@/lib/stack/runtime-port";
import type { StackSpec } from "@/lib/stack/types";
import { entryName } from "@/test/support/fake-data-ops";
import type { FakeStack } from "@/test/support/fake-provisioner";

async function untar(tar: Buffer): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const ex = extract();
  ex.on("entry", (header, body, next) => {
    const chunks: Buffer[] = [];
    body.on("data", (d: unknown) => {
      if (Buffer.isBuffer(d)) chunks.push(d);
    });
    body.on("end", () => {
      if (header.type === "file") out.set(header.name, Buffer.concat(chunks));
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    ex.on("finish", resolve);
    ex.on("error", reject);
    Readable.from([tar]).pipe(ex);
  });
  return out;
}

export function fakeFunctionOps(c: {
  installationId: string;
  own: (ref: string) => FakeStack | undefined;
  log: (op: string, ref: string) => void;
}): FunctionFiles {
  const volumeOf = (spec: StackSpec, slug: string): Map<string, string> => {
    if (spec.installationId !== c.installationId) throw new ResourceConflictError("spec of another installation");
    if (!SLUG_PATTERN.test(slug) || slug === "main") throw new InvalidStateError(`Refusing to touch functions directory "${slug}".`);
    const mount = spec.services.find((s) => s.service === "functions")?.mounts.find((m) => m.type === "volume" && m.target === FUNCTIONS_ROOT);
    if (!mount || mount.type !== "volume") throw new InvalidStateError("no functions volume");
    const s = c.own(spec.ref);
    const entry = entryName(spec.ref, mount.source);
    if (!s?.volumes.has(entry)) throw new InvalidStateError("The project's functions volume does not exist yet: deploy once the project has started.");
    let files = s.files.get(entry);
    if (!files) s.files.set(entry, (files = new Map()));
    return files;
  };
  const drop = (files: Map<string, string>, slug: string) => {
    for (const k of [...files.keys()]) if (k.startsWith(`${slug}/`)) files.delete(k);
  };
  return {
    async writeFunction(spec, slug, stage, tar) {
      c.log("writeFunction", spec.ref);
      const files = volumeOf(spec, slug);
      const prefix = `.supafleet-staging/${stage}/`;
      const entries = await untar(tar);
      for (const name of entries.keys()) if (!name.startsWith(prefix)) throw new InvalidStateError(`tar entry outside the staging directory: ${name}`);
      drop(files, slug);
      for (const [name, content] of entries) files.set(`${slug}/${name.slice(prefix.length)}`, content.toString("latin1"));
    },
    async removeFunction(spec, slug) {
      c.log("removeFunction", spec.ref);
      drop(volumeOf(spec, slug), slug);
    },
    async readFunction(spec, slug) {
      c.log("readFunction", spec.ref);
      const files = volumeOf(spec, slug);
      return [...files.entries()]
        .filter(([k]) => k.startsWith(`${slug}/`))
        .map(([k, v]) => ({ path: k.slice(slug.length + 1), content: Buffer.from(v, "latin1") }));
    },
  };
}
