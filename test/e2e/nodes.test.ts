// The Swarm nodes panel in the admin console, in a browser, on the real
// engine as a single-node swarm (SUPAFLEET_ENGINE=swarm): the admin sees this
// host's node with its state, capacity and projects; "Drain" labels the node
// on the engine, and a create then fails with a clear message instead of
// placing a project; "Take new projects" takes it back and a create places a
// project there again. Stand-in images.
import type Docker from "dockerode";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSwarmProvisioner } from "@/lib/swarm/provisioner";
import { DRAIN_LABEL, setNodeDrained } from "@/lib/swarm/nodes";
import { LABELS } from "@/lib/stack/types";
import { startApp, type AppServer } from "@/test/support/app-server";
import { launchBrowser, snap } from "@/test/support/browser";
import { ensureDockerHost } from "@/test/support/docker-host";
import { ensureStandinImages, STANDIN_OVERRIDES_ENV } from "@/test/support/standin-images";
import { joinSwarm, type TestSwarm } from "@/test/support/swarm";
import { enrolTotp } from "@/test/support/two-factor";

let app: AppServer;
let browser: Browser;
let docker: Docker;
let swarm: TestSwarm;
let page: Page;
const refs: string[] = [];

async function nodeLabels(): Promise<Record<string, string>> {
  const node = (await docker.getNode(swarm.nodeId).inspect()) as { Spec?: { Labels?: Record<string, string> } };
  return node.Spec?.Labels ?? {};
}

beforeAll(async () => {
  docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  swarm = await joinSwarm(docker);
  app = await startApp({
    SUPAFLEET_ENGINE: "swarm",
    SUPAFLEET_ADMIN_EMAIL: "admin@example.com",
    SUPAFLEET_ADMIN_PASSWORD: "admin-password-1",
    SUPAFLEET_IMAGE_OVERRIDES: STANDIN_OVERRIDES_ENV,
    SUPAFLEET_PORT_RANGE: "55900-55949",
  });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 1400 } })).newPage();
  page.setDefaultTimeout(30_000);
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  if (docker && swarm) {
    // A failed run must not leave the host's node drained for the rest of the suite.
    if ((await nodeLabels())[DRAIN_LABEL]) await setNodeDrained(docker, swarm.nodeId, false);
    for (const ref of refs) {
      const [s] = await docker.listServices({ filters: JSON.stringify({ label: [`${LABELS.ref}=${ref}`] }) });
      const installation = s?.Spec?.Labels?.[LABELS.installation];
      if (installation) await createSwarmProvisioner("/var/run/docker.sock", installation).destroy(ref);
    }
    await swarm.release();
  }
}, 300_000);

async function openCreateDialog(name: string): Promise<void> {
  await page.goto(`${app.url}/dashboard`);
  await page.click("text=+ New project");
  await page.fill("#field-name", name);
  await page.click("button:has-text('Create project')");
}

describe("Swarm nodes in the admin console", () => {
  it("shows this host's node: ready, its CPUs and memory, no projects yet", async () => {
    await page.goto(`${app.url}/login`);
    await page.fill("#field-email", "admin@example.com");
    await page.fill("#field-password", "admin-password-1");
    await page.click("button[type=submit]");
    await page.waitForURL("**/dashboard");
    // Admins must have two-factor authentication before the console works.
    await enrolTotp(page, app.url);
    await page.goto(`${app.url}/admin`);
    const row = page.locator(`[data-testid=nodes] [data-testid=node-${swarm.nodeId}]`);
    await expect.poll(() => row.count()).toBe(1);
    const text = (await row.textContent()) ?? "";
    expect(text).toContain("(this host)");
    expect(text).toContain("ready");
    expect(text).not.toContain("drained");
    expect(await row.locator("button").textContent()).toBe("Drain");
    await snap(page, "admin-nodes");
  });

  it("drains the node: the engine's node carries the drain label, and a create is refused with a clear message, nothing placed", async () => {
    await page.click(`[data-testid=node-drain-${swarm.nodeId}]`);
    await expect.poll(async () => (await nodeLabels())[DRAIN_LABEL], { timeout: 30_000 }).toBe("true");
    const row = page.locator(`[data-testid=node-${swarm.nodeId}]`);
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain("drained");
    expect(await row.locator("button").textContent()).toBe("Take new projects");

    const servicesBefore = (await docker.listServices()).length;
    await openCreateDialog("On a drained node");
    await expect.poll(() => page.locator("[role=alert]").first().textContent(), { timeout: 60_000 }).toContain("No Swarm node takes new projects");
    expect(page.url()).not.toMatch(/\/project\/[a-z]{20}$/);
    expect((await docker.listServices()).length).toBe(servicesBefore);
  });

  it("takes the node back: the label is gone, and a create places the project on it, counted in the node's row", async () => {
    await page.goto(`${app.url}/admin`);
    await page.click(`[data-testid=node-drain-${swarm.nodeId}]`);
    await expect.poll(async () => (await nodeLabels())[DRAIN_LABEL] ?? "none", { timeout: 30_000 }).toBe("none");

    await openCreateDialog("On the node again");
    await page.waitForURL(/\/project\/[a-z]{20}$/, { timeout: 60_000 });
    const ref = page.url().split("/").pop()!;
    refs.push(ref);
    await page.goto(`${app.url}/admin`);
    const row = page.locator(`[data-testid=node-${swarm.nodeId}]`);
    await expect.poll(async () => (await row.locator("td[title]").getAttribute("title")) ?? "", { timeout: 60_000 }).toContain(ref);
    expect((await row.textContent()) ?? "").not.toContain("drained");
  });
});
