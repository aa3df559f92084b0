// A newcomer's first minutes, in a real browser against the built app:
// sign up, land on the dashboard, log out, fail and succeed at logging in;
// a disabled account and a switched-off sign-up are refused.
import Database from "better-sqlite3";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type AppServer } from "@/test/support/app-server";
import { launchBrowser, snap } from "@/test/support/browser";
import { enrolTotp } from "@/test/support/two-factor";

let app: AppServer;
let browser: Browser;

beforeAll(async () => {
  app = await startApp({
    SUPAFLEET_ADMIN_EMAIL: "admin@example.com",
    SUPAFLEET_ADMIN_PASSWORD: "admin-password-1",
    // Small limits so the throttling cases below finish quickly.
    SUPAFLEET_LIMIT_LOGIN_IP: "14/900/300",
    SUPAFLEET_LIMIT_SIGNUP_IP: "6/3600/60",
    SUPAFLEET_LIMIT_CREATE_USER: "3/3600/120",
  });
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

describe("sign-up controls", () => {
  it("holds new accounts for approval: a clear message, no log-in, listed in the admin console until approved", async () => {
    const db = sqlite();
    db.prepare(`UPDATE "SystemSettings" SET signupEnabled = 1 WHERE id = 1`).run();
    db.close();
    const admin = await newPage();
    await logIn(admin, "admin@example.com", "admin-password-1");
    await admin.waitForURL("**/dashboard");
    // Admins must have two-factor authentication before the console works (test/e2e/verified-accounts.test.ts).
    await enrolTotp(admin, app.url);
    await admin.goto(`${app.url}/admin`);
    // No SMTP settings here (the one-command default): the console says sign-ups are unverified.
    expect(await admin.textContent("[data-testid=unverified-signups]")).toContain("Sign-ups are unverified");
    await admin.check("[data-testid=signup-approval]");
    await admin.fill("[data-testid=signups-per-ip]", "20");
    await admin.click("[data-testid=save-settings]");
    await expect
      .poll(() => {
        const d = sqlite();
        const row = d.prepare(`SELECT signupRequiresApproval AS a, signupsPerIpPerDay AS n FROM "SystemSettings" WHERE id = 1`).get() as {
          a: number;
          n: number;
        };
        d.close();
        return `${row.a}/${row.n}`;
      })
      .toBe("1/20");

    const newcomer = await newPage();
    await newcomer.goto(`${app.url}/signup`);
    await newcomer.fill("#field-email", "held@example.com");
    await newcomer.fill("#field-password", "held-password");
    await newcomer.click("button[type=submit]");
    await expect.poll(() => newcomer.locator("[role=status]").textContent()).toContain("An administrator must approve it");
    await snap(newcomer, "accounts-09-held-for-approval");
    await logIn(newcomer, "held@example.com", "held-password");
    await expect
      .poll(() => newcomer.locator(".border-red-200[role=alert]").textContent())
      .toBe("Your account is waiting for an administrator's approval. You can log in once it is approved.");
    await newcomer.goto(`${app.url}/dashboard`);
    await newcomer.waitForURL("**/login**");

    await admin.goto(`${app.url}/admin`);
    expect(await admin.textContent("[data-testid='pending-held@example.com']")).toContain("held@example.com");
    expect(await admin.textContent("[data-testid='user-held@example.com']")).toContain("Pending approval");
    await snap(admin, "accounts-10-admin-pending");
    await admin.click("[data-testid='approve-held@example.com']");
    // The action and the console's re-render can take a few seconds on a loaded machine.
    await expect.poll(() => admin.locator("[data-testid='pending-held@example.com']").count(), { timeout: 15_000 }).toBe(0);
    await admin.uncheck("[data-testid=signup-approval]");
    await admin.click("[data-testid=save-settings]");
    await expect.poll(() => admin.locator("[data-testid=signup-approval]").isChecked()).toBe(false);

    await logIn(newcomer, "held@example.com", "held-password");
    await newcomer.waitForURL("**/dashboard");
    await admin.context().close();
    await newcomer.context().close();
  });
});

/** A credentials log-in over plain HTTP, as next-auth's client does it. */
async function httpLogIn(email: string, password: string, headers: Record<string, string> = {}): Promise<Response> {
  const csrf = await fetch(`${app.url}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return fetch(`${app.url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie, ...headers },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
}

describe("headers and redirects", () => {
  it("forbids framing of the control panel", async () => {
    for (const path of ["/", "/login", "/dashboard"]) {
      const r = await fetch(`${app.url}${path}`, { redirect: "manual" });
      expect(`${path} ${r.headers.get("x-frame-options")}`).toBe(`${path} DENY`);
      expect(r.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    }
  });

  it("sends a user only to same-site paths after log-in (no /\\evil.com open redirect)", async () => {
    // A user without two-factor authentication (the admin has it on by now), approved above: one request logs in.
    const login = await httpLogIn("held@example.com", "held-password");
    expect(login.status).toBe(200);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    for (const target of ["/%5Cevil.com", "//evil.com", "/%5C/evil.com", "https://evil.com/", "/%09/evil.com"]) {
      const r = await fetch(`${app.url}/login?callbackUrl=${target}`, { redirect: "manual", headers: { cookie } });
      expect(`${target} ${r.status} ${r.headers.get("location")}`).toBe(`${target} 307 /dashboard`);
    }
    const ok = await fetch(`${app.url}/login?callbackUrl=/admin`, { redirect: "manual", headers: { cookie } });
    expect(ok.headers.get("location")).toBe("/admin");
    // and in the browser, through the login form
    const page = await newPage();
    await page.goto(`${app.url}/login?callbackUrl=/%5Cevil.com`);
    await page.fill("#field-email", "held@example.com");
    await page.fill("#field-password", "held-password");
    await page.click("button[type=submit]");
    await page.waitForURL(`${app.url}/dashboard`);
    await page.context().close();
  });
});

describe("throttling in the browser and over HTTP", () => {
  it("locks an account after 5 wrong passwords and refuses the right one with a wait (429, Retry-After)", async () => {
    const db = sqlite();
    db.prepare(`UPDATE "SystemSettings" SET signupEnabled = 1 WHERE id = 1`).run();
    db.close();
    const page = await newPage();
    await page.goto(`${app.url}/signup`);
    await page.fill("#field-email", "locked@example.com");
    await page.fill("#field-password", "locked-password");
    await page.click("button[type=submit]");
    await page.waitForURL("**/dashboard");
    await page.context().close();
    for (let i = 0; i < 5; i++) expect((await httpLogIn("locked@example.com", `wrong-${i}`)).status).toBe(401);
    const refused = await httpLogIn("locked@example.com", "locked-password");
    expect(refused.status).toBe(429);
    const wait = Number(refused.headers.get("retry-after"));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    const browser = await newPage();
    await logIn(browser, "locked@example.com", "locked-password");
    await expect.poll(() => browser.locator(".border-red-200[role=alert]").textContent()).toMatch(/^Too many failed log-ins\. Try again in \d+ s\.$/);
    await snap(browser, "accounts-07-locked-out");
    expect(browser.url()).toContain("/login");
    await browser.context().close();
  });

  it("throttles project creation per account, with the wait in the dialog", async () => {
    const page = await newPage();
    await page.goto(`${app.url}/signup`);
    await page.fill("#field-email", "creator@example.com");
    await page.fill("#field-password", "creator-password");
    await page.click("button[type=submit]");
    await page.waitForURL("**/dashboard");
    // The page still offers "New project"; the server now refuses on quota, so nothing is built.
    const db = sqlite();
    db.prepare(`UPDATE "User" SET projectQuota = 0 WHERE email = ?`).run("creator@example.com");
    db.close();
    await page.click("text=+ New project");
    const alert = page.locator("[role=dialog] [role=alert]");
    for (let i = 0; i < 4; i++) {
      await page.fill("#field-name", `Try ${i}`);
      const answered = page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/dashboard"));
      await page.click("button:has-text('Create project')");
      await answered;
      // the quota refuses the first three (each still counts), the limit the fourth
      if (i < 3) await expect.poll(() => alert.textContent()).toContain("Project limit reached (0)");
      else await expect.poll(() => alert.textContent()).toMatch(/^Too many project creations\. Try again in \d+ s\.$/);
    }
    await snap(page, "accounts-08-create-throttled");
    await page.context().close();
  });

  it("throttles sign-ups per address", async () => {
    let limited = "";
    for (let i = 0; i < 6 && !limited; i++) {
      const page = await newPage();
      await page.goto(`${app.url}/signup`);
      await page.fill("#field-email", `bulk-${i}@example.com`);
      await page.fill("#field-password", "bulk-password");
      await page.click("button[type=submit]");
      await Promise.race([page.waitForURL("**/dashboard"), page.waitForSelector(".border-red-200[role=alert]")]);
      if (!page.url().endsWith("/dashboard")) limited = (await page.locator(".border-red-200[role=alert]").textContent()) ?? "";
      await page.context().close();
    }
    expect(limited).toMatch(/^Too many sign-up attempts from your address\. Try again in \d+ s\.$/);
  });

  it("limits failed log-ins per address, whatever X-Real-IP, X-Forwarded-For or X-Supafleet-Peer a client sends", async () => {
    let status = 0;
    let tries = 0;
    while (status !== 429 && tries < 15) {
      tries++;
      const forged = `198.51.100.${tries}`;
      status = (await httpLogIn(`nobody-${tries}@example.com`, "whatever", { "x-real-ip": forged, "x-forwarded-for": forged, "x-supafleet-peer": forged }))
        .status;
    }
    // 14 failures per address are allowed; some were spent by the cases above
    expect(status).toBe(429);
    expect(tries).toBeLessThanOrEqual(15);
  });
});
