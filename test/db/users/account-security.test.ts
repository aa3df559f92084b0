// Verified accounts on both databases: single-use hashed tokens, the
// confirmation gate, password reset and change (session versions), and TOTP.
// Mail goes through nodemailer to a real SMTP server (test/support/smtp-catcher.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { updateSystemSettings } from "@/lib/settings/service";
import { smtpMailer } from "@/lib/mail/mailer";
import { tokenFromMailText } from "@/lib/mail/account-mails";
import { RateLimiter } from "@/lib/rate-limit/limiter";
import { DEFAULT_MAX_BLOCK_SEC, DEFAULT_RULES, parseRule, type RateLimitName, type RateLimitRule } from "@/lib/rate-limit/rules";
import { totpCode, totpKeyFromText, totpStep } from "@/lib/auth/totp";
import type { AccountDeps } from "@/lib/users/account-deps";
import { consumeAccountToken, hashAccountToken, issueAccountToken } from "@/lib/users/account-tokens";
import { changePassword, requestPasswordReset, resetPassword } from "@/lib/users/password-reset";
import { authenticate, ensureBootstrapAdmin, signUp } from "@/lib/users/service";
import { beginTotpEnrolment, confirmTotpEnrolment, disableTotp, resetTotpByOperator, secondFactor, spendTotpCode } from "@/lib/users/two-factor";
import { assertMayCreateProjects, confirmEmail, sendVerificationMail, verificationState } from "@/lib/users/verification";
import { startSmtpCatcher, type SmtpCatcher } from "@/test/support/smtp-catcher";
import { startPostgres, type PgServer } from "@/test/support/postgres-server";

let pgServer: PgServer | undefined;
let catcher: SmtpCatcher;
const tmp = mkdtempSync(join(tmpdir(), "supafleet-accsec-"));
const SMTP = { user: "mailer", pass: randomBytes(12).toString("hex") };

beforeAll(async () => {
  catcher = await startSmtpCatcher(SMTP);
});
afterAll(async () => {
  await catcher?.close();
  await pgServer?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const backends: Array<[string, () => Promise<string>]> = [
  ["sqlite", async () => `file:${join(tmp, `a-${Math.random().toString(36).slice(2)}.db`)}`],
  [
    "postgres",
    async () => {
      pgServer ??= await startPostgres();
      return pgServer.createDatabase(`accsec_${Math.random().toString(36).slice(2, 10)}`);
    },
  ],
];

const defaultRules = Object.fromEntries(Object.entries(DEFAULT_RULES).map(([k, v]) => [k, parseRule(v) as RateLimitRule])) as Record<
  RateLimitName,
  RateLimitRule
>;
const wide: RateLimitRule = { points: 1000, windowSec: 60, blockSec: 1 };

describe.each(backends)("account security on %s", (name, makeUrl) => {
  let db: Db;
  let deps: AccountDeps;
  const client = { address: "192.0.2.7" };
  const mail = (local: string) => `${local}-${name}@example.com`;

  beforeAll(async () => {
    const url = await makeUrl();
    await migrate(url);
    db = createDb(url);
    const limiter = new RateLimiter(db, {
      rules: {
        ...defaultRules,
        loginIp: wide,
        signupIp: wide,
        loginAccount: { points: 3, windowSec: 900, blockSec: 60 },
        mailAccount: { points: 3, windowSec: 3600, blockSec: 900 },
      },
      maxBlockSec: DEFAULT_MAX_BLOCK_SEC,
    });
    deps = {
      db,
      limiter,
      masterKey: randomBytes(32),
      publicUrl: "https://panel.example.com",
      mailer: smtpMailer({ host: "127.0.0.1", port: catcher.port, tls: "none", auth: SMTP, from: "Supafleet <noreply@example.com>" }),
    };
    // These cases are about accounts, not the daily sign-up cap.
    await updateSystemSettings(db, { signupsPerIpPerDay: 1000 });
  });
  afterAll(async () => {
    await db?.$disconnect();
  });

  async function newUser(local: string, password = "first-password-1") {
    return signUp(db, { email: mail(local), password }, { address: client.address, limiter: deps.limiter });
  }

  it("stores only a token's hash and spends it once; expired, other-purpose and garbage tokens fail", async () => {
    const u = await newUser("tok");
    const token = await issueAccountToken(db, u.id, "verify_email");
    const rows = await db.accountToken.findMany({ where: { userId: u.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toBe(hashAccountToken(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    await expect(consumeAccountToken(db, token, "reset_password")).rejects.toMatchObject({ code: "invalid_token" });
    expect(await consumeAccountToken(db, token, "verify_email")).toBe(u.id);
    await expect(consumeAccountToken(db, token, "verify_email")).rejects.toMatchObject({ code: "invalid_token" });
    await expect(consumeAccountToken(db, "x".repeat(43), "verify_email")).rejects.toMatchObject({ code: "invalid_token" });
    await expect(consumeAccountToken(db, "not a token", "verify_email")).rejects.toMatchObject({ code: "invalid_token" });
    // Expired: issued 25 h ago (verify links live 24 h).
    const old = await issueAccountToken(db, u.id, "verify_email", new Date(Date.now() - 25 * 3600_000));
    await expect(consumeAccountToken(db, old, "verify_email")).rejects.toMatchObject({ code: "invalid_token" });
    // A newer link replaces the older unused one.
    const first = await issueAccountToken(db, u.id, "verify_email");
    const second = await issueAccountToken(db, u.id, "verify_email");
    await expect(consumeAccountToken(db, first, "verify_email")).rejects.toMatchObject({ code: "invalid_token" });
    expect(await consumeAccountToken(db, second, "verify_email")).toBe(u.id);
  });

  it("spends a token once even when two uses race", async () => {
    const u = await newUser("race");
    const token = await issueAccountToken(db, u.id, "reset_password");
    const results = await Promise.allSettled([consumeAccountToken(db, token, "reset_password"), consumeAccountToken(db, token, "reset_password")]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });

  it("refuses projects until the mailed link is used, only when SMTP is configured", async () => {
    const u = await newUser("verify");
    expect(await verificationState(db, u.id, false)).toBe("not_required");
    await assertMayCreateProjects(db, u.id, false);
    await expect(assertMayCreateProjects(db, u.id, true)).rejects.toMatchObject({ code: "email_unverified", status: 403 });
    await sendVerificationMail(deps, u.id, { address: client.address });
    const caught = await catcher.next(mail("verify"));
    expect(caught.user).toBe(SMTP.user);
    const text = caught.mail.text ?? "";
    expect(text).toContain("https://panel.example.com/verify-email?token=");
    const token = tokenFromMailText(text, "/verify-email");
    expect(token).toBeDefined();
    expect(await confirmEmail(db, token!)).toEqual({ email: mail("verify") });
    expect(await verificationState(db, u.id, true)).toBe("verified");
    await assertMayCreateProjects(db, u.id, true);
    expect(await sendVerificationMail(deps, u.id, { address: client.address })).toEqual({ sent: false, alreadyVerified: true });
  });

  it("rate-limits resends per recipient", async () => {
    const u = await newUser("resend");
    for (let i = 0; i < 3; i++) await sendVerificationMail(deps, u.id, { address: client.address });
    await expect(sendVerificationMail(deps, u.id, { address: client.address })).rejects.toMatchObject({ code: "rate_limited" });
  });

  it("counts the bootstrap admin's address as confirmed", async () => {
    await ensureBootstrapAdmin(db, { email: mail("boot"), password: "bootstrap-password-1" });
    const admin = await db.user.findUniqueOrThrow({ where: { email: mail("boot") } });
    expect(await verificationState(db, admin.id, true)).toBe("verified");
  });

  it("answers a reset request the same for unknown addresses, and a reset signs out every session", async () => {
    const unknown = await requestPasswordReset(deps, { email: mail("nobody") }, client);
    await unknown.delivery;
    const u = await newUser("reset");
    const before = await db.user.findUniqueOrThrow({ where: { id: u.id } });
    const known = await requestPasswordReset(deps, { email: mail("reset") }, client);
    expect(Object.keys(known)).toEqual(Object.keys(unknown));
    await known.delivery;
    expect(catcher.mails.some((m) => m.envelopeTo.includes(mail("nobody")))).toBe(false);
    const text = (await catcher.next(mail("reset"))).mail.text ?? "";
    const token = tokenFromMailText(text, "/reset-password");
    expect(token).toBeDefined();
    await expect(resetPassword(db, { token, password: "short" })).rejects.toMatchObject({ code: "validation_failed" });
    await resetPassword(db, { token, password: "second-password-2" });
    const after = await db.user.findUniqueOrThrow({ where: { id: u.id } });
    expect(after.sessionVersion).toBe(before.sessionVersion + 1);
    await expect(resetPassword(db, { token, password: "third-password-3" })).rejects.toMatchObject({ code: "invalid_token" });
    await expect(authenticate(db, { email: mail("reset"), password: "first-password-1" }, { ...client, limiter: deps.limiter })).rejects.toMatchObject({
      code: "invalid_credentials",
    });
    await authenticate(db, { email: mail("reset"), password: "second-password-2" }, { ...client, limiter: deps.limiter });
  });

  it("rate-limits reset requests per address, for known and unknown accounts alike", async () => {
    for (let i = 0; i < 3; i++) await (await requestPasswordReset(deps, { email: mail("ghost") }, client)).delivery;
    await expect(requestPasswordReset(deps, { email: mail("ghost") }, client)).rejects.toMatchObject({ code: "rate_limited" });
  });

  it("refuses a reset request without SMTP settings", async () => {
    await expect(requestPasswordReset({ ...deps, mailer: undefined }, { email: mail("x") }, client)).rejects.toMatchObject({ code: "mail_not_configured" });
  });

  it("changes a password: the current one is checked, sessions are signed out, the ticket re-logs this browser once", async () => {
    const u = await newUser("change");
    await expect(changePassword(deps, u.id, { currentPassword: "wrong-password", newPassword: "changed-password-2" }, client)).rejects.toMatchObject({
      code: "invalid_credentials",
    });
    const before = (await db.user.findUniqueOrThrow({ where: { id: u.id } })).sessionVersion;
    const { ticket } = await changePassword(deps, u.id, { currentPassword: "first-password-1", newPassword: "changed-password-2" }, client);
    expect((await db.user.findUniqueOrThrow({ where: { id: u.id } })).sessionVersion).toBe(before + 1);
    expect(await secondFactor(deps, u.id, { ticket }, client)).toEqual({ sessionVersion: before + 1 });
    await expect(secondFactor(deps, u.id, { ticket }, client)).rejects.toMatchObject({ code: "invalid_token" });
    // Another account's ticket is no good here.
    const other = await newUser("change-other");
    const { ticket: foreign } = await changePassword(deps, other.id, { currentPassword: "first-password-1", newPassword: "changed-password-2" }, client);
    await expect(secondFactor(deps, u.id, { ticket: foreign }, client)).rejects.toMatchObject({ code: "invalid_credentials" });
  });

  it("enrols TOTP with a sealed key, asks for codes at login, never takes a code twice, and the operator can reset it", async () => {
    const u = await newUser("totp");
    expect(await secondFactor(deps, u.id, {}, client)).toEqual({ sessionVersion: 0 });
    const { key, uri } = await beginTotpEnrolment(db, deps.masterKey, u.id);
    expect(uri).toContain(encodeURIComponent(mail("totp")));
    const row = await db.user.findUniqueOrThrow({ where: { id: u.id } });
    expect(row.totpSecret).toBeTruthy();
    expect(row.totpSecret).not.toContain(key);
    expect(row.totpEnabledAt).toBeNull();
    const raw = totpKeyFromText(key);
    const now = totpStep(Date.now());
    await expect(confirmTotpEnrolment(db, deps.masterKey, u.id, "000000" === totpCode(raw, now) ? "111111" : "000000")).rejects.toMatchObject({
      code: "invalid_totp",
    });
    await confirmTotpEnrolment(db, deps.masterKey, u.id, totpCode(raw, now));
    // The enrolment's code is spent; the login needs a code.
    await expect(secondFactor(deps, u.id, {}, client)).rejects.toMatchObject({ code: "totp_required" });
    await expect(secondFactor(deps, u.id, { code: totpCode(raw, now) }, client)).rejects.toMatchObject({ code: "invalid_totp" });
    await expect(secondFactor(deps, u.id, { code: totpCode(raw, now + 1) }, client)).resolves.toEqual({ sessionVersion: 0 });
    await expect(spendTotpCode(db, deps.masterKey, u.id, totpCode(raw, now + 1))).rejects.toMatchObject({ code: "invalid_totp" });
    // The sealed key is bound to its account: copied to another row it does not open.
    const other = await newUser("totp-other");
    await db.user.update({ where: { id: other.id }, data: { totpSecret: row.totpSecret, totpEnabledAt: new Date() } });
    await expect(secondFactor(deps, other.id, { code: totpCode(raw, now) }, client)).rejects.toMatchObject({ code: "secret_decrypt_failed" });
    await expect(disableTotp(db, deps.masterKey, u.id, { password: "wrong-password", code: "123456" })).rejects.toMatchObject({
      code: "invalid_credentials",
    });
    const reset = await resetTotpByOperator(db, mail("totp").toUpperCase());
    expect(reset.id).toBe(u.id);
    const cleared = await db.user.findUniqueOrThrow({ where: { id: u.id } });
    expect(cleared).toMatchObject({ totpSecret: null, totpEnabledAt: null, sessionVersion: 1 });
  });

  it("locks the account after repeated wrong codes, as for wrong passwords", async () => {
    const u = await newUser("totp-lock");
    const { key } = await beginTotpEnrolment(db, deps.masterKey, u.id);
    const raw = totpKeyFromText(key);
    await confirmTotpEnrolment(db, deps.masterKey, u.id, totpCode(raw, totpStep(Date.now())));
    const wrong = (s: number) => (totpCode(raw, s) === "000000" ? "000001" : "000000");
    const step = totpStep(Date.now());
    for (let i = 0; i < 3; i++) await expect(secondFactor(deps, u.id, { code: wrong(step) }, client)).rejects.toMatchObject({ code: "invalid_totp" });
    await expect(secondFactor(deps, u.id, { code: totpCode(raw, step + 1) }, client)).rejects.toMatchObject({ code: "rate_limited" });
  });

  it("admins cannot turn TOTP off themselves", async () => {
    await ensureBootstrapAdmin(db, { email: mail("adm"), password: "bootstrap-password-1" });
    const admin = await db.user.findUniqueOrThrow({ where: { email: mail("adm") } });
    const { key } = await beginTotpEnrolment(db, deps.masterKey, admin.id);
    const raw = totpKeyFromText(key);
    const step = totpStep(Date.now());
    await confirmTotpEnrolment(db, deps.masterKey, admin.id, totpCode(raw, step));
    await expect(disableTotp(db, deps.masterKey, admin.id, { password: "bootstrap-password-1", code: totpCode(raw, step + 1) })).rejects.toMatchObject({
      code: "invalid_state",
    });
  });
});
