// How a deployed function lies in the project's functions volume, which the
// template mounts at /home/deno/functions in the functions service, and the
// checks every slug and path passes before anything is written.
//
// /home/deno/functions/<slug>/
//   <each file at the path the deploy gave it>   e.g. supabase/functions/hello/index.ts
//   index.ts                   only when the entrypoint is elsewhere: `import "./<entrypoint>";`
//   .supafleet-function.json   the function's settings, for the router (FunctionManifest)
//
// The template's router (volumes/functions/main/index.ts, as upstream's
// supabase/supabase docker/volumes/functions/main/index.ts) runs
// /home/deno/functions/<name> for /functions/v1/<name>, and the runtime starts
// a service path at its index.ts; the paths as given keep relative imports
// (../_shared/cors.ts) working inside the function's own directory.
import { createHash } from "node:crypto";
import { pack } from "tar-stream";
import { ValidationError } from "@/lib/errors";
import { loadTemplate } from "@/lib/stack/template";
import type { DeployPart } from "@/lib/functions/multipart";

export const FUNCTIONS_ROOT = "/home/deno/functions";
export const MANIFEST_FILE = ".supafleet-function.json";
/** Upstream's slug pattern for deploy (openapi.json V1DeployAFunctionParams / BulkUpdateFunctionBody). */
export const SLUG_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;
export const MAX_SLUG_LENGTH = 64;
export const MAX_PATH_LENGTH = 512;
export const MAX_FILES = 1000;

/** What a router reads to serve /functions/v1/<slug> as deployed (see the report in README "Edge Functions"). */
export interface FunctionManifest {
  slug: string;
  version: number;
  /** Check the caller's JWT before running the function. */
  verify_jwt: boolean;
  /** Absolute path of the entrypoint inside the functions container. */
  entrypoint: string;
  /** Absolute path of the import map (deno.json or import_map.json), or null. */
  import_map: string | null;
  static_patterns: string[];
}

/**
 * The slugs the template itself puts in the volume (main, the router; hello,
 * its example): they are written again at every start, so a deploy there
 * would be lost, and main must never be replaced.
 */
export function templateSlugs(stackVersion: string): Set<string> {
  const svc = loadTemplate(stackVersion).compose.services.functions;
  const out = new Set<string>(["main"]);
  for (const entry of [...(svc?.files ?? []), ...(svc?.volumes ?? [])]) {
    const target = entry.split(":")[1] ?? "";
    const m = new RegExp(`^${FUNCTIONS_ROOT}/([^/]+)/`).exec(target);
    if (m?.[1]) out.add(m[1]);
  }
  return out;
}

export function checkSlug(slug: string, reserved: ReadonlySet<string>, field = "query.slug"): void {
  const why = !SLUG_PATTERN.test(slug)
    ? "Use a letter, then letters, digits, _ or - (upstream's pattern ^[A-Za-z][A-Za-z0-9_-]*$)."
    : slug.length > MAX_SLUG_LENGTH
      ? `At most ${MAX_SLUG_LENGTH} characters.`
      : reserved.has(slug)
        ? `"${slug}" belongs to the platform (${slug === "main" ? "the functions router" : "the template's example"}); choose another slug.`
        : null;
  if (why) throw new ValidationError("Invalid request.", { [field]: [why] });
}

/**
 * A client's file path as a clean relative path, or a reason it is refused:
 * no absolute paths, no "..", no empty or "." segments, no backslashes or
 * control characters, nothing of Supafleet's own (.supafleet*).
 */
export function cleanPath(raw: string): { path: string } | { error: string } {
  const p = raw.startsWith("./") ? raw.slice(2) : raw;
  if (p.length === 0 || p.length > MAX_PATH_LENGTH) return { error: `A path must have 1 to ${MAX_PATH_LENGTH} characters.` };
  if (/[\x00-\x1f\x7f\\]/.test(p)) return { error: "A path must not contain backslashes or control characters." };
  if (p.startsWith("/") || /^[A-Za-z]:/.test(p)) return { error: "A path must be relative." };
  const segments = p.split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) return { error: 'A path must not contain "..", "." or empty segments.' };
  if (segments.some((s) => s.startsWith(".supafleet"))) return { error: "Names starting with .supafleet are reserved." };
  return { path: p };
}

export interface FunctionBundle {
  files: Array<{ path: string; content: Buffer }>;
  entrypointPath: string;
  importMapPath: string | null;
  /** SHA-256 over the sorted paths and contents. */
  sha256: string;
  totalBytes: number;
}

/** Checks a deploy's files against its entrypoint and import map; every problem is named. */
export function bundleOf(
  parts: DeployPart[],
  meta: { entrypointPath: string; importMapPath: string | null },
  limits: { maxBytes: number; maxFiles: number },
): FunctionBundle {
  const errors: Record<string, string[]> = {};
  const add = (k: string, m: string) => (errors[k] ??= []).push(m);
  if (parts.length > limits.maxFiles) add("body.file", `At most ${limits.maxFiles} files per function.`);
  const byPath = new Map<string, Buffer>();
  let total = 0;
  parts.forEach((part, i) => {
    const c = cleanPath(part.path);
    if ("error" in c) return add(`body.file.${i}`, `${JSON.stringify(part.path.slice(0, 100))}: ${c.error}`);
    total += part.content.length;
    // A file sent twice (an import map and a static file) keeps its last copy, as the CLI uploads the same bytes.
    byPath.set(c.path, part.content);
  });
  if (total > limits.maxBytes) add("body.file", `The function's files are ${total} bytes; the limit is ${limits.maxBytes}.`);
  const entry = cleanPath(meta.entrypointPath);
  if ("error" in entry) add("body.metadata.entrypoint_path", entry.error);
  else if (!byPath.has(entry.path)) add("body.metadata.entrypoint_path", "No file part carries the entrypoint.");
  let importMapPath: string | null = null;
  if (meta.importMapPath) {
    const im = cleanPath(meta.importMapPath);
    if ("error" in im) add("body.metadata.import_map_path", im.error);
    else if (!byPath.has(im.path)) add("body.metadata.import_map_path", "No file part carries the import map.");
    else importMapPath = im.path;
  }
  if ("path" in entry && entry.path !== "index.ts" && byPath.has("index.ts"))
    add("body.file", "A file index.ts at the top is only allowed when it is the entrypoint (Supafleet starts the function from index.ts).");
  if (Object.keys(errors).length) throw new ValidationError("Invalid request.", errors);
  const files = [...byPath.entries()].map(([path, content]) => ({ path, content })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const hash = createHash("sha256");
  for (const f of files) hash.update(`${f.path}\0${f.content.length}\0`).update(f.content);
  return { files, entrypointPath: (entry as { path: string }).path, importMapPath, sha256: hash.digest("hex"), totalBytes: total };
}

export function manifestOf(slug: string, version: number, verifyJwt: boolean, b: Pick<FunctionBundle, "entrypointPath" | "importMapPath">): FunctionManifest {
  const dir = `${FUNCTIONS_ROOT}/${slug}`;
  return {
    slug,
    version,
    verify_jwt: verifyJwt,
    entrypoint: `${dir}/${b.entrypointPath}`,
    import_map: b.importMapPath ? `${dir}/${b.importMapPath}` : null,
    static_patterns: [],
  };
}

/** The generated index.ts of a function whose entrypoint is elsewhere; null when the entrypoint is index.ts. */
export function shimOf(entrypointPath: string): string | null {
  return entrypointPath === "index.ts"
    ? null
    : `// Written by Supafleet: the runtime starts a function at its index.ts.\nimport ${JSON.stringify(`./${entrypointPath}`)};\n`;
}

/** A tar of the function's directory under `prefix` (directories first, root-owned, 0644/0755). */
export async function functionTar(prefix: string, b: Pick<FunctionBundle, "files" | "entrypointPath">, manifest: FunctionManifest): Promise<Buffer> {
  const tar = pack();
  const mtime = new Date();
  const dirs = new Set<string>();
  const entries: Array<{ path: string; content: Buffer }> = [...b.files];
  const shim = shimOf(b.entrypointPath);
  if (shim) entries.push({ path: "index.ts", content: Buffer.from(shim) });
  entries.push({ path: MANIFEST_FILE, content: Buffer.from(JSON.stringify(manifest, null, 2) + "\n") });
  const parts = prefix.split("/");
  for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  for (const e of entries) {
    const segs = e.path.split("/");
    for (let i = 1; i < segs.length; i++) dirs.add(`${prefix}/${segs.slice(0, i).join("/")}`);
  }
  for (const d of [...dirs].sort()) tar.entry({ name: `${d}/`, type: "directory", mode: 0o755, uid: 0, gid: 0, mtime });
  for (const e of entries) tar.entry({ name: `${prefix}/${e.path}`, mode: 0o644, uid: 0, gid: 0, mtime, size: e.content.length }, e.content);
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
