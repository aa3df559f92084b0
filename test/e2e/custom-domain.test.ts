// A custom domain from added to active in the browser (issue 29): the owner
// adds the hostname on the project's Settings page, creates the records it
// shows in a real DNS server (pebble-challtestsrv, which the app is told to
// ask with SUPAFLEET_DNS_RESOLVER), is refused while the TXT record is wrong,
// verifies, activates (Auth restarts with the new public URL, read from the
// engine) and deletes it. Without automatic HTTPS here (nginx is off in
// browser tests), a verified hostname is ready to activate at once; the
// certificate's part is test/integration/proxy/custom-domains.test.ts.
// Stand-in images, real engine.
import type Docker from "dockerode";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDockerProvisioner } from "@/lib/docker/provisioner";
import { LABELS } from "@/lib/stack/types";
import { startApp, type AppServer } from "@/test/support/app-server";
import { createProjectInBrowser, launchBrowser, signUp } from "@/test/support/browser";
import { ensureDockerHost } from "@/test/support/docker-host";
import { startPebble, type Pebble } from "@/test/support/pebble";
import { startCloudflareDoh, type CloudflareDoh } from "@/test/support/cloudflare-doh";
import { startSupabaseCli, type SupabaseCliFront } from "@/test/support/supabase-cli";
import { freePort } from "@/test/support/postgres-server";
import { ensureStandinImages, STANDIN_OVERRIDES_ENV } from "@/test/support/standin-images";
import { tempFolder } from "@/test/support/temp-folder";

const HOST = "www.bakery.test";
let app: AppServer;
let browser: Browser;
let docker: Docker;
let page: Page;
let pebble: Pebble;
let ref: string;
let cli: SupabaseCliFront | undefined;
let doh: CloudflareDoh | undefined;

beforeAll(async () => {
  docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  // Its DNS server is the one the owner's records go into.
  pebble = await startPebble(tempFolder("custom-domain-e2e"), await freePort());
  app = await startApp({ SUPAFLEET_IMAGE_OVERRIDES: STANDIN_OVERRIDES_ENV, SUPAFLEET_PORT_RANGE: "56650-56699", SUPAFLEET_DNS_RESOLVER: pebble.dnsServer });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 1400 } })).newPage();
  page.setDefaultTimeout(30_000);
}, 900_000);

afterAll(async () => {
  cli?.stop();
  await doh?.stop();
  await browser?.close();
  await app?.stop();
  await pebble?.stop();
  if (ref) {
    const [c] = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABELS.ref}=${ref}`] }) });
    const installation = c?.Labels[LABELS.installation];
    if (installation) await createDockerProvisioner("/var/run/docker.sock", installation).destroy(ref);
  }
}, 120_000);

async function serviceEnv(service: string): Promise<{ id: string; env: Record<string, string> }> {
  const [c] = await docker.listContainers({ filters: JSON.stringify({ label: [`${LABELS.ref}=${ref}`, `${LABELS.service}=${service}`] }) });
  const info = await docker.getContainer(c!.Id).inspect();
  return { id: c!.Id, env: Object.fromEntries(info.Config.Env.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)])) };
}

const status = () => page.textContent("[data-testid=custom-domain-status]");

describe("a custom domain in the browser", () => {
  it("adds a hostname (refusing one under this server's domain) and shows the records to create", async () => {
    await signUp(page, app.url, "domainowner@example.com", "a-good-password-1");
    ref = await createProjectInBrowser(page, "Bakery");
    await page.waitForSelector("[data-testid=status-badge][data-status=ACTIVE_HEALTHY]", { timeout: 600_000 });
    await page.click("[data-testid=nav-settings]");
    await page.fill("[data-testid=custom-domain-input]", `shop.${ref}.localhost`);
    await page.click("[data-testid=custom-domain-add]");
    await page.waitForSelector("[data-testid=custom-domain-section] [role=alert]");
    expect(await page.textContent("[data-testid=custom-domain-section]")).toContain("this server's own");
    await page.fill("[data-testid=custom-domain-input]", HOST);
    await page.click("[data-testid=custom-domain-add]");
    await page.waitForSelector("[data-testid=custom-domain-records]");
    expect(await status()).toBe("Waiting for the DNS records");
    const records = await page.textContent("[data-testid=custom-domain-records]");
    expect(records).toContain(`${ref}.localhost`);
    expect(records).toContain(`_supafleet-challenge.${HOST}`);
  }, 900_000);

  it("a wrong TXT record is refused with what is wrong; the right ones verify and it is ready to activate", async () => {
    const cells = await page.$$eval("[data-testid=custom-domain-records] td.font-mono", (tds) => tds.map((td) => td.firstChild?.textContent?.trim() ?? ""));
    const token = cells[3]!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await pebble.dns.setCname(HOST, `${ref}.localhost`);
    await pebble.dns.setTxt(`_supafleet-challenge.${HOST}`, "wrong");
    await page.click("[data-testid=custom-domain-verify]");
    await page.waitForSelector("[data-testid=custom-domain] [role=alert]");
    expect(await page.textContent("[data-testid=custom-domain]")).toContain("does not hold the ownership token");
    expect(await status()).toBe("Waiting for the DNS records");
    await pebble.dns.clearTxt(`_supafleet-challenge.${HOST}`);
    await pebble.dns.setTxt(`_supafleet-challenge.${HOST}`, token);
    await page.click("[data-testid=custom-domain-verify]");
    await expect.poll(status).toBe("Ready to activate");
  });

  it("activates: the project's public URL is the hostname, and only auth and storage are made again", async () => {
    const before = { auth: await serviceEnv("auth"), rest: await serviceEnv("rest") };
    await page.click("[data-testid=custom-domain-activate]");
    await expect.poll(status).toBe("Active");
    await expect
      .poll(async () => (await serviceEnv("auth").catch(() => before.auth)).env.GOTRUE_MAILER_EXTERNAL_HOSTS, { timeout: 120_000 })
      .toBe(`${ref}.localhost,${HOST}`);
    expect((await serviceEnv("auth")).env.API_EXTERNAL_URL).toBe(`http://${HOST}/auth/v1`);
    await expect.poll(async () => (await serviceEnv("storage").catch(() => null))?.env.STORAGE_PUBLIC_URL, { timeout: 120_000 }).toBe(`http://${HOST}`);
    expect((await serviceEnv("rest")).id).toBe(before.rest.id);
    await page.reload();
    expect(await status()).toBe("Active");
  }, 300_000);

  it("delete puts it all back", async () => {
    await page.click("[data-testid=custom-domain-delete]");
    await page.waitForSelector("[data-testid=custom-domain-input]");
    await expect
      .poll(async () => (await serviceEnv("auth").catch(() => null))?.env.API_EXTERNAL_URL, { timeout: 120_000 })
      .toBe(`http://${ref}.localhost/auth/v1`);
    // Storage is made again after auth: the project is free again once it runs the old URL.
    await expect
      .poll(async () => (await serviceEnv("storage").catch(() => null))?.env.STORAGE_PUBLIC_URL, { timeout: 120_000 })
      .toBe(`http://${ref}.localhost`);
    await page.reload();
    await page.waitForSelector("[data-testid=custom-domain-input]");
  }, 300_000);

  it("the Supabase CLI's domains commands (create, get, reverify, activate, delete) work against it", async () => {
    // A token from the account page, as a user makes one.
    await page.goto(`${app.url}/account/tokens`);
    await page.fill("#field-name", "cli");
    await page.click("button:has-text('Create token')");
    const token = ((await (await page.waitForSelector("[data-testid=new-token]")).textContent()) ?? "").trim();
    cli = await startSupabaseCli({ appPort: app.port, token, projects: async () => [] });
    const run = async (...args: string[]) => {
      const r = await cli!.run([...args, "--project-ref", ref]);
      expect(r.code, `supabase ${args.join(" ")}\n${r.stdout}\n${r.stderr}`).toBe(0);
      return r.stdout + r.stderr;
    };
    // `domains create` checks the CNAME itself over Cloudflare's DNS-over-HTTPS, which this machine cannot
    // reach: through test/support/cloudflare-doh.ts (a double for 1.1.1.1 that answers from the test's DNS server).
    doh = await startCloudflareDoh(tempFolder("custom-domain-doh"), pebble.dnsServer);
    const refused = await cli.run(["domains", "create", "--custom-hostname", "no-cname.example.net", "--project-ref", ref], doh.env);
    expect(refused.code, refused.stdout).not.toBe(0);
    expect(refused.stderr).toContain("expected custom hostname 'no-cname.example.net' to have a CNAME record pointing to your project");
    const created = await cli.run(["domains", "create", "--custom-hostname", HOST, "-o", "json", "--project-ref", ref], doh.env);
    expect(created.code, `supabase domains create\n${created.stdout}\n${created.stderr}`).toBe(0);
    expect(doh.queries).toContainEqual({ name: HOST, type: "5" });
    const txt = (JSON.parse(created.stdout) as { data: { result: { ownership_verification: { name: string; value: string } } } }).data.result
      .ownership_verification;
    expect(await run("domains", "get")).toContain(`${txt.name} TXT -> ${txt.value}`);
    await pebble.dns.clearTxt(txt.name);
    await pebble.dns.setTxt(txt.name, txt.value);
    expect(await run("domains", "reverify")).toContain("ready for activation");
    expect(await run("domains", "activate")).toContain(`Project is now accessible at ${HOST}`);
    expect(JSON.parse(await cli.run(["domains", "get", "-o", "json", "--project-ref", ref]).then((r) => r.stdout))).toMatchObject({
      status: "5_services_reconfigured",
      custom_hostname: HOST,
    });
    await run("domains", "delete");
    const gone = await cli.run(["domains", "get", "--project-ref", ref]);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain("no custom hostname");
  }, 600_000);
});
