// Backups in the browser: the owner backs a project up from its page, sees
// the backup with its size, downloads it (a gzip archive, the owner only),
// writes more data, restores the backup after typing the ref (the data goes
// back to what the backup held), clones it into a new project, deletes the
// project and brings it back from the dashboard's deleted list. Data is read
// and written inside the db container (psql as the image's superuser), so
// the browser test checks what the clicks did to the database itself.
// Stand-in images, real engine, real PostgreSQL.
import type Docker from "dockerode";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { psqlCommand } from "@/lib/docker/psql-session";
import { runExec } from "@/lib/docker/exec-stream";
import { createDockerProvisioner } from "@/lib/docker/provisioner";
import { containerName } from "@/lib/stack/build-stack-spec";
import { LABELS } from "@/lib/stack/types";
import { startApp, type AppServer } from "@/test/support/app-server";
import { createProjectInBrowser, launchBrowser, signUp, snap } from "@/test/support/browser";
import { ensureDockerHost } from "@/test/support/docker-host";
import { ensureStandinImages, STANDIN_OVERRIDES_ENV } from "@/test/support/standin-images";

let app: AppServer;
let browser: Browser;
let docker: Docker;
let page: Page;
let ref: string;
const refs: string[] = [];

async function sql(projectRef: string, text: string): Promise<string> {
  return (await runExec(docker, containerName(projectRef, "db"), psqlCommand(["-c", text]))).trim();
}

async function waitHealthy(): Promise<void> {
  await page.waitForSelector("[data-testid=status-badge][data-status=ACTIVE_HEALTHY]", { timeout: 600_000 });
}

beforeAll(async () => {
  docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  app = await startApp({ SUPAFLEET_IMAGE_OVERRIDES: STANDIN_OVERRIDES_ENV, SUPAFLEET_PORT_RANGE: "55700-55799" });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 1400 }, acceptDownloads: true })).newPage();
  page.setDefaultTimeout(30_000);
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  // The app's database goes with it: remove its stacks by their labels, as its installation would.
  for (const r of refs) {
    const [c] = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABELS.ref}=${r}`] }) });
    const installation = c?.Labels[LABELS.installation];
    if (installation) await createDockerProvisioner("/var/run/docker.sock", installation).destroy(r);
  }
}, 180_000);

describe("Backups in the browser", () => {
  it("backs up from the project page and lists the backup with its size; the download is the owner's archive", async () => {
    await signUp(page, app.url, "backupowner@example.com", "a-good-password-1");
    ref = await createProjectInBrowser(page, "Backup demo");
    refs.push(ref);
    await waitHealthy();
    await sql(ref, "create table notes (id int primary key, body text); insert into notes values (1, 'kept by the backup')");

    await page.click("[data-testid=nav-backups]");
    await page.click("[data-testid=backup-now]");
    const row = page.locator("[data-testid=backups] tbody tr").first();
    await expect.poll(() => row.textContent(), { timeout: 180_000 }).toContain("succeeded");
    expect(await row.textContent()).toContain("on demand");
    expect(await row.textContent()).toMatch(/\d+(\.\d)? (KiB|MiB)/);

    const [download] = await Promise.all([page.waitForEvent("download"), row.locator("[data-testid=backup-download]").click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^${ref}-\\d{8}T\\d{6}\\.tar\\.gz$`));
    const stream = await download.createReadStream();
    const head: Buffer = await new Promise((resolve, reject) => {
      stream.once("data", (d: Buffer) => resolve(d));
      stream.once("error", reject);
    });
    stream.destroy();
    expect([head[0], head[1]]).toEqual([0x1f, 0x8b]); // gzip, decrypted for its owner
    // Another signed-in user gets no archive.
    const stranger = await browser.newContext();
    const other = await stranger.newPage();
    await signUp(other, app.url, "stranger@example.com", "a-good-password-1");
    const href = await row.locator("[data-testid=backup-download]").getAttribute("href");
    const refused = await other.request.get(`${app.url}${href}`);
    expect(refused.status()).toBe(404);
    await stranger.close();
    await snap(page, "backups-list");
  }, 900_000);

  it("restores after the typed ref: the data is the backup's again", async () => {
    await sql(ref, "insert into notes values (2, 'written after the backup')");
    const row = page.locator("[data-testid=backups] tbody tr").first();
    await row.locator("button:has-text('Restore')").click();
    const submit = page.locator("button:has-text('Replace the data')");
    await page.fill("[data-testid=confirm-ref]", "wrong-ref");
    expect(await submit.isDisabled()).toBe(true);
    await page.fill("[data-testid=confirm-ref]", ref);
    await submit.click();
    // The restore replaces the data once the restored stack is healthy; until then the old data answers (or nothing, mid-switch).
    await expect
      .poll(async () => sql(ref, "select string_agg(body, ',' order by id) from notes").catch((err: unknown) => String(err)), {
        timeout: 600_000,
        interval: 2_000,
      })
      .toBe("kept by the backup");
    await waitHealthy();
  }, 900_000);

  it("clones the backup into a new project with the same data", async () => {
    const row = page.locator("[data-testid=backups] tbody tr").filter({ hasText: "on demand" }).first();
    await row.locator("[data-testid=backup-clone]").click();
    await page.fill("[data-testid=clone-name]", "Backup demo copy");
    await page.click("button[type=submit]:has-text('Clone')");
    await page.waitForURL((u) => /\/project\/[a-z]{20}$/.test(u.pathname) && !u.pathname.endsWith(ref));
    const clone = page.url().split("/").pop()!;
    refs.push(clone);
    await waitHealthy();
    expect(await sql(clone, "select string_agg(body, ',' order by id) from notes")).toBe("kept by the backup");
  }, 900_000);

  it("a deleted project is listed on the dashboard and comes back with its data", async () => {
    await page.goto(`${app.url}/project/${ref}`);
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await page.fill("[data-testid=confirm-ref]", ref);
    await page.click("button:has-text('Delete project')");
    await page.waitForURL("**/dashboard", { timeout: 300_000 });
    const deleted = page.locator(`[data-testid=deleted-${ref}]`);
    await deleted.waitFor({ timeout: 120_000 });
    await deleted.locator("button:has-text('Bring back')").click();
    await page.waitForURL(`**/project/${ref}`, { timeout: 120_000 });
    await waitHealthy();
    expect(await sql(ref, "select string_agg(body, ',' order by id) from notes")).toBe("kept by the backup");
    await snap(page, "backups-brought-back");
  }, 900_000);
});
