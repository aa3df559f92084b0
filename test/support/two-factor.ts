// TOTP in browser tests: enrol on the security page as a person would (read
// the key shown, type a code), and log in with the next unused code. The app
// takes each time step's code once, so codes are handed out in step order.
import type { Page } from "playwright-core";
import { TOTP_PERIOD_SEC, TOTP_WINDOW, totpCode, totpKeyFromText, totpStep } from "@/lib/auth/totp";

const lastStep = new WeakMap<Uint8Array, number>();

/**
 * A code the app has not seen yet, the oldest it still takes first: the app accepts
 * TOTP_WINDOW steps either side of its clock, each step's code once and only in
 * rising order, so three codes are at hand without waiting (the step before, this
 * one, the next). The step before is handed out only while it has a few seconds
 * left in the window, for the form to reach the app in time.
 */
export async function nextTotpCode(key: Uint8Array): Promise<string> {
  for (;;) {
    const t = Date.now();
    const now = totpStep(t);
    const leftInStepMs = (now + 1) * TOTP_PERIOD_SEC * 1000 - t;
    const oldest = now - TOTP_WINDOW + (leftInStepMs < 8_000 ? 1 : 0);
    const step = Math.max(oldest, (lastStep.get(key) ?? -Infinity) + 1);
    if (step <= now + TOTP_WINDOW) {
      lastStep.set(key, step);
      return totpCode(key, step);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** From a signed-in page: turns TOTP on and returns the key. */
export async function enrolTotp(page: Page, baseUrl: string): Promise<Uint8Array> {
  await page.goto(`${baseUrl}/account/security`);
  await page.click("button:has-text('Set up two-factor authentication')");
  const text = (await page.locator("[data-testid=totp-key]").textContent())?.trim() ?? "";
  if (!/^[A-Z2-7]{32}$/.test(text)) throw new Error(`the security page showed no TOTP key (got "${text}")`);
  const key = totpKeyFromText(text);
  await page.fill("#field-totpCode", await nextTotpCode(key));
  await page.click("button:has-text('Turn on')");
  await page.locator("text=Two-factor authentication is on").waitFor();
  return key;
}

/** The login form with a password, then the code it asks for. */
export async function logInWithTotp(page: Page, baseUrl: string, email: string, password: string, key: Uint8Array): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.fill("#field-email", email);
  await page.fill("#field-password", password);
  await page.click("button[type=submit]");
  await page.locator("#field-code").waitFor();
  await page.fill("#field-code", await nextTotpCode(key));
  await page.click("button[type=submit]");
}
