// An organization's audit log in a real browser against the built app: what a
// member does shows on /organizations/<slug>/audit, newest first, with the
// chain's head; the export (JSON lines) downloads only with a session and
// verifies offline (lib/audit/chain.ts, as scripts/verify-audit.ts runs it).
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditExport } from "@/lib/audit/chain";
import { startApp, type AppServer } from "@/test/support/app-server";
import { launchBrowser, signUp, snap } from "@/test/support/browser";

let app: AppServer;
let browser: Browser;

beforeAll(async () => {
  app = await startApp({});
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

describe("the audit log page", () => {
  it("shows what members did, newest first, and exports a log that verifies", async () => {
    const page = await newPage();
    await signUp(page, app.url, "auditor@example.com", "auditor-password-1");
    await page.goto(`${app.url}/organizations`);
    await page.fill("[data-testid=new-organization] input[name=name]", "Audit Co");
    await page.click("[data-testid=new-organization] button[type=submit]");
    await page.waitForURL(/\/organizations\/[a-z]{20}$/);
    const slug = new URL(page.url()).pathname.split("/").pop()!;
    await page.fill("[data-testid=invite] input[name=email]", "newcomer@example.com");
    await page.click("[data-testid=invite] button[type=submit]");
    // No SMTP here: the inviter gets the link.
    await page.waitForSelector("[data-testid=invitation-link]");

    await page.click(`a[href="/organizations/${slug}/audit"]`);
    await page.waitForURL(`**/organizations/${slug}/audit`);
    const rows = await page.locator("[data-testid=audit-entry]").allInnerTexts();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain("invitation.created");
    expect(rows[0]).toContain("newcomer@example.com");
    expect(rows[1]).toContain("organization.created");
    expect(rows[1]).toContain("auditor@example.com");
    const head = (await page.textContent("[data-testid=audit-head]")) ?? "";
    await snap(page, "audit-log");

    const res = await page.request.get(`${app.url}/api/organizations/${slug}/audit`);
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toContain("application/x-ndjson");
    const lines = (await res.text()).split("\n");
    const verdict = verifyAuditExport(lines);
    expect(verdict).toMatchObject({ ok: true, entries: 2 });
    expect(verdict.ok && head.includes(verdict.head!.hash)).toBe(true);
    // One changed byte is caught.
    const tampered = [...lines];
    tampered[1] = tampered[1]!.replace("Audit Co", "Audit Cp");
    expect(verifyAuditExport(tampered)).toMatchObject({ ok: false, line: 2 });

    // Without a session, or as someone else, there is nothing to see.
    const anonymous = await fetch(`${app.url}/api/organizations/${slug}/audit`);
    expect(anonymous.status).toBe(401);
    const other = await newPage();
    await signUp(other, app.url, "outsider@example.com", "outsider-password-1");
    expect((await other.request.get(`${app.url}/api/organizations/${slug}/audit`)).status()).toBe(404);
    const otherPage = await other.goto(`${app.url}/organizations/${slug}/audit`);
    expect(otherPage?.status()).toBe(404);
  });
});
