// A project's own settings that are not its stack: its display name, and the
// per-project limits the Management API reports (Storage's file size limit,
// fixed from the owner's plan when the project was made).
import { EVENT } from "@/lib/domain";
import { parseOrThrow, type SessionUser } from "@/lib/auth/actor";
import { renameProjectSchema } from "@/lib/validations/project";
import { findOwned } from "@/lib/projects/queries";
import { recordEvent } from "@/lib/projects/events";
import type { ProjectContext } from "@/lib/projects/context";
import { DEFAULT_FILE_SIZE_LIMIT_BYTES } from "@/lib/stack/build-stack-spec";

/** Renames the project (owner only): the name is a label; nothing in the stack uses it, so nothing restarts. */
export async function renameProject(ctx: ProjectContext, actor: SessionUser, input: unknown): Promise<{ ref: string; name: string }> {
  const { ref, name } = parseOrThrow(renameProjectSchema, input);
  const p = await findOwned(ctx, actor, ref);
  if (p.name !== name) {
    await ctx.db.project.update({ where: { id: p.id }, data: { name } });
    await recordEvent(ctx.db, p, "INFO", EVENT.projectRenamed, `Renamed from "${p.name}" to "${name}".`);
  }
  return { ref: p.ref, name };
}

/** Storage's limits for the project (owner only). */
export async function storageLimits(ctx: ProjectContext, actor: SessionUser, ref: string): Promise<{ fileSizeLimitBytes: number }> {
  const p = await findOwned(ctx, actor, ref);
  // The same number the stack spec gives Storage as FILE_SIZE_LIMIT.
  return { fileSizeLimitBytes: p.fileSizeLimitMb != null ? p.fileSizeLimitMb * 1024 * 1024 : DEFAULT_FILE_SIZE_LIMIT_BYTES };
}
