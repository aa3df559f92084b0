// Debian's Chromium driven by playwright-core (no browser download here).
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

export const ARTIFACTS_DIR = join(process.cwd(), "test-artifacts", "screenshots");
const CHROMIUM = process.env.SUPAFLEET_CHROMIUM ?? "/usr/bin/chromium";

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}; apt-get install chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Saves a full-page screenshot as a CI artifact under test-artifacts/screenshots. */
export async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
}

/** Signs up through the form; the app lands on the dashboard. */
export async function signUp(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/signup`);
  await page.fill("#field-email", email);
  await page.fill("#field-password", password);
  await page.click("button[type=submit]");
  await page.waitForURL("**/dashboard");
}

/** From the dashboard: "+ New project", a name, create; resolves with the new project's ref (from its page's URL). */
export async function createProjectInBrowser(page: Page, name: string): Promise<string> {
  await page.click("text=+ New project");
  await page.fill("#field-name", name);
  await page.click("button:has-text('Create project')");
  await page.waitForURL(/\/project\/[a-z]{20}$/);
  return page.url().split("/").pop()!;
}
