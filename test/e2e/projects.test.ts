// The product in a browser: create a project and watch it come up, use its
// keys, pause/resume, delete; a second user can neither see nor act on it;
// the admin sets quotas and disables users; the project moves into a team
// whose invited Developer works on it until removed. Stand-in images, real engine.
import type Docker from "dockerode";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LATEST_STACK_VERSION, templateServices } from "@/lib/stack/template";
import { LABELS } from "@/lib/stack/types";
import { startApp, type AppServer } from "@/test/support/app-server";
import { createProjectInBrowser, launchBrowser, signUp, snap } from "@/test/support/browser";
import { ensureDockerHost } from "@/test/support/docker-host";
import { ensureStandinImages, STANDIN_OVERRIDES_ENV } from "@/test/support/standin-images";
import { enrolTotp } from "@/test/support/two-factor";

let app: AppServer;
let browser: Browser;
let docker: Docker;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  app = await startApp({
    SUPAFLEET_IMAGE_OVERRIDES: STANDIN_OVERRIDES_ENV,
    SUPAFLEET_PORT_RANGE: "57800-57999",
    SUPAFLEET_ADMIN_EMAIL: "root@example.com",
    SUPAFLEET_ADMIN_PASSWORD: "root-password-1",
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, permissions: ["clipboard-read", "clipboard-write"] });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}

async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto(`${app.url}/login`);
  await page.fill("#field-email", email);
  await page.fill("#field-password", password);
  await page.click("button[type=submit]");
}

async function waitForStatus(page: Page, status: string, timeoutMs = 300_000): Promise<void> {
  await page.waitForSelector(`[data-testid=status-badge][data-status=${status}]`, { timeout: timeoutMs });
}

async function labelled(ref: string): Promise<number> {
  const filters = JSON.stringify({ label: [`${LABELS.ref}=${ref}`] });
  const [c, v, n] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listVolumes({ filters }), docker.listNetworks({ filters })]);
  return c.length + (v.Volumes?.length ?? 0) + n.length;
}

describe("projects in the browser", () => {
  let alice: Page;
  let refA: string;

  it("creates a project and shows it coming up until healthy", async () => {
    alice = await newPage();
    await signUp(alice, app.url, "alice@example.com", "alice-password");
    expect(await alice.textContent("[data-testid=quota]")).toContain("0 of 2 projects");
    await snap(alice, "projects-01-empty-dashboard");
    await alice.click("text=+ New project");
    await alice.fill("#field-name", "x");
    await alice.click("button:has-text('Create project')");
    expect(await alice.textContent("#field-name-error")).toBe("Use at least 2 characters.");
    await snap(alice, "projects-02-create-validation");
    await alice.fill("#field-name", "Alice app");
    await alice.click("button:has-text('Create project')");
    await alice.waitForURL(/\/project\/[a-z]{20}$/);
    refA = alice.url().split("/").pop()!;
    await alice.waitForSelector("[data-testid=event-log] li");
    await snap(alice, "projects-03-coming-up");
    await waitForStatus(alice, "ACTIVE_HEALTHY");
    await expect
      .poll(() => alice.locator("[data-testid=services] tbody tr").count(), { timeout: 20_000 })
      // the app runs with analytics off (the default): no analytics or vector rows
      .toBe(templateServices(LATEST_STACK_VERSION, { analytics: false }).length);
    await alice.click("[data-testid=nav-logs]");
    // the log viewer reconnects once containers exist and shows the db's output: its data came
    // from the template's seed (SUPAFLEET_DB_SEED is on by default), so it skipped the first boot
    await expect
      .poll(() => alice.textContent("[data-testid=log-lines]"), { timeout: 30_000 })
      .toContain("PostgreSQL Database directory appears to contain a database; Skipping initialization");
    await snap(alice, "projects-04-healthy");
  });

  it("reveals and copies the keys", async () => {
    await alice.click("[data-testid=nav-api]");
    expect(await alice.textContent("[data-testid=anon-key]")).toMatch(/^•+$/);
    await alice.click("[data-testid=reveal]");
    await expect.poll(() => alice.textContent("[data-testid=anon-key]")).toMatch(/^eyJ/);
    const anon = (await alice.textContent("[data-testid=anon-key]"))!;
    const service = (await alice.textContent("[data-testid=service-key]"))!;
    expect(service).toMatch(/^eyJ/);
    expect(service).not.toBe(anon);
    await alice.click("[data-testid=anon-key-copy]");
    expect(await alice.evaluate(() => navigator.clipboard.readText())).toBe(anon);
    // the revealed keys stay revealed in the database section (the layout holds them)
    await alice.click("[data-testid=nav-database]");
    expect(await alice.textContent("[data-testid=direct-url]")).toContain(`postgres.${refA}:`);
    await snap(alice, "projects-05-keys-revealed");
  });

  it("pauses and resumes", async () => {
    await alice.click("button:has-text('Pause')");
    await waitForStatus(alice, "INACTIVE", 120_000);
    await snap(alice, "projects-06-paused");
    await alice.click("button:has-text('Resume')");
    await waitForStatus(alice, "ACTIVE_HEALTHY");
    await snap(alice, "projects-07-resumed");
  });

  it("keeps a second user away from the first user's project, in pages, routes and server actions", async () => {
    const bob = await newPage();
    await signUp(bob, app.url, "bob@example.com", "bob-password-1");
    const foreign = await bob.goto(`${app.url}/project/${refA}`);
    expect(foreign?.status()).toBe(404);
    await snap(bob, "projects-08-foreign-project");
    expect((await bob.request.get(`${app.url}/api/projects/${refA}/events`)).status()).toBe(404);
    expect((await bob.request.get(`${app.url}/api/projects/${refA}/logs?service=db&follow=0`)).status()).toBe(404);
    // Bob's own project: his delete action, rewritten in flight to name Alice's ref.
    await bob.goto(`${app.url}/dashboard`);
    const refB = await createProjectInBrowser(bob, "Bob app");
    await bob.route(`${app.url}/project/${refB}`, async (route) => {
      const body = route.request().postData();
      if (route.request().method() === "POST" && body?.includes(refB)) await route.continue({ postData: body.replaceAll(refB, refA) });
      else await route.continue();
    });
    await bob.click("button:has-text('Delete')");
    await bob.fill("[data-testid=confirm-ref]", refB);
    await bob.click("button:has-text('Delete project')");
    await expect.poll(() => bob.locator("[role=dialog] [role=alert]").textContent()).toBe("Project not found.");
    await snap(bob, "projects-09-forged-action-refused");
    await bob.unroute(`${app.url}/project/${refB}`);
    // Alice's project is untouched
    await alice.reload();
    await waitForStatus(alice, "ACTIVE_HEALTHY", 30_000);
    // Bob really deletes his own (still coming up) project
    await bob.fill("[data-testid=confirm-ref]", refB);
    await bob.click("button:has-text('Delete project')");
    await bob.waitForURL("**/dashboard");
    await expect.poll(() => labelled(refB), { timeout: 60_000 }).toBe(0);
  });

  it("lets the admin set quotas and disable a user", async () => {
    const admin = await newPage();
    await logIn(admin, "root@example.com", "root-password-1");
    await admin.waitForURL("**/dashboard");
    // Admins must have two-factor authentication before the console works.
    await enrolTotp(admin, app.url);
    await admin.goto(`${app.url}/admin`);
    expect(await admin.textContent("[data-testid=running-projects]")).toBe("1");
    await admin.fill("[data-testid=default-quota]", "1");
    await admin.click("[data-testid=save-settings]");
    await expect.poll(async () => (await admin.textContent("[data-testid='user-alice@example.com']")) ?? "").toContain("1 / 1");
    await snap(admin, "projects-10-admin");
    // Alice is at her limit now
    await alice.goto(`${app.url}/dashboard`);
    expect(await alice.textContent("[data-testid=quota]")).toContain("1 of 1 projects");
    await alice.click("text=+ New project");
    await alice.fill("#field-name", "One too many");
    await alice.click("button:has-text('Create project')");
    await expect.poll(() => alice.locator("[role=dialog] [role=alert]").textContent()).toContain("Project limit reached (1)");
    await snap(alice, "projects-11-quota");
    await alice.keyboard.press("Escape");
    // Disable Bob: his session ends and he cannot log in again
    await admin.click("[data-testid='toggle-bob@example.com']");
    await expect.poll(async () => (await admin.textContent("[data-testid='user-bob@example.com']")) ?? "").toContain("Disabled");
    const bob = contexts[1]!.pages()[0]!;
    await bob.goto(`${app.url}/dashboard`);
    await bob.waitForURL("**/login**");
    await logIn(bob, "bob@example.com", "bob-password-1");
    await expect.poll(() => bob.locator(".border-red-200[role=alert]").textContent()).toBe("This account is disabled. Contact an administrator.");
    await snap(bob, "projects-12-disabled-user");
    // A non-admin gets no admin console
    expect((await alice.goto(`${app.url}/admin`))?.status()).toBe(404);
  });

  it("moves the project into a team, where an invited Developer works on it until removed, then loses it at once", async () => {
    // Alice makes an organization and moves her project into it (Settings → Move to another organization).
    await alice.goto(`${app.url}/organizations`);
    await alice.fill("[data-testid=new-organization] input[name=name]", "Team");
    await alice.click("[data-testid=new-organization] button[type=submit]");
    await alice.waitForURL(/\/organizations\/[a-z]{20}$/);
    const slug = alice.url().split("/").pop()!;
    await alice.goto(`${app.url}/project/${refA}/settings`);
    await alice.selectOption("[data-testid=transfer-target]", slug);
    await alice.click("[data-testid=transfer-submit]");
    await expect.poll(() => alice.locator("[data-testid=transfer] [role=status]").textContent()).toBe("Moved to Team.");
    await snap(alice, "projects-15-moved-to-team");
    // She invites Dave as a Developer; the link is shown to pass on (no SMTP here).
    await alice.goto(`${app.url}/organizations/${slug}`);
    await alice.fill("[data-testid=invite] input[name=email]", "dave@example.com");
    await alice.selectOption("#field-invite-role", "DEVELOPER");
    await alice.click("[data-testid=invite] button[type=submit]");
    const link = new URL((await (await alice.waitForSelector("[data-testid=invitation-link]")).textContent())!);
    const dave = await newPage();
    await signUp(dave, app.url, "dave@example.com", "dave-password-1");
    await dave.goto(`${app.url}/invitations/accept${link.search}`);
    await dave.click("[data-testid=accept-invitation]");
    await dave.waitForURL(`**/organizations/${slug}`);
    expect(await dave.textContent("[data-testid=my-role]")).toBe("Developer");
    // As a Developer: the project runs for him and he may reveal its keys, but neither delete it nor change its settings.
    await dave.goto(`${app.url}/project/${refA}`);
    await waitForStatus(dave, "ACTIVE_HEALTHY", 30_000);
    expect(await dave.textContent("[data-testid=viewer-role]")).toBe("Your role: Developer");
    expect(await dave.locator("button:has-text('Restart')").count()).toBe(1);
    expect(await dave.locator("button:has-text('Delete')").count()).toBe(0);
    await dave.click("[data-testid=nav-api]");
    await dave.click("[data-testid=reveal]");
    await expect.poll(() => dave.textContent("[data-testid=anon-key]")).toMatch(/^eyJ/);
    await dave.click("[data-testid=nav-settings]");
    await dave.waitForSelector("[data-testid=settings-section]");
    expect(await dave.isDisabled("[data-testid=idle-setting]")).toBe(true);
    expect(await dave.textContent("[data-testid=role-note]")).toBe(
      "Your role in this project's organization (Developer) does not allow changing the project's settings.",
    );
    expect(await dave.locator("[data-testid=transfer-section]").count()).toBe(0);
    await snap(dave, "projects-16-developer-settings");
    // His Management API token acts with his role.
    await dave.goto(`${app.url}/account/tokens`);
    await dave.fill("#field-name", "dave's token");
    await dave.click("button:has-text('Create token')");
    const token = (await (await dave.waitForSelector("[data-testid=new-token]")).textContent())!;
    const viaApi = () => fetch(`${app.url}/v1/projects/${refA}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    expect(await viaApi()).toBe(200);
    // Alice removes him: his very next page, route and API call find nothing.
    await alice.goto(`${app.url}/organizations/${slug}`);
    const row = alice.locator("[data-testid=member-row]", { hasText: "dave@example.com" });
    await alice.click(`[data-testid=remove-${await row.getAttribute("data-user-id")}]`);
    await expect.poll(() => row.count()).toBe(0);
    expect((await dave.goto(`${app.url}/project/${refA}`))?.status()).toBe(404);
    expect((await dave.request.get(`${app.url}/api/projects/${refA}/events`)).status()).toBe(404);
    expect(await viaApi()).toBe(404);
    await snap(dave, "projects-17-removed");
  });

  it("deletes the project after typing its ref, leaving nothing on the engine", async () => {
    await alice.goto(`${app.url}/project/${refA}`);
    await alice.click("button:has-text('Delete')");
    await alice.fill("[data-testid=confirm-ref]", "not-the-ref");
    expect(await alice.isDisabled("button:has-text('Delete project')")).toBe(true);
    await alice.fill("[data-testid=confirm-ref]", refA);
    await snap(alice, "projects-13-delete-confirm");
    await alice.click("button:has-text('Delete project')");
    // A delete first takes the final backup (soft delete), then removes the stack: slower on a busy host.
    await alice.waitForURL("**/dashboard", { timeout: 120_000 });
    expect(await alice.locator("[data-testid=project-card]").count()).toBe(0);
    expect(await labelled(refA)).toBe(0);
    await snap(alice, "projects-14-after-delete");
  });
});
