// Settings that one service of the stack alone reads: Auth settings (auth),
// Edge Function secrets (functions) and the file size limit (storage). A save is recorded; when the project runs,
// only that service is made again from the new spec (the caller schedules it
// under the project's job lock); a paused project gets them at its next start.
import { ACTIVE_STATUSES, EVENT, isStatusIn, type EventKind } from "@/lib/domain";
import { describeError } from "@/lib/errors";
import { PROJECT_FOR_SPEC, setStatus, specFor, type ProjectContext } from "@/lib/projects/context";
import { projectEventSink, recordEvent } from "@/lib/projects/events";

export interface ServiceSettings {
  service: "auth" | "functions" | "storage" | "supavisor";
  /** What is saved, as the event log names it. */
  what: string;
  saved: EventKind;
  applied: EventKind;
  applyFailed: EventKind;
  /** The log line once the service runs them. */
  appliedMessage: string;
  /** The status reason, before the error, when the service did not come back. */
  failedReason: string;
}

export const AUTH_SETTINGS: ServiceSettings = {
  service: "auth",
  what: "Auth settings",
  saved: EVENT.authSettingsSaved,
  applied: EVENT.authRestartSucceeded,
  applyFailed: EVENT.authRestartFailed,
  appliedMessage: "auth runs the new settings",
  failedReason: "Auth did not come back with the new settings",
};

export const FUNCTION_SECRETS: ServiceSettings = {
  service: "functions",
  what: "Edge Function secrets",
  saved: EVENT.functionSecretsSaved,
  applied: EVENT.functionsRestartSucceeded,
  applyFailed: EVENT.functionsRestartFailed,
  appliedMessage: "functions runs with the new secrets",
  failedReason: "Functions did not come back with the new secrets",
};

export const STORAGE_SETTINGS: ServiceSettings = {
  service: "storage",
  what: "Storage file size limit",
  saved: EVENT.storageSettingsSaved,
  applied: EVENT.storageRestartSucceeded,
  applyFailed: EVENT.storageRestartFailed,
  appliedMessage: "storage runs with the new file size limit",
  failedReason: "Storage did not come back with the new file size limit",
};

/** Records a save; true when the project runs, so the caller makes the service again now. */
export async function recordSettingsSaved(
  ctx: ProjectContext,
  p: { id: string; ref: string; status: string },
  s: ServiceSettings,
  data?: Record<string, unknown>,
): Promise<boolean> {
  const running = isStatusIn(p.status, ACTIVE_STATUSES);
  const message = running ? `${s.what} saved; restarting ${s.service} only` : `${s.what} saved; they apply when the project starts`;
  await recordEvent(ctx.db, p, "INFO", s.saved, message, data);
  return running;
}

/** Makes only the service again from the project's row as it is now; if it does not come back, the project is ACTIVE_UNHEALTHY with the reason. */
export async function applySettings(ctx: ProjectContext, projectId: string, s: ServiceSettings, signal: AbortSignal): Promise<void> {
  const p = await ctx.db.project.findUniqueOrThrow({ where: { id: projectId }, include: PROJECT_FOR_SPEC });
  const onEvent = projectEventSink(ctx.db, p, { service: s.service });
  try {
    await ctx.provisioner.replaceService(specFor(ctx, p), s.service, { onEvent, signal });
    await recordEvent(ctx.db, p, "INFO", s.applied, s.appliedMessage);
  } catch (err) {
    const reason = describeError(err);
    await recordEvent(ctx.db, p, "ERROR", s.applyFailed, reason);
    await setStatus(ctx, p.id, "ACTIVE_UNHEALTHY", `${s.failedReason}: ${reason}`);
  }
}
