// Per-project Auth (GoTrue) settings an owner edits on the project page. Every
// value ends up in the auth container's environment, so each is held to a
// strict shape: no newlines, no control characters, bounded lengths.
import { z } from "zod";

const noControl = (v: string) => !/[\u0000-\u001f\u007f]/.test(v);

const httpUrl = z
  .string()
  .trim()
  .max(2000, "Use at most 2000 characters.")
  .refine(noControl, "Control characters are not allowed.")
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "" && !u.username && !u.password;
    } catch {
      return false;
    }
  }, "Enter an http:// or https:// URL without credentials.");

/** A redirect pattern as GoTrue's URI allow list takes it: a URL, where * and ** may stand for parts. */
const redirectPattern = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .refine(noControl, "Control characters are not allowed.")
  .refine((v) => !v.includes(","), "One URL per line; commas are not allowed.")
  .refine((v) => /^https?:\/\/[^\s/]+/.test(v), "Each redirect URL must start with http:// or https://.");

const hostname = z
  .string()
  .trim()
  .max(253)
  .regex(/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/, "Enter a host name such as smtp.example.com.");

const printable = (max: number) => z.string().max(max, `Use at most ${max} characters.`).refine(noControl, "Control characters are not allowed.");

export const smtpSchema = z.object({
  host: hostname,
  port: z.coerce.number().int().min(1).max(65535),
  user: printable(320).trim().min(1, "Enter the SMTP user name."),
  /** Empty on an update: keep the stored password. */
  password: printable(1000).optional(),
  senderEmail: z.email("Enter the sender's email address.").max(320),
  senderName: printable(200)
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined)),
});

export const authSettingsSchema = z
  .object({
    siteUrl: httpUrl,
    redirectUrls: z
      .union([z.array(redirectPattern), z.string()])
      .transform((v) =>
        typeof v === "string"
          ? v
              .split(/\r?\n/)
              .map((x) => x.trim())
              .filter(Boolean)
          : v,
      )
      .pipe(z.array(redirectPattern).max(50, "Use at most 50 redirect URLs.")),
    confirmEmail: z.boolean(),
    phoneSignup: z.boolean().default(false),
    phoneAutoconfirm: z.boolean().default(false),
    smtp: smtpSchema.nullable(),
  })
  .refine((v) => !v.confirmEmail || v.smtp !== null, { message: "Email confirmation needs SMTP: set up SMTP first.", path: ["confirmEmail"] })
  // No SMS provider is configured per project, so a phone sign-up could never
  // receive its code: phone sign-up is only possible with autoconfirm.
  .refine((v) => !v.phoneSignup || v.phoneAutoconfirm, {
    message: "Phone sign-up needs an SMS provider, which Supafleet does not set up: turn on phone autoconfirm with it, or leave it off.",
    path: ["phoneSignup"],
  });

export type AuthSettingsInput = z.input<typeof authSettingsSchema>;
export type AuthSettingsParsed = z.output<typeof authSettingsSchema>;
