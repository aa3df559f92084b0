// Auth settings in the browser: the owner sets the site URL, redirect URLs,
// SMTP and "confirm email"; a reload shows what was saved (the password only
// as "stored"); the auth container runs with them (read from the engine); bad
// input is refused with the field's message. Also: the new keys behind Reveal.
// Stand-in images, real engine.
import type Docker from "dockerode";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LABELS } from "@/lib/stack/types";
import { createDockerProvisioner } from "@/lib/docker/provisioner";
import { startApp, type AppServer } from "@/test/support/app-server";
import { createProjectInBrowser, launchBrowser, signUp, snap } from "@/test/support/browser";
import { ensureDockerHost } from "@/test/support/docker-host";
import { ensureStandinImages, STANDIN_OVERRIDES_ENV } from "@/test/support/standin-images";

let app: AppServer;
let browser: Browser;
let docker: Docker;
let page: Page;
let ref: string;

beforeAll(async () => {
  docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  app = await startApp({ SUPAFLEET_IMAGE_OVERRIDES: STANDIN_OVERRIDES_ENV, SUPAFLEET_PORT_RANGE: "55800-55899" });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 1400 } })).newPage();
  page.setDefaultTimeout(30_000);
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  // The app's database goes with it: remove the project's stack by its labels, as its installation would.
  if (ref) {
    const [c] = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABELS.ref}=${ref}`] }) });
    const installation = c?.Labels[LABELS.installation];
    if (installation) await createDockerProvisioner("/var/run/docker.sock", installation).destroy(ref);
  }
}, 120_000);

async function authEnv(): Promise<Record<string, string>> {
  const [c] = await docker.listContainers({ filters: JSON.stringify({ label: [`${LABELS.ref}=${ref}`, `${LABELS.service}=auth`] }) });
  const info = await docker.getContainer(c!.Id).inspect();
  return Object.fromEntries(info.Config.Env.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}

describe("Auth settings in the browser", () => {
  it("a new project shows its template, the new keys, and Auth with confirmation off", async () => {
    await signUp(page, app.url, "authowner@example.com", "a-good-password-1");
    ref = await createProjectInBrowser(page, "Auth demo");
    await page.waitForSelector("[data-testid=status-badge][data-status=ACTIVE_HEALTHY]", { timeout: 600_000 });
    expect(await page.textContent("[data-testid=stack-version]")).toContain("2026.09-r1");
    await page.click("[data-testid=nav-api]");
    expect(await page.textContent("[data-testid=secret-key]")).toMatch(/^•+$/);
    await page.click("[data-testid=reveal]");
    await expect.poll(() => page.textContent("[data-testid=publishable-key]")).toMatch(/^sb_publishable_/);
    expect(await page.textContent("[data-testid=jwks-url]")).toBe(`http://${ref}.localhost/auth/v1/.well-known/jwks.json`);
    expect(await page.textContent("[data-testid=secret-key]")).toMatch(/sb_secret_/);
    await page.click("[data-testid=nav-auth]");
    expect(await page.isChecked("[data-testid=confirm-email]")).toBe(false);
    expect(await page.inputValue("#field-siteUrl")).toBe("http://localhost:3000");
    expect((await authEnv()).GOTRUE_MAILER_AUTOCONFIRM).toBe("true");
  }, 900_000);

  it("refuses bad input with the field's message and changes nothing", async () => {
    await page.fill("#field-siteUrl", "not a url");
    await page.click("[data-testid=auth-save]");
    await page.waitForSelector("[data-testid=auth-settings] [role=alert]");
    expect(await page.textContent("[data-testid=auth-settings]")).toContain("Enter an http:// or https:// URL");
    await page.fill("#field-siteUrl", "https://app.example.com");
    await page.check("[data-testid=confirm-email]");
    await page.click("[data-testid=auth-save]");
    await page.waitForSelector("text=Email confirmation needs SMTP");
    expect((await authEnv()).GOTRUE_SITE_URL).toBe("http://localhost:3000");
  });

  it("saves site URL, redirect URLs, SMTP and confirmation; a reload shows them; only auth restarts with them", async () => {
    const before = Object.fromEntries(
      (await docker.listContainers({ filters: JSON.stringify({ label: [`${LABELS.ref}=${ref}`] }) })).map((c) => [c.Labels[LABELS.service], c.Id]),
    );
    await page.fill("#field-siteUrl", "https://app.example.com");
    await page.fill("#field-redirectUrls", "https://app.example.com/**\nhttp://localhost:5173");
    await page.check("[data-testid=smtp-on]");
    await page.fill("#field-smtpHost", "smtp.example.com");
    await page.fill("#field-smtpPort", "587");
    await page.fill("#field-smtpUser", "mailer");
    await page.fill("#field-smtpPassword", "smtp-secret-pass");
    await page.fill("#field-smtpSenderEmail", "no-reply@example.com");
    await page.check("[data-testid=confirm-email]");
    await page.click("[data-testid=auth-save]");
    await page.waitForSelector("text=Auth is restarting with the new settings");
    await expect.poll(async () => (await authEnv()).GOTRUE_SITE_URL, { timeout: 120_000 }).toBe("https://app.example.com");
    const env = await authEnv();
    expect(env).toMatchObject({
      GOTRUE_MAILER_AUTOCONFIRM: "false",
      GOTRUE_SMTP_HOST: "smtp.example.com",
      GOTRUE_SMTP_PORT: "587",
      GOTRUE_SMTP_PASS: "smtp-secret-pass",
      GOTRUE_URI_ALLOW_LIST: "https://app.example.com/**,http://localhost:5173",
    });
    const after = Object.fromEntries(
      (await docker.listContainers({ filters: JSON.stringify({ label: [`${LABELS.ref}=${ref}`] }) })).map((c) => [c.Labels[LABELS.service], c.Id]),
    );
    for (const [svc, id] of Object.entries(before)) {
      if (svc === "auth") expect(after[svc]).not.toBe(id);
      else expect(after[svc], svc).toBe(id);
    }
    await page.reload();
    await page.waitForSelector("[data-testid=auth-settings]");
    expect(await page.inputValue("#field-siteUrl")).toBe("https://app.example.com");
    expect(await page.inputValue("#field-redirectUrls")).toBe("https://app.example.com/**\nhttp://localhost:5173");
    expect(await page.inputValue("#field-smtpHost")).toBe("smtp.example.com");
    expect(await page.inputValue("#field-smtpPassword")).toBe("");
    expect(await page.getAttribute("#field-smtpPassword", "placeholder")).toContain("stored");
    expect(await page.isChecked("[data-testid=confirm-email]")).toBe(true);
    expect(await page.content()).not.toContain("smtp-secret-pass");
    await snap(page, "auth-settings");
  }, 300_000);
});
