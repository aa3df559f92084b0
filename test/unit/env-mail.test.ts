// The installation's SMTP settings: absent by default (the one-command start),
// complete or refused with the variable named.
import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";

const base = { NODE_ENV: "test" };

describe("SMTP settings", () => {
  it("are absent by default", () => {
    expect(parseEnv(base).mail).toBeUndefined();
  });

  it("default to STARTTLS on 587 and implicit TLS on 465", () => {
    const plain = parseEnv({ ...base, SUPAFLEET_SMTP_HOST: "smtp.example.com", SUPAFLEET_SMTP_FROM: "Supafleet <noreply@example.com>" }).mail;
    expect(plain).toEqual({ host: "smtp.example.com", port: 587, tls: "starttls", auth: undefined, from: "Supafleet <noreply@example.com>" });
    const implicit = parseEnv({ ...base, SUPAFLEET_SMTP_HOST: "smtp.example.com", SUPAFLEET_SMTP_PORT: "465", SUPAFLEET_SMTP_FROM: "a@example.com" }).mail;
    expect(implicit?.tls).toBe("implicit");
    const local = parseEnv({
      ...base,
      SUPAFLEET_SMTP_HOST: "127.0.0.1",
      SUPAFLEET_SMTP_PORT: "2525",
      SUPAFLEET_SMTP_TLS: "none",
      SUPAFLEET_SMTP_USER: "u",
      SUPAFLEET_SMTP_PASSWORD: "p",
      SUPAFLEET_SMTP_FROM: "a@example.com",
    }).mail;
    expect(local).toEqual({ host: "127.0.0.1", port: 2525, tls: "none", auth: { user: "u", pass: "p" }, from: "a@example.com" });
  });

  it("refuse half a configuration, naming the variable", () => {
    expect(() => parseEnv({ ...base, SUPAFLEET_SMTP_FROM: "a@example.com" })).toThrow(/SUPAFLEET_SMTP_HOST: is required/);
    expect(() => parseEnv({ ...base, SUPAFLEET_SMTP_HOST: "smtp.example.com" })).toThrow(/SUPAFLEET_SMTP_FROM: is required/);
    expect(() => parseEnv({ ...base, SUPAFLEET_SMTP_HOST: "smtp.example.com", SUPAFLEET_SMTP_FROM: "a@example.com", SUPAFLEET_SMTP_USER: "u" })).toThrow(
      /SUPAFLEET_SMTP_PASSWORD/,
    );
    expect(() => parseEnv({ ...base, SUPAFLEET_SMTP_HOST: "smtp.example.com", SUPAFLEET_SMTP_FROM: "not an address" })).toThrow(/SUPAFLEET_SMTP_FROM/);
    expect(() => parseEnv({ ...base, SUPAFLEET_SMTP_HOST: "smtp.example.com", SUPAFLEET_SMTP_FROM: "a@example.com", SUPAFLEET_SMTP_TLS: "maybe" })).toThrow(
      /SUPAFLEET_SMTP_TLS/,
    );
  });
});
