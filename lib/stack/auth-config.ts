// A project's Auth settings as the stack builder needs them, and how they map
// onto upstream's template variables (docker/.env.example: SITE_URL,
// ADDITIONAL_REDIRECT_URLS, ENABLE_EMAIL_AUTOCONFIRM, SMTP_*). Pure.

/** What is stored per project (the SMTP password lives in the encrypted secrets). */
export interface AuthSettings {
  /** The user's app: where confirmation and OAuth flows send people back to. */
  siteUrl: string;
  redirectUrls: string[];
  /** Sign-ups must confirm their email address (needs SMTP). */
  confirmEmail: boolean;
  /**
   * Sign-up with a phone number (GOTRUE_EXTERNAL_PHONE_ENABLED). Off unless the
   * owner turns it on: Supafleet configures no SMS provider, so phone sign-up
   * only works with phoneAutoconfirm, which lets anyone register any number as
   * confirmed. On a public multi-tenant host that is the owner's explicit choice.
   */
  phoneSignup?: boolean;
  /** Phone sign-ups count as confirmed without an SMS code (GOTRUE_SMS_AUTOCONFIRM; GoTrue's own default is false). */
  phoneAutoconfirm?: boolean;
  smtp: { host: string; port: number; user: string; senderEmail: string; senderName?: string } | null;
}

/**
 * Until the owner sets their app's URL: upstream's .env.example value
 * (SITE_URL=http://localhost:3000, an app in development). Confirmation is off
 * while there is no SMTP server to send the mail: with it on, GoTrue fails
 * every sign-up trying to reach a mail host that does not exist.
 */
export const DEFAULT_AUTH_SETTINGS: AuthSettings = {
  siteUrl: "http://localhost:3000",
  redirectUrls: [],
  confirmEmail: false,
  phoneSignup: false,
  phoneAutoconfirm: false,
  smtp: null,
};

// upstream .env.example placeholders, used while SMTP is not set up (nothing is sent then: autoconfirm is on).
const SMTP_PLACEHOLDER = {
  SMTP_ADMIN_EMAIL: "admin@example.com",
  SMTP_HOST: "supabase-mail",
  SMTP_PORT: "2500",
  SMTP_USER: "fake_mail_user",
  SMTP_PASS: "fake_mail_password",
  SMTP_SENDER_NAME: "fake_sender",
};

export function authTemplateVars(settings: AuthSettings | undefined, smtpPassword: string | undefined): Record<string, string> {
  const s = settings ?? DEFAULT_AUTH_SETTINGS;
  const smtp = s.smtp
    ? {
        SMTP_ADMIN_EMAIL: s.smtp.senderEmail,
        SMTP_HOST: s.smtp.host,
        SMTP_PORT: String(s.smtp.port),
        SMTP_USER: s.smtp.user,
        SMTP_PASS: smtpPassword ?? "",
        SMTP_SENDER_NAME: s.smtp.senderName ?? "",
      }
    : SMTP_PLACEHOLDER;
  return {
    SITE_URL: s.siteUrl,
    ADDITIONAL_REDIRECT_URLS: s.redirectUrls.join(","),
    // Confirmation only with a mail server to send it.
    ENABLE_EMAIL_AUTOCONFIRM: s.confirmEmail && s.smtp ? "false" : "true",
    // Settings stored before these existed read as off (the safe default).
    ENABLE_PHONE_SIGNUP: s.phoneSignup ? "true" : "false",
    ENABLE_PHONE_AUTOCONFIRM: s.phoneSignup && s.phoneAutoconfirm ? "true" : "false",
    ...smtp,
  };
}
