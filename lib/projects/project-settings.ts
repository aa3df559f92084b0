// A project's own settings that are not its stack: its display name, its
// organization, and the
// per-project limits the Management API reports (Storage's file size limit,
// fixed from the owner's plan when the project was made).
import { EVENT } from "@/lib/domain";
import { parseOrThrow, type SessionUser } from "@/lib/auth/actor";
import { renameProjectSchema, transferProjectSchema } from "@/lib/validations/project";
import { ensurePersonalOrganization, requireRole } from "@/lib/orgs/membership";
import { findOwned } from "@/lib/projects/queries";
import { recordEvent } from "@/lib/projects/events";
import type { ProjectContext } from "@/lib/projects/context";
import { DEFAULT_FILE_SIZE_LIMIT_BYTES } from "@/lib/stack/build-stack-spec";
import { InvalidStateError, ValidationError } from "@/lib/errors";
import { budgetForUser } from "@/lib/projects/admission";
import { applySettings, recordSettingsSaved, STORAGE_SETTINGS } from "@/lib/projects/service-settings";
import { organizationOf } from "@/lib/orgs/access";

const MIB = 1024 * 1024;

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

/**
 * Moves the project to another organization: the actor must be an Owner or
 * Administrator of both (may change its settings here, may create projects
 * there). Only who may act on it changes: its ref, data, secrets and stack stay.
 */
export async function transferProject(ctx: ProjectContext, actor: SessionUser, input: unknown): Promise<{ ref: string; organizationId: string }> {
  const { ref, organization } = parseOrThrow(transferProjectSchema, input);
  return ctx.jobs.withLock(ref, async () => {
    const p = await findOwned(ctx, actor, ref, { action: "project.settings" });
    const from = organizationOf(p);
    if (from === organization) return { ref, organizationId: from };
    await ctx.db.$transaction(async (tx) => {
      if (organization === actor.id) await ensurePersonalOrganization(tx, actor);
      else await requireRole(tx, organization, actor.id, "project.create");
      await tx.project.update({ where: { id: p.id }, data: { organizationId: organization } });
    });
    await recordEvent(ctx.db, p, "INFO", EVENT.projectTransferred, `Moved from organization ${from} to ${organization}.`);
    return { ref, organizationId: organization };
  });
}

/** Storage's limits for the project (owner only). */
export async function storageLimits(ctx: ProjectContext, actor: SessionUser, ref: string): Promise<{ fileSizeLimitBytes: number }> {
  const p = await findOwned(ctx, actor, ref, { action: "project.read" });
  // The same number the stack spec gives Storage as FILE_SIZE_LIMIT.
  return { fileSizeLimitBytes: p.fileSizeLimitMb != null ? p.fileSizeLimitMb * 1024 * 1024 : DEFAULT_FILE_SIZE_LIMIT_BYTES };
}

/**
 * Sets Storage's file size limit (owner only): a whole number of MiB, at
 * least 1 MiB and at most the owner's plan's limit (the template's default
 * without one). Storage alone is made again when the project runs. An
 * administrator's later change of the plan sets every project of it again.
 */
export async function setFileSizeLimit(ctx: ProjectContext, actor: SessionUser, ref: string, bytes: number): Promise<{ fileSizeLimitBytes: number }> {
  return ctx.jobs.withLock(ref, async () => {
    const p = await findOwned(ctx, actor, ref);
    const plan = await budgetForUser(ctx.db, p.ownerId);
    const maxBytes = plan.fileSizeLimitMb != null ? plan.fileSizeLimitMb * MIB : DEFAULT_FILE_SIZE_LIMIT_BYTES;
    if (!Number.isSafeInteger(bytes) || bytes < MIB || bytes % MIB !== 0 || bytes > maxBytes)
      throw new ValidationError("Invalid file size limit.", {
        "body.fileSizeLimit": [`Use a whole number of MiB (a multiple of ${MIB} bytes) from 1 MiB to your plan's ${maxBytes / MIB} MiB.`],
      });
    const current = p.fileSizeLimitMb != null ? p.fileSizeLimitMb * MIB : DEFAULT_FILE_SIZE_LIMIT_BYTES;
    if (bytes === current) return { fileSizeLimitBytes: bytes };
    if (ctx.jobs.has(ref)) throw new InvalidStateError("The project is busy (starting, upgrading or applying settings); try again when it is done.");
    await ctx.db.project.update({ where: { id: p.id }, data: { fileSizeLimitMb: bytes / MIB } });
    const running = await recordSettingsSaved(ctx, p, STORAGE_SETTINGS, { fileSizeLimitMb: bytes / MIB });
    if (running) ctx.jobs.start(p.ref, (signal) => applySettings(ctx, p.id, STORAGE_SETTINGS, signal));
    return { fileSizeLimitBytes: bytes };
  });
}
