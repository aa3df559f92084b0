// GET/PATCH /v1/projects/{ref}/config/auth on top of the per-project Auth
// settings the project page edits (lib/projects/auth-settings.ts), in the
// names and types of Supabase's AuthConfigResponse / UpdateAuthConfigBody.
// Pure: the mapping both ways, and the merge of a PATCH into what is stored.
//
// Upstream's PATCH changes only the fields it is given; Supafleet's service
// saves a whole settings object. So a PATCH is merged into the current
// settings here, then checked with the project page's own rules
// (authSettingsSchema), and each problem is reported under the upstream field
// name the client sent.
import type { z } from "zod";
import { ValidationError } from "@/lib/errors";
import type { AuthSettingsView } from "@/lib/projects/auth-settings";
import { authSettingsSchema, type AuthSettingsInput, type AuthSettingsParsed } from "@/lib/validations/auth-settings";
import type { authConfigSchema, AuthConfigField, UpdateAuthConfigBody } from "@/lib/api/auth-config-schemas";

export type V1AuthConfig = z.output<typeof authConfigSchema>;

/** The stored settings in upstream's shape. The SMTP password is never returned. */
export function v1AuthConfig(view: Pick<AuthSettingsView, "settings">): V1AuthConfig {
  const s = view.settings;
  return {
    site_url: s.siteUrl,
    uri_allow_list: s.redirectUrls.join(","),
    // What the auth container runs (lib/stack/auth-config.ts): confirmation only with SMTP.
    mailer_autoconfirm: !(s.confirmEmail && s.smtp !== null),
    external_phone_enabled: s.phoneSignup ?? false,
    sms_autoconfirm: (s.phoneSignup ?? false) && (s.phoneAutoconfirm ?? false),
    smtp_admin_email: s.smtp?.senderEmail ?? null,
    smtp_host: s.smtp?.host ?? null,
    smtp_port: s.smtp ? String(s.smtp.port) : null,
    smtp_user: s.smtp?.user ?? null,
    smtp_pass: null,
    smtp_sender_name: s.smtp?.senderName ?? null,
  };
}

const SMTP_FIELDS = ["smtp_admin_email", "smtp_host", "smtp_port", "smtp_user", "smtp_pass", "smtp_sender_name"] as const satisfies readonly AuthConfigField[];

const blank = (v: string | null | undefined): boolean => v === null || v === undefined || v.trim() === "";

/** Where each field of the service's settings comes from in upstream's body (for error messages). */
function upstreamField(path: readonly PropertyKey[]): AuthConfigField {
  const [top, sub] = path.map(String);
  if (top === "siteUrl") return "site_url";
  if (top === "redirectUrls") return "uri_allow_list";
  if (top === "confirmEmail") return "mailer_autoconfirm";
  if (top === "phoneSignup") return "external_phone_enabled";
  if (top === "phoneAutoconfirm") return "sms_autoconfirm";
  const smtp: Record<string, AuthConfigField> = {
    host: "smtp_host",
    port: "smtp_port",
    user: "smtp_user",
    password: "smtp_pass",
    senderEmail: "smtp_admin_email",
    senderName: "smtp_sender_name",
  };
  return (sub && smtp[sub]) || "smtp_host";
}

function mergeSmtp(view: AuthSettingsView, patch: UpdateAuthConfigBody, errors: Record<string, string[]>): AuthSettingsInput["smtp"] {
  const cur = view.settings.smtp;
  if (!SMTP_FIELDS.some((f) => patch[f] !== undefined)) return cur ? { ...cur, password: undefined } : null;
  if (patch.smtp_host !== undefined && blank(patch.smtp_host)) {
    // Custom SMTP off. A value beside it would be lost: refused, not ignored.
    for (const f of SMTP_FIELDS)
      if (f !== "smtp_host" && !blank(patch[f])) errors[`body.${f}`] = ["smtp_host clears custom SMTP in this request: leave this field null or out."];
    return null;
  }
  // null on a required field clears it, which SMTP cannot run without: named below by the rules.
  const pick = (f: "smtp_host" | "smtp_port" | "smtp_user" | "smtp_admin_email", current: string | undefined): string => {
    const v = patch[f] === undefined ? current : patch[f];
    if (blank(v)) errors[`body.${f}`] = [cur ? "Required while custom SMTP is on (clear smtp_host to turn it off)." : "Required to set up custom SMTP."];
    return v ?? "";
  };
  const host = pick("smtp_host", cur?.host);
  const port = pick("smtp_port", cur ? String(cur.port) : undefined);
  const user = pick("smtp_user", cur?.user);
  const senderEmail = pick("smtp_admin_email", cur?.senderEmail);
  // null or absent keeps the stored password: GET returns null, so a GET → PATCH round trip changes nothing.
  const password = blank(patch.smtp_pass) ? undefined : (patch.smtp_pass ?? undefined);
  if (password === undefined && !(cur && view.smtpPasswordSet)) errors["body.smtp_pass"] = ["Required to set up custom SMTP."];
  const senderName = patch.smtp_sender_name === undefined ? cur?.senderName : blank(patch.smtp_sender_name) ? undefined : (patch.smtp_sender_name ?? undefined);
  return { host, port, user, senderEmail, password, ...(senderName ? { senderName } : {}) };
}

/**
 * The settings to save for a PATCH: the current ones with the given fields
 * changed, validated by the project page's rules. Throws a ValidationError
 * naming upstream's fields (body.site_url, …).
 */
export function authSettingsFromPatch(view: AuthSettingsView, patch: UpdateAuthConfigBody): AuthSettingsParsed {
  const s = view.settings;
  const errors: Record<string, string[]> = {};
  const smtp = mergeSmtp(view, patch, errors);
  const input: AuthSettingsInput = {
    siteUrl: patch.site_url ?? s.siteUrl,
    redirectUrls:
      patch.uri_allow_list === undefined
        ? s.redirectUrls
        : (patch.uri_allow_list ?? "")
            .split(",")
            .map((u) => u.trim())
            .filter(Boolean),
    confirmEmail: patch.mailer_autoconfirm === undefined ? s.confirmEmail : !patch.mailer_autoconfirm,
    phoneSignup: patch.external_phone_enabled ?? s.phoneSignup ?? false,
    phoneAutoconfirm: patch.sms_autoconfirm ?? s.phoneAutoconfirm ?? false,
    smtp,
  };
  if (Object.keys(errors).length) throw new ValidationError("Invalid request.", errors);
  const r = authSettingsSchema.safeParse(input);
  if (r.success) return r.data;
  for (const issue of r.error.issues) {
    const key = `body.${upstreamField(issue.path)}`;
    // The page says "Email confirmation needs SMTP"; here the switch is mailer_autoconfirm=false.
    const message =
      key === "body.mailer_autoconfirm"
        ? "mailer_autoconfirm=false (email confirmation) needs custom SMTP: set smtp_host and the other smtp_ fields."
        : issue.message;
    (errors[key] ??= []).push(message);
  }
  throw new ValidationError("Invalid request.", errors);
}
