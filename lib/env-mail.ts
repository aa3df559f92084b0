// The installation's own SMTP settings (the platform's mail: confirming a new
// account's address, password resets), parsed with the rest by lib/env.ts.
// Unset SUPAFLEET_SMTP_HOST is the one-command default: no mail, sign-ups
// unverified (the admin console says so). Each error names its variable.
import { z } from "zod";

const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+$/;

export const mailEnvShape = {
  SUPAFLEET_SMTP_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.-]{1,253}$|^\[?[0-9a-fA-F:.]+\]?$/, "must be a hostname or an IP address")
    .optional(),
  SUPAFLEET_SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  SUPAFLEET_SMTP_USER: z.string().min(1).optional(),
  SUPAFLEET_SMTP_PASSWORD: z.string().min(1).optional(),
  // "Name <address>" or a bare address.
  SUPAFLEET_SMTP_FROM: z
    .string()
    .refine((v) => EMAIL.test(v.replace(/^.*<([^>]+)>\s*$/, "$1").trim()), { message: "must be an address, or Name <address>" })
    .optional(),
  // implicit: TLS from the first byte (port 465); starttls: upgrade required
  // before AUTH (the default elsewhere); none: plain text, only for a relay on
  // this host or a trusted private network.
  SUPAFLEET_SMTP_TLS: z.enum(["implicit", "starttls", "none"]).optional(),
};

type Parsed = z.infer<z.ZodObject<typeof mailEnvShape>>;

export interface MailEnv {
  host: string;
  port: number;
  tls: "implicit" | "starttls" | "none";
  auth: { user: string; pass: string } | undefined;
  from: string;
}

/** Rules across variables; called from lib/env.ts's superRefine. */
export function checkMailEnv(e: Parsed, ctx: z.RefinementCtx): void {
  const anySet = [e.SUPAFLEET_SMTP_PORT, e.SUPAFLEET_SMTP_USER, e.SUPAFLEET_SMTP_PASSWORD, e.SUPAFLEET_SMTP_FROM, e.SUPAFLEET_SMTP_TLS].some(
    (v) => v !== undefined,
  );
  if (e.SUPAFLEET_SMTP_HOST === undefined) {
    // A half-configured mailer would silently leave sign-ups unverified.
    if (anySet) ctx.addIssue({ code: "custom", path: ["SUPAFLEET_SMTP_HOST"], message: "is required when any other SUPAFLEET_SMTP_* is set" });
    return;
  }
  if (e.SUPAFLEET_SMTP_FROM === undefined) {
    ctx.addIssue({ code: "custom", path: ["SUPAFLEET_SMTP_FROM"], message: "is required with SUPAFLEET_SMTP_HOST (the sender of account mails)" });
  }
  if ((e.SUPAFLEET_SMTP_USER === undefined) !== (e.SUPAFLEET_SMTP_PASSWORD === undefined)) {
    ctx.addIssue({ code: "custom", path: ["SUPAFLEET_SMTP_PASSWORD"], message: "SUPAFLEET_SMTP_USER and SUPAFLEET_SMTP_PASSWORD must be set together" });
  }
}

export function mailEnvOf(e: Parsed): MailEnv | undefined {
  if (e.SUPAFLEET_SMTP_HOST === undefined || e.SUPAFLEET_SMTP_FROM === undefined) return undefined;
  const tls = e.SUPAFLEET_SMTP_TLS ?? (e.SUPAFLEET_SMTP_PORT === 465 ? "implicit" : "starttls");
  return {
    host: e.SUPAFLEET_SMTP_HOST,
    port: e.SUPAFLEET_SMTP_PORT ?? (tls === "implicit" ? 465 : 587),
    tls,
    auth: e.SUPAFLEET_SMTP_USER && e.SUPAFLEET_SMTP_PASSWORD ? { user: e.SUPAFLEET_SMTP_USER, pass: e.SUPAFLEET_SMTP_PASSWORD } : undefined,
    from: e.SUPAFLEET_SMTP_FROM,
  };
}
