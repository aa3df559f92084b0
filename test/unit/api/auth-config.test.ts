// The mapping between Supabase's auth config shape and Supafleet's Auth
// settings, both ways: what GET shows, how a PATCH merges into what is
// stored, and which requests are refused with which field named.
import { describe, expect, it } from "vitest";
import { ValidationError } from "@/lib/errors";
import type { AuthSettingsView } from "@/lib/projects/auth-settings";
import { DEFAULT_AUTH_SETTINGS } from "@/lib/stack/auth-config";
import { authSettingsFromPatch, v1AuthConfig } from "@/lib/api/auth-config";
import { parseInput } from "@/lib/api/request";
import { AUTH_CONFIG_FIELDS, authConfigSchema, updateAuthConfigBodySchema, type UpdateAuthConfigBody } from "@/lib/api/auth-config-schemas";

const fresh: AuthSettingsView = { settings: DEFAULT_AUTH_SETTINGS, smtpPasswordSet: false, applied: true };
const withSmtp: AuthSettingsView = {
  settings: {
    siteUrl: "https://app.example.com",
    redirectUrls: ["https://app.example.com/callback", "http://localhost:3000/**"],
    confirmEmail: true,
    phoneSignup: false,
    phoneAutoconfirm: false,
    smtp: { host: "smtp.example.com", port: 587, user: "mailer", senderEmail: "noreply@example.com", senderName: "Example" },
  },
  smtpPasswordSet: true,
  applied: true,
};

function errorsOf(fn: () => unknown): Record<string, string[]> {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).fieldErrors;
  }
  throw new Error("expected a ValidationError");
}

const body = (input: unknown): UpdateAuthConfigBody => parseInput(updateAuthConfigBodySchema, input, "body");

describe("GET: stored settings in upstream's names", () => {
  it("maps every supported field, never the SMTP password", () => {
    const out = authConfigSchema.strict().parse(v1AuthConfig(withSmtp));
    expect(out).toEqual({
      site_url: "https://app.example.com",
      uri_allow_list: "https://app.example.com/callback,http://localhost:3000/**",
      mailer_autoconfirm: false,
      external_phone_enabled: false,
      sms_autoconfirm: false,
      smtp_admin_email: "noreply@example.com",
      smtp_host: "smtp.example.com",
      smtp_port: "587",
      smtp_user: "mailer",
      smtp_pass: null,
      smtp_sender_name: "Example",
    });
    expect(Object.keys(out).sort()).toEqual([...AUTH_CONFIG_FIELDS].sort());
  });

  it("shows a fresh project: upstream's default site URL, autoconfirm on, no SMTP", () => {
    expect(v1AuthConfig(fresh)).toMatchObject({
      site_url: "http://localhost:3000",
      uri_allow_list: "",
      mailer_autoconfirm: true,
      smtp_host: null,
      smtp_port: null,
      smtp_pass: null,
    });
  });
});

describe("phone sign-up: off by default, only with autoconfirm", () => {
  it("shows phone sign-up and SMS autoconfirm off on a fresh project", () => {
    expect(v1AuthConfig(fresh)).toMatchObject({ external_phone_enabled: false, sms_autoconfirm: false });
  });

  it("turns phone sign-up on with autoconfirm, and refuses it without (no SMS provider could send the code)", () => {
    expect(authSettingsFromPatch(fresh, body({ external_phone_enabled: true, sms_autoconfirm: true }))).toMatchObject({
      phoneSignup: true,
      phoneAutoconfirm: true,
    });
    expect(errorsOf(() => authSettingsFromPatch(fresh, body({ external_phone_enabled: true })))).toEqual({
      "body.external_phone_enabled": [expect.stringContaining("SMS provider")],
    });
  });
});

describe("PATCH: merged into the stored settings", () => {
  it("changes only the given fields and keeps the stored SMTP password", () => {
    const out = authSettingsFromPatch(withSmtp, body({ site_url: "https://new.example.com" }));
    expect(out).toEqual({ ...withSmtp.settings, siteUrl: "https://new.example.com", smtp: { ...withSmtp.settings.smtp, password: undefined } });
  });

  it("takes a GET answer back unchanged (round trip)", () => {
    for (const view of [fresh, withSmtp]) {
      const out = authSettingsFromPatch(view, body(v1AuthConfig(view)));
      expect(out.siteUrl).toBe(view.settings.siteUrl);
      expect(out.redirectUrls).toEqual(view.settings.redirectUrls);
      expect(out.confirmEmail).toBe(view.settings.confirmEmail);
      expect(out.smtp ? { ...out.smtp, password: undefined } : null).toEqual(view.settings.smtp ? { ...view.settings.smtp, password: undefined } : null);
    }
  });

  it("splits uri_allow_list on commas; null or empty clears it", () => {
    expect(authSettingsFromPatch(fresh, body({ uri_allow_list: " https://a.example.com/** , https://b.example.com ," })).redirectUrls).toEqual([
      "https://a.example.com/**",
      "https://b.example.com",
    ]);
    expect(authSettingsFromPatch(withSmtp, body({ uri_allow_list: null })).redirectUrls).toEqual([]);
    expect(authSettingsFromPatch(withSmtp, body({ uri_allow_list: "" })).redirectUrls).toEqual([]);
  });

  it("sets up SMTP from the smtp_ fields (port from upstream's string) and turns confirmation on", () => {
    const out = authSettingsFromPatch(
      fresh,
      body({
        smtp_host: "mail.example.org",
        smtp_port: "2525",
        smtp_user: "u",
        smtp_pass: "p4ss",
        smtp_admin_email: "a@example.org",
        smtp_sender_name: "App",
        mailer_autoconfirm: false,
      }),
    );
    expect(out.smtp).toEqual({ host: "mail.example.org", port: 2525, user: "u", password: "p4ss", senderEmail: "a@example.org", senderName: "App" });
    expect(out.confirmEmail).toBe(true);
  });

  it("turns SMTP off with smtp_host null (confirmation has to go too)", () => {
    expect(authSettingsFromPatch(withSmtp, body({ smtp_host: null, mailer_autoconfirm: true }))).toMatchObject({ smtp: null, confirmEmail: false });
    expect(errorsOf(() => authSettingsFromPatch(withSmtp, body({ smtp_host: null })))).toEqual({
      "body.mailer_autoconfirm": [expect.stringContaining("needs custom SMTP")],
    });
    // a value beside the switch-off would be lost: refused
    expect(Object.keys(errorsOf(() => authSettingsFromPatch(withSmtp, body({ smtp_host: "", smtp_user: "x", mailer_autoconfirm: true }))))).toEqual([
      "body.smtp_user",
    ]);
  });
});

describe("PATCH: refused, naming upstream's field", () => {
  it("names every missing SMTP field when SMTP is set up half", () => {
    expect(Object.keys(errorsOf(() => authSettingsFromPatch(fresh, body({ smtp_host: "mail.example.org" })))).sort()).toEqual([
      "body.smtp_admin_email",
      "body.smtp_pass",
      "body.smtp_port",
      "body.smtp_user",
    ]);
  });

  it("refuses confirmation without SMTP", () => {
    expect(errorsOf(() => authSettingsFromPatch(fresh, body({ mailer_autoconfirm: false })))).toEqual({
      "body.mailer_autoconfirm": [expect.stringContaining("needs custom SMTP")],
    });
  });

  it("checks values with the project page's rules, reported under upstream's names", () => {
    expect(Object.keys(errorsOf(() => authSettingsFromPatch(fresh, body({ site_url: "javascript:alert(1)" }))))).toEqual(["body.site_url"]);
    expect(Object.keys(errorsOf(() => authSettingsFromPatch(fresh, body({ uri_allow_list: "ftp://x.example.com" }))))).toEqual(["body.uri_allow_list"]);
    expect(Object.keys(errorsOf(() => authSettingsFromPatch(withSmtp, body({ smtp_host: "bad host\nX-Inject: 1" }))))).toEqual(["body.smtp_host"]);
    expect(Object.keys(errorsOf(() => authSettingsFromPatch(withSmtp, body({ smtp_port: "70000" }))))).toEqual(["body.smtp_port"]);
    expect(Object.keys(errorsOf(() => authSettingsFromPatch(withSmtp, body({ smtp_admin_email: "not-an-email" }))))).toEqual(["body.smtp_admin_email"]);
    expect(Object.keys(errorsOf(() => authSettingsFromPatch(withSmtp, body({ smtp_sender_name: "a\u0000b" }))))).toEqual(["body.smtp_sender_name"]);
  });

  it("refuses upstream's types where Supafleet's differ: smtp_port is a string, site_url and mailer_autoconfirm cannot be null", () => {
    expect(Object.keys(errorsOf(() => body({ smtp_port: 587 })))).toEqual(["body.smtp_port"]);
    expect(Object.keys(errorsOf(() => body({ site_url: null })))).toEqual(["body.site_url"]);
    expect(Object.keys(errorsOf(() => body({ mailer_autoconfirm: null })))).toEqual(["body.mailer_autoconfirm"]);
  });

  it("refuses Supabase's fields Supafleet does not have, naming each and the supported ones", () => {
    const errors = errorsOf(() => body({ site_url: "https://a.example.com", jwt_exp: 3600, external_google_enabled: true }));
    expect(Object.keys(errors).sort()).toEqual(["body.external_google_enabled", "body.jwt_exp"]);
    expect(errors["body.jwt_exp"]![0]).toMatch(
      /Not supported by Supafleet\. Supafleet supports these Auth settings only: site_url, uri_allow_list, mailer_autoconfirm/,
    );
  });
});
