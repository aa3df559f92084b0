// A project's Edge Functions, deployed, read, changed and deleted by its
// owner (admins do not: a function's code holds the owner's business, as its
// keys do). Files go to the project's functions volume through the
// provisioner (lib/docker/function-files.ts, layout in lib/functions/layout.ts);
// what upstream's FunctionResponse reports is in the EdgeFunction table.
//
// Writes of one project's functions are serialized by a lock of their own,
// not the project's job lock: a deploy must not wait minutes behind a start,
// and the volume is written through helpers, whether functions runs or not.
import { randomUUID } from "node:crypto";
import { EVENT } from "@/lib/domain";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { bundleOf, checkSlug, functionTar, manifestOf, MANIFEST_FILE, shimOf, templateSlugs, MAX_FILES } from "@/lib/functions/layout";
import type { DeployPart } from "@/lib/functions/multipart";
import { STAGING_DIR, newStageName } from "@/lib/docker/function-files";
import type { SessionUser } from "@/lib/auth/actor";
import { PROJECT_FOR_SPEC, specFor, type ProjectContext } from "@/lib/projects/context";
import { recordEvent } from "@/lib/projects/events";
import { JobRunner } from "@/lib/projects/jobs";
import { findOwned } from "@/lib/projects/queries";
import { functionFilesOf } from "@/lib/stack/runtime-port";

export interface EdgeFunctionRow {
  id: string;
  slug: string;
  name: string;
  version: number;
  status: string;
  verifyJwt: boolean;
  entrypointPath: string;
  importMapPath: string | null;
  sha256: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface FunctionDeploy {
  /** ?slug=; when absent, metadata.name (the CLI sends both, equal). */
  slug?: string;
  metadata: { entrypoint_path: string; import_map_path?: string; static_patterns?: string[]; verify_jwt?: boolean; name?: string };
  files: DeployPart[];
  /** The per-function size limit (SUPAFLEET_FUNCTION_MAX_MB). */
  maxBytes: number;
}

export interface FunctionPatch {
  name?: string;
  verifyJwt?: boolean;
}

/** Most functions one project keeps. */
export const MAX_FUNCTIONS = 100;

const locks = new WeakMap<ProjectContext, JobRunner>();
function functionLock<T>(ctx: ProjectContext, ref: string, fn: () => Promise<T>): Promise<T> {
  let l = locks.get(ctx);
  if (!l) locks.set(ctx, (l = new JobRunner(1)));
  return l.withLock(ref, fn);
}

async function ownedForSpec(ctx: ProjectContext, actor: SessionUser, ref: string) {
  const owned = await findOwned(ctx, actor, ref, { action: "project.content" });
  return ctx.db.project.findUniqueOrThrow({ where: { id: owned.id }, include: PROJECT_FOR_SPEC });
}

async function findFunction(ctx: ProjectContext, projectId: string, slug: string): Promise<EdgeFunctionRow> {
  const row = await ctx.db.edgeFunction.findUnique({ where: { projectId_slug: { projectId, slug } } });
  if (!row) throw new NotFoundError(`Function ${slug} not found.`);
  return row;
}

export async function listFunctions(ctx: ProjectContext, actor: SessionUser, ref: string): Promise<EdgeFunctionRow[]> {
  const p = await findOwned(ctx, actor, ref, { action: "project.read" });
  return ctx.db.edgeFunction.findMany({ where: { projectId: p.id }, orderBy: { slug: "asc" } });
}

export async function getFunction(ctx: ProjectContext, actor: SessionUser, ref: string, slug: string): Promise<EdgeFunctionRow> {
  const p = await findOwned(ctx, actor, ref, { action: "project.read" });
  return findFunction(ctx, p.id, slug);
}

/** The function's files as deployed (its paths, without Supafleet's index.ts shim and manifest). */
export async function readFunctionFiles(
  ctx: ProjectContext,
  actor: SessionUser,
  ref: string,
  slug: string,
  maxBytes: number,
): Promise<{ fn: EdgeFunctionRow; files: Array<{ path: string; content: Buffer }> }> {
  const p = await ownedForSpec(ctx, actor, ref);
  const fn = await findFunction(ctx, p.id, slug);
  const files = await functionFilesOf(ctx.provisioner).readFunction(specFor(ctx, p), slug, { maxBytes: maxBytes + 1024 * 1024, maxFiles: MAX_FILES + 2 });
  const generated = new Set([MANIFEST_FILE, ...(shimOf(fn.entrypointPath) ? ["index.ts"] : [])]);
  return { fn, files: files.filter((f) => !generated.has(f.path)).sort((a, b) => (a.path < b.path ? -1 : 1)) };
}

export async function deployFunction(ctx: ProjectContext, actor: SessionUser, ref: string, d: FunctionDeploy): Promise<EdgeFunctionRow> {
  const p = await ownedForSpec(ctx, actor, ref);
  const slug = d.slug ?? d.metadata.name;
  if (!slug) throw new ValidationError("Invalid request.", { "query.slug": ["Give the function's slug (?slug=…)."] });
  checkSlug(slug, templateSlugs(p.stackVersion), d.slug ? "query.slug" : "body.metadata.name");
  const bundle = bundleOf(
    d.files,
    { entrypointPath: d.metadata.entrypoint_path, importMapPath: d.metadata.import_map_path || null },
    { maxBytes: d.maxBytes, maxFiles: MAX_FILES },
  );
  return functionLock(ctx, p.ref, async () => {
    const existing = await ctx.db.edgeFunction.findUnique({ where: { projectId_slug: { projectId: p.id, slug } } });
    if (!existing && (await ctx.db.edgeFunction.count({ where: { projectId: p.id } })) >= MAX_FUNCTIONS)
      throw new ValidationError("Invalid request.", { "query.slug": [`A project keeps at most ${MAX_FUNCTIONS} functions; delete one first.`] });
    const version = (existing?.version ?? 0) + 1;
    const verifyJwt = d.metadata.verify_jwt ?? existing?.verifyJwt ?? true;
    const stage = newStageName();
    const manifest = { ...manifestOf(slug, version, verifyJwt, bundle), static_patterns: d.metadata.static_patterns ?? [] };
    await functionFilesOf(ctx.provisioner).writeFunction(specFor(ctx, p), slug, stage, await functionTar(`${STAGING_DIR}/${stage}`, bundle, manifest));
    const data = {
      name: d.metadata.name || existing?.name || slug,
      version,
      status: "ACTIVE",
      verifyJwt,
      entrypointPath: bundle.entrypointPath,
      importMapPath: bundle.importMapPath,
      sha256: bundle.sha256,
    };
    const row = existing
      ? await ctx.db.edgeFunction.update({ where: { id: existing.id }, data })
      : await ctx.db.edgeFunction.create({ data: { id: randomUUID(), projectId: p.id, slug, ...data } });
    await recordEvent(ctx.db, p, "INFO", EVENT.functionDeployed, `Function ${slug} deployed (version ${version}, ${bundle.files.length} files)`, {
      slug,
      version,
      bytes: bundle.totalBytes,
    });
    return row;
  });
}

/** Changes a function's name or verify_jwt; verify_jwt is rewritten into its manifest, where a router reads it. */
export async function updateFunction(ctx: ProjectContext, actor: SessionUser, ref: string, slug: string, patch: FunctionPatch): Promise<EdgeFunctionRow> {
  const p = await ownedForSpec(ctx, actor, ref);
  return functionLock(ctx, p.ref, async () => {
    const fn = await findFunction(ctx, p.id, slug);
    if (patch.verifyJwt !== undefined && patch.verifyJwt !== fn.verifyJwt) {
      const spec = specFor(ctx, p);
      const files = await functionFilesOf(ctx.provisioner).readFunction(spec, slug, { maxBytes: 1024 * 1024 * 1024, maxFiles: MAX_FILES + 2 });
      const manifestFile = files.find((f) => f.path === MANIFEST_FILE);
      const manifest = manifestFile
        ? { ...(JSON.parse(manifestFile.content.toString("utf8")) as Record<string, unknown>), verify_jwt: patch.verifyJwt }
        : manifestOf(slug, fn.version, patch.verifyJwt, fn);
      const generated = new Set([MANIFEST_FILE, ...(shimOf(fn.entrypointPath) ? ["index.ts"] : [])]);
      const kept = files.filter((f) => !generated.has(f.path));
      const stage = newStageName();
      const tar = await functionTar(`${STAGING_DIR}/${stage}`, { files: kept, entrypointPath: fn.entrypointPath }, manifest as ReturnType<typeof manifestOf>);
      await functionFilesOf(ctx.provisioner).writeFunction(spec, slug, stage, tar);
    }
    return ctx.db.edgeFunction.update({
      where: { id: fn.id },
      data: { ...(patch.name !== undefined ? { name: patch.name } : {}), ...(patch.verifyJwt !== undefined ? { verifyJwt: patch.verifyJwt } : {}) },
    });
  });
}

export async function deleteFunction(ctx: ProjectContext, actor: SessionUser, ref: string, slug: string): Promise<EdgeFunctionRow> {
  const p = await ownedForSpec(ctx, actor, ref);
  return functionLock(ctx, p.ref, async () => {
    const fn = await findFunction(ctx, p.id, slug);
    await functionFilesOf(ctx.provisioner).removeFunction(specFor(ctx, p), slug);
    await ctx.db.edgeFunction.delete({ where: { id: fn.id } });
    await recordEvent(ctx.db, p, "INFO", EVENT.functionDeleted, `Function ${slug} deleted`, { slug });
    return fn;
  });
}
