// Verified platform accounts in a real browser against the built app, with
// the installation's SMTP settings pointing at a real SMTP server
// (test/support/smtp-catcher.ts) whose mails the test reads: confirm the
// address before creating projects, reset a password by mail (other sessions
// signed out), change a password, and an admin's TOTP enrolment and login.
import Database from "better-sqlite3";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenFromMailText } from "@/lib/mail/account-mails";
import { startApp, type AppServer } from "@/test/support/app-server";
import { launchBrowser, snap } from "@/test/support/browser";
import { startSmtpCatcher, type SmtpCatcher } from "@/test/support/smtp-catcher";
import { enrolTotp, logInWithTotp, nextTotpCode } from "@/test/support/two-factor";

let app: AppServer;
let browser: Browser;
let catcher: SmtpCatcher;
const SMTP = { user: "supafleet-mailer", pass: randomBytes(12).toString("hex") };

beforeAll(async () => {
  catcher = await startSmtpCatcher(SMTP);
  app = await startApp({
    SUPAFLEET_ADMIN_EMAIL: "admin@example.com",
    SUPAFLEET_ADMIN_PASSWORD: "admin-password-1",
    SUPAFLEET_SMTP_HOST: "127.0.0.1",
    SUPAFLEET_SMTP_PORT: String(catcher.port),
    // The catcher offers no STARTTLS (CRAM-MD5 over plain TCP on loopback).
    SUPAFLEET_SMTP_TLS: "none",
    SUPAFLEET_SMTP_USER: SMTP.user,
    SUPAFLEET_SMTP_PASSWORD: SMTP.pass,
    SUPAFLEET_SMTP_FROM: "Supafleet <noreply@example.com>",
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await catcher?.close();
});

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  return ctx.newPage();
}

async function signUpInBrowser(page: Page, email: string, password: string): Promise<void> {
  await page.goto(`${app.url}/signup`);
  await page.fill("#field-email", email);
  await page.fill("#field-password", password);
  await page.click("button[type=submit]");
  await page.waitForURL("**/dashboard");
}

async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto(`${app.url}/login`);
  await page.fill("#field-email", email);
  await page.fill("#field-password", password);
  await page.click("button[type=submit]");
}

/** Waits until an alert or status box with this text is on the page (Next's route announcer is a role=alert too). */
async function shows(page: Page, role: "alert" | "status", text: string): Promise<void> {
  await expect.poll(() => page.locator(`[role=${role}]`, { hasText: text }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
}

function sqlite(): Database.Database {
  return new Database(join(app.dataDir, "supafleet.db"));
}

/** The dialog's answer to "Create project" (the server action's refusal). */
async function tryCreate(page: Page, name: string): Promise<string> {
  await page.goto(`${app.url}/dashboard`);
  await page.click("text=+ New project");
  await page.fill("#field-name", name);
  await page.click("button:has-text('Create project')");
  const alert = page.locator("[role=dialog] [role=alert]");
  await alert.waitFor();
  return (await alert.textContent()) ?? "";
}

async function mailedLink(to: string, path: "/verify-email" | "/reset-password"): Promise<string> {
  const caught = await catcher.next(to);
  expect(caught.user).toBe(SMTP.user);
  const text = caught.mail.text ?? "";
  const token = tokenFromMailText(text, path);
  if (!token) throw new Error(`no ${path} link in the mail to ${to}:\n${text}`);
  // The link is on the public address (NEXTAUTH_URL here), not a guessed host.
  expect(text).toContain(`${app.url}${path}?token=${token}`);
  return `${app.url}${path}?token=${token}`;
}

describe("verified accounts", () => {
  it("refuses projects until the address is confirmed from the mail; resend replaces the link", async () => {
    const page = await newPage();
    const email = "newcomer@example.com";
    await signUpInBrowser(page, email, "newcomer-password");
    const first = await mailedLink(email, "/verify-email");
    await expect.poll(() => page.locator("[data-testid=verify-email-banner]").textContent()).toContain("Confirm your email address");
    // A zero quota: once the address is confirmed, the refusal is the quota's, so no stack is built.
    const db = sqlite();
    db.prepare(`UPDATE "User" SET projectQuota = 0 WHERE email = ?`).run(email);
    db.close();
    expect(await tryCreate(page, "Too early")).toContain("Confirm your email address before creating projects");
    await snap(page, "verified-01-create-refused");

    await page.goto(`${app.url}/dashboard`);
    await page.click("button:has-text('Send the link again')");
    await expect.poll(() => page.locator("[data-testid=resend-note]").textContent()).toContain("Sent");
    const second = await mailedLink(email, "/verify-email");
    expect(second).not.toBe(first);

    await page.goto(first);
    await page.click("button:has-text('Confirm my email address')");
    await shows(page, "alert", "invalid, already used or expired");
    await page.goto(second);
    await page.click("button:has-text('Confirm my email address')");
    await shows(page, "status", `Confirmed: ${email}`);
    await snap(page, "verified-02-confirmed");
    // Spent: the same link does not work twice.
    await page.goto(second);
    await page.click("button:has-text('Confirm my email address')");
    await shows(page, "alert", "invalid, already used or expired");

    await page.goto(`${app.url}/dashboard`);
    expect(await page.locator("[data-testid=verify-email-banner]").count()).toBe(0);
    expect(await tryCreate(page, "Now allowed")).toContain("Project limit reached (0)");
    await page.context().close();
  });

  it("resets a password by mail and signs out the account's other sessions", async () => {
    const email = "forgetful@example.com";
    const old = await newPage();
    await signUpInBrowser(old, email, "forgetful-password-1");
    await mailedLink(email, "/verify-email");

    const page = await newPage();
    await page.goto(`${app.url}/login`);
    await page.click("text=Forgot your password?");
    await page.waitForURL("**/forgot-password");
    // An address without an account gets the same answer, and no mail.
    await page.fill("#field-email", "nobody@example.com");
    await page.click("button[type=submit]");
    await shows(page, "status", "If an account uses that address");
    await page.goto(`${app.url}/forgot-password`);
    await page.fill("#field-email", email);
    await page.click("button[type=submit]");
    await shows(page, "status", "If an account uses that address");
    const link = await mailedLink(email, "/reset-password");
    expect(catcher.mails.some((m) => m.envelopeTo.includes("nobody@example.com"))).toBe(false);

    await page.goto(link);
    await page.fill("#field-password", "forgetful-password-2");
    await page.click("button[type=submit]");
    await shows(page, "status", "Every session of this account was signed out");
    await snap(page, "verified-03-reset-done");

    // The session from before the reset is gone.
    await old.goto(`${app.url}/dashboard`);
    await old.waitForURL("**/login**");
    // The link is spent.
    await page.goto(link);
    await shows(page, "alert", "invalid, already used or expired");
    await logIn(page, email, "forgetful-password-1");
    await shows(page, "alert", "Wrong email or password.");
    await logIn(page, email, "forgetful-password-2");
    await page.waitForURL("**/dashboard");
    await old.context().close();
    await page.context().close();
  });

  it("a password change keeps this session and signs out the others", async () => {
    const email = "changer@example.com";
    const here = await newPage();
    await signUpInBrowser(here, email, "changer-password-1");
    await mailedLink(email, "/verify-email");
    const elsewhere = await newPage();
    await logIn(elsewhere, email, "changer-password-1");
    await elsewhere.waitForURL("**/dashboard");

    await here.goto(`${app.url}/account/security`);
    await here.fill("#field-currentPassword", "changer-password-1");
    await here.fill("#field-newPassword", "changer-password-2");
    await here.click("button:has-text('Change password')");
    await shows(here, "status", "Your other sessions were signed out");
    await here.goto(`${app.url}/dashboard`);
    expect(await here.textContent("[data-testid=current-user]")).toBe(email);

    await elsewhere.goto(`${app.url}/dashboard`);
    await elsewhere.waitForURL("**/login**");
    await here.context().close();
    await elsewhere.context().close();
  });

  it("sends an admin without TOTP to set it up, then asks for a code at every login", async () => {
    const page = await newPage();
    await logIn(page, "admin@example.com", "admin-password-1");
    await page.waitForURL("**/dashboard");
    await page.goto(`${app.url}/admin`);
    await page.waitForURL("**/account/security?required=totp");
    await shows(page, "alert", "Administrators must set up two-factor authentication");
    await snap(page, "verified-04-admin-sent-to-totp");
    const key = await enrolTotp(page, app.url);
    await page.goto(`${app.url}/admin`);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Admin");
    // With SMTP settings, the console does not warn about unverified sign-ups.
    expect(await page.locator("[data-testid=unverified-signups]").count()).toBe(0);
    await page.click("text=Log out");
    await page.waitForURL(`${app.url}/`);

    // Password alone is not enough; a wrong code is refused; the right one lets in.
    await logIn(page, "admin@example.com", "admin-password-1");
    await page.locator("#field-code").waitFor();
    await snap(page, "verified-05-login-asks-code");
    const right = await nextTotpCode(key);
    await page.fill("#field-code", right === "000000" ? "111111" : "000000");
    await page.click("button[type=submit]");
    await shows(page, "alert", "That code is not right");
    await page.fill("#field-code", right);
    await page.click("button[type=submit]");
    await page.waitForURL("**/dashboard");
    await page.goto(`${app.url}/admin`);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Admin");

    // A second browser: the same flow through the helper, with a fresh code.
    const other = await newPage();
    await logInWithTotp(other, app.url, "admin@example.com", "admin-password-1", key);
    await other.waitForURL("**/dashboard");
    await page.context().close();
    await other.context().close();
  });
});
