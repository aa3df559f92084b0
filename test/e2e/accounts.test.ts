// A newcomer's first minutes, in a real browser against the built app:
// sign up, land on the dashboard, log out, fail and succeed at logging in;
// a disabled account and a switched-off sign-up are refused.
import Database from "better-sqlite3";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type AppServer } from "@/test/support/app-server";
import { launchBrowser, snap } from "@/test/support/browser";

let app: AppServer;
let browser: Browser;

beforeAll(async () => {
  app = await startApp({ SUPAFLEET_ADMIN_EMAIL: "admin@example.com", SUPAFLEET_ADMIN_PASSWORD: "admin-password-1" });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  return ctx.newPage();
}

async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto(`${app.url}/login`);
  await page.fill("#field-email", email);
  await page.fill("#field-password", password);
  await page.click("button[type=submit]");
}

function sqlite(): Database.Database {
  return new Database(join(app.dataDir, "supafleet.db"));
}

describe("accounts in the browser", () => {
  it("signs up, lands on the dashboard, logs out and back in", async () => {
    const page = await newPage();
    await page.goto(app.url);
    await snap(page, "accounts-01-landing");
    await page.click("text=Start a project");
    await page.waitForURL("**/signup");
    await page.fill("#field-name", "Ada");
    await page.fill("#field-email", "ada@example.com");
    await page.fill("#field-password", "analytical-engine");
    await snap(page, "accounts-02-signup");
    await page.click("button[type=submit]");
    await page.waitForURL("**/dashboard");
    expect(await page.textContent("[data-testid=current-user]")).toBe("ada@example.com");
    await snap(page, "accounts-03-dashboard");
    await page.click("text=Log out");
    await page.waitForURL(`${app.url}/`);
    // the dashboard is closed again
    await page.goto(`${app.url}/dashboard`);
    await page.waitForURL("**/login**");
    await logIn(page, "ada@example.com", "wrong-password");
    await expect.poll(() => page.locator(".border-red-200[role=alert]").textContent()).toBe("Wrong email or password.");
    await snap(page, "accounts-04-wrong-password");
    await page.fill("#field-password", "analytical-engine");
    await page.click("button[type=submit]");
    await page.waitForURL("**/dashboard");
    await page.context().close();
  });

  it("shows field errors and refuses a duplicate email", async () => {
    const page = await newPage();
    await page.goto(`${app.url}/signup`);
    await page.fill("#field-email", "nonsense");
    await page.fill("#field-password", "short");
    await page.click("button[type=submit]");
    await expect.poll(() => page.locator("#field-email-error").textContent()).toBe("Enter a valid email address.");
    await page.fill("#field-email", "ada@example.com");
    await page.fill("#field-password", "another-long-password");
    await page.click("button[type=submit]");
    await expect.poll(() => page.locator(".border-red-200[role=alert]").textContent()).toBe("An account with this email already exists.");
    await snap(page, "accounts-05-duplicate");
    await page.context().close();
  });

  it("keeps a disabled user out", async () => {
    const db = sqlite();
    db.prepare(`UPDATE "User" SET disabled = 1 WHERE email = ?`).run("ada@example.com");
    db.close();
    const page = await newPage();
    await logIn(page, "ada@example.com", "analytical-engine");
    await expect.poll(() => page.locator(".border-red-200[role=alert]").textContent()).toBe("This account is disabled. Contact an administrator.");
    await snap(page, "accounts-06-disabled");
    await page.goto(`${app.url}/dashboard`);
    await page.waitForURL("**/login**");
    await page.context().close();
  });

  it("lets the bootstrap admin in and honours the sign-up switch", async () => {
    const page = await newPage();
    await logIn(page, "admin@example.com", "admin-password-1");
    await page.waitForURL("**/dashboard");
    expect(await page.locator(`header a[href="/admin"]`).count()).toBe(1);
    const db = sqlite();
    db.prepare(`UPDATE "SystemSettings" SET signupEnabled = 0 WHERE id = 1`).run();
    db.close();
    const anon = await newPage();
    await anon.goto(`${app.url}/signup`);
    expect(await anon.textContent("[role=status]")).toContain("Sign-up is switched off");
    expect(await anon.locator("#field-email").count()).toBe(0);
    await page.context().close();
    await anon.context().close();
  });
});
