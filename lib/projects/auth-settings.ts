// A project's Auth settings (site URL, redirect URLs, confirm email, SMTP):
// read and saved by its owner. Saving stores the settings (the SMTP password
// inside the encrypted secrets), then makes only the `auth` container again
// from the new spec when the project runs; a paused project gets them at its
// next start. Nothing else of the stack is touched.
import { STATUS } from "@/lib/domain";
import { InvalidStateError } from "@/lib/errors";
import { encryptSecrets } from "@/lib/crypto/secret-box";
import { DEFAULT_AUTH_SETTINGS, type AuthSettings } from "@/lib/stack/auth-config";
import type { ProjectSecrets } from "@/lib/stack/secrets";
import type { SessionUser } from "@/lib/auth/actor";
import { parseOrThrow } from "@/lib/auth/actor";
import { authSettingsSchema } from "@/lib/validations/auth-settings";
import { authSettingsOf, secretsOf, type ProjectContext } from "@/lib/projects/context";
import { applySettings, AUTH_SETTINGS, recordSettingsSaved } from "@/lib/projects/service-settings";
import { findOwned, refusal, scopeWhere } from "@/lib/projects/queries";

export interface AuthSettingsView {
  settings: AuthSettings;
  /** A password is stored (it is never shown again). */
  smtpPasswordSet: boolean;
  /** Whether the project's auth container runs the saved settings yet ("applying" while it is being made again). */
  applied: boolean;
}

/** The owner's view (never the admin console: it holds the SMTP account). */
export async function getAuthSettings(ctx: ProjectContext, actor: SessionUser, ref: string): Promise<AuthSettingsView> {
  const p = await ctx.db.project.findFirst({ where: { ...scopeWhere(actor, ref), status: { not: STATUS.REMOVED } } });
  if (!p) throw await refusal(ctx, actor, ref);
  const secrets = secretsOf(ctx, p);
  return { settings: authSettingsOf(p) ?? DEFAULT_AUTH_SETTINGS, smtpPasswordSet: Boolean(secrets.smtpPassword), applied: !ctx.jobs.has(ref) };
}

export async function saveAuthSettings(ctx: ProjectContext, actor: SessionUser, ref: string, input: unknown): Promise<AuthSettingsView> {
  const parsed = parseOrThrow(authSettingsSchema, input);
  return ctx.jobs.withLock(ref, async () => {
    // Owner only: an admin acting for a user does not get to read or set their SMTP account.
    const p = await findOwned(ctx, actor, ref);
    if (ctx.jobs.has(ref)) throw new InvalidStateError("The project is busy (starting, upgrading or applying settings); try again when it is done.");
    const secrets = secretsOf(ctx, p);
    const password = parsed.smtp ? (parsed.smtp.password ? parsed.smtp.password : secrets.smtpPassword) : undefined;
    if (parsed.smtp && !password) throw new InvalidStateError("Enter the SMTP password.");
    const settings: AuthSettings = {
      siteUrl: parsed.siteUrl,
      redirectUrls: parsed.redirectUrls,
      confirmEmail: parsed.confirmEmail,
      phoneSignup: parsed.phoneSignup,
      phoneAutoconfirm: parsed.phoneSignup && parsed.phoneAutoconfirm,
      smtp: parsed.smtp
        ? {
            host: parsed.smtp.host,
            port: parsed.smtp.port,
            user: parsed.smtp.user,
            senderEmail: parsed.smtp.senderEmail,
            ...(parsed.smtp.senderName ? { senderName: parsed.smtp.senderName } : {}),
          }
        : null,
    };
    const next: ProjectSecrets = { ...secrets };
    if (password) next.smtpPassword = password;
    else delete next.smtpPassword;
    await ctx.db.project.update({
      where: { id: p.id },
      data: { authSettings: JSON.stringify(settings), secrets: encryptSecrets(ctx.config.masterKey, p.ref, JSON.stringify(next)) },
    });
    const running = await recordSettingsSaved(ctx, p, AUTH_SETTINGS);
    if (running) ctx.jobs.start(p.ref, (signal) => applySettings(ctx, p.id, AUTH_SETTINGS, signal));
    return { settings, smtpPasswordSet: Boolean(password), applied: !running };
  });
}
