// A project's Edge Functions secrets, read and changed by its owner (as its
// Auth settings and keys: admins do not read them). Saving seals them
// (lib/functions/secrets.ts), then makes only the functions container again
// when the project runs (lib/projects/functions-restart.ts); a paused project
// gets them at its next start. Values are never logged, never returned.
import { InvalidStateError, ValidationError } from "@/lib/errors";
import {
  MAX_FUNCTION_SECRETS,
  openFunctionSecrets,
  reservedSecretName,
  sealFunctionSecrets,
  secretDigest,
  type FunctionSecrets,
} from "@/lib/functions/secrets";
import { loadTemplate } from "@/lib/stack/template";
import type { SessionUser } from "@/lib/auth/actor";
import type { ProjectContext } from "@/lib/projects/context";
import { onlyFunctionsRestartRuns, scheduleFunctionsRestart } from "@/lib/projects/functions-restart";
import { FUNCTION_SECRETS, recordSettingsSaved } from "@/lib/projects/service-settings";
import { findOwned } from "@/lib/projects/queries";

export interface FunctionSecretView {
  name: string;
  /** Hex SHA-256 of the value. */
  digest: string;
  updatedAt: string;
}

export async function listFunctionSecrets(ctx: ProjectContext, actor: SessionUser, ref: string): Promise<FunctionSecretView[]> {
  const p = await findOwned(ctx, actor, ref, { action: "project.content" });
  const secrets = openFunctionSecrets(ctx.config.masterKey, p.ref, p.functionSecrets);
  return Object.entries(secrets)
    .map(([name, s]) => ({ name, digest: secretDigest(s.value), updatedAt: s.updatedAt }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The variables the project's template gives its functions container (secrets may not replace them). */
function templateFunctionEnv(stackVersion: string): Set<string> {
  return new Set(Object.keys(loadTemplate(stackVersion).compose.services.functions?.environment ?? {}));
}

/** Sets (adds or replaces) the given secrets; the others stay. */
export async function setFunctionSecrets(ctx: ProjectContext, actor: SessionUser, ref: string, items: Array<{ name: string; value: string }>): Promise<void> {
  await change(ctx, actor, ref, (p, secrets) => {
    const reserved = templateFunctionEnv(p.stackVersion);
    const errors: Record<string, string[]> = {};
    items.forEach((item, i) => {
      const why = reservedSecretName(item.name, reserved);
      if (why) errors[`body.${i}.name`] = [why];
    });
    if (Object.keys(errors).length) throw new ValidationError("Invalid request.", errors);
    const now = new Date().toISOString();
    // The last of a name given twice wins, as environment files do.
    for (const { name, value } of items) secrets[name] = { value, updatedAt: now };
    if (Object.keys(secrets).length > MAX_FUNCTION_SECRETS)
      throw new ValidationError("Invalid request.", { body: [`A project keeps at most ${MAX_FUNCTION_SECRETS} secrets.`] });
    return items.length > 0;
  });
}

/** Removes the named secrets; names that are not set are ignored. */
export async function deleteFunctionSecrets(ctx: ProjectContext, actor: SessionUser, ref: string, names: string[]): Promise<void> {
  await change(ctx, actor, ref, (_p, secrets) => {
    let changed = false;
    for (const name of names)
      if (name in secrets) {
        delete secrets[name];
        changed = true;
      }
    return changed;
  });
}

type OwnedProject = Awaited<ReturnType<typeof findOwned>>;

async function change(ctx: ProjectContext, actor: SessionUser, ref: string, edit: (p: OwnedProject, secrets: FunctionSecrets) => boolean): Promise<void> {
  await ctx.jobs.withLock(ref, async () => {
    const p = await findOwned(ctx, actor, ref, { action: "project.content" });
    // A restart for earlier secrets may be under way: this save queues behind it. Anything else (a start, an upgrade) is refused.
    if (ctx.jobs.has(ref) && !onlyFunctionsRestartRuns(ctx, ref))
      throw new InvalidStateError("The project is busy (starting, upgrading or applying settings); try again when it is done.");
    const secrets = openFunctionSecrets(ctx.config.masterKey, p.ref, p.functionSecrets);
    // Nothing changed: nothing saved, functions not restarted for nothing.
    if (!edit(p, secrets)) return;
    await ctx.db.project.update({ where: { id: p.id }, data: { functionSecrets: sealFunctionSecrets(ctx.config.masterKey, p.ref, secrets) } });
    // Names only: values never reach the event log.
    const running = await recordSettingsSaved(ctx, p, FUNCTION_SECRETS, { names: Object.keys(secrets).sort() });
    if (running) scheduleFunctionsRestart(ctx, p);
  });
}
