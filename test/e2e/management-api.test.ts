// The Management API as outside tools use it: tokens made on the account page
// in a browser; supabase-management-js (from npm) pointed at the built app
// drives a real stand-in project through list, create, keys (legacy and
// new), Auth config (PATCH replaces only the auth container), SQL, pause,
// restore and delete; raw HTTP covers auth failures, another user's ref,
// hostile refs and bodies, quotas, revocation and expiry taking effect at
// once, rate limits and the admin scope. Stand-in images, real engine.
import { request as httpRequest } from "node:http";
import type Docker from "dockerode";
import { decodeJwt } from "jose";
import type { Browser, Page } from "playwright-core";
import { SupabaseManagementAPI, SupabaseManagementAPIError } from "supabase-management-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { z } from "zod";
import { createDb, type Db } from "@/lib/db/client";
import {
  apiKeySchema,
  errorSchema,
  organizationSchema,
  projectRefResponseSchema,
  projectSchema,
  projectWithDatabaseSchema,
  serviceHealthSchema,
} from "@/lib/api/schemas";
import { authConfigSchema } from "@/lib/api/auth-config-schemas";
import { allOperations } from "@/lib/api/operations";
import { LABELS } from "@/lib/stack/types";
import { startApp, type AppServer } from "@/test/support/app-server";
import { launchBrowser, signUp, snap } from "@/test/support/browser";
import { ensureDockerHost } from "@/test/support/docker-host";
import { ensureStandinImages, STANDIN_OVERRIDES_ENV } from "@/test/support/standin-images";
import { startSupabaseCli, type SupabaseCliFront } from "@/test/support/supabase-cli";
import { addHostsEntries, assertPortFree } from "@/test/support/etc-hosts";
import { decryptSecrets } from "@/lib/crypto/secret-box";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const RATE_LIMIT = 100;

let app: AppServer;
let browser: Browser;
let docker: Docker;
let db: Db;

beforeAll(async () => {
  docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  // The Supabase CLI dials the pooler host on 5432 whatever port it is given (README, "Use the Supabase CLI"):
  // the shared Postgres port must be 5432 here, on loopback.
  await assertPortFree(5432, "127.0.0.1", "the Supabase CLI test needs the shared Postgres port there");
  app = await startApp({
    SUPAFLEET_PG_ROUTER: "127.0.0.1:5432",
    SUPAFLEET_IMAGE_OVERRIDES: STANDIN_OVERRIDES_ENV,
    SUPAFLEET_PORT_RANGE: "55800-55899",
    SUPAFLEET_ADMIN_EMAIL: "root@example.com",
    SUPAFLEET_ADMIN_PASSWORD: "root-password-1",
    SUPAFLEET_API_RATE_LIMIT: String(RATE_LIMIT),
  });
  // The app's own database, to stand in for the passing of time (expiry) and an admin's quota change.
  db = createDb(`file:${app.dataDir}/supafleet.db`);
  browser = await launchBrowser();
});

const created: Array<{ ref: string; token: () => string }> = [];

afterAll(async () => {
  // Whatever a failed test left running goes, through the API itself.
  for (const c of created) {
    await fetch(`${app.url}/v1/projects/${c.ref}`, { method: "DELETE", headers: { authorization: `Bearer ${c.token()}` } }).catch(() => undefined);
  }
  await browser?.close();
  await db?.$disconnect();
  await app?.stop();
});

// ---- helpers ------------------------------------------------------------------------

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, permissions: ["clipboard-read", "clipboard-write"] });
  const page = await ctx.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}

async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto(`${app.url}/login`);
  await page.fill("#field-email", email);
  await page.fill("#field-password", password);
  await page.click("button[type=submit]");
  await page.waitForURL("**/dashboard");
}

/** Makes a token on the account page and reads it from the one place it is ever shown. */
async function createToken(page: Page, name: string, opts: { expiry?: string; admin?: boolean } = {}): Promise<string> {
  await page.goto(`${app.url}/account/tokens`);
  await page.fill("#field-name", name);
  if (opts.expiry) await page.selectOption("#field-expiresInDays", opts.expiry);
  if (opts.admin) await page.check("#field-admin");
  await page.click("button:has-text('Create token')");
  const token = (await (await page.waitForSelector("[data-testid=new-token]")).textContent()) ?? "";
  expect(token).toMatch(/^sbp_[a-f0-9]{40}$/);
  await page.waitForSelector(`[data-testid=token-row]:has-text("${name}")`);
  return token;
}

interface Reply {
  status: number;
  headers: Headers;
  json: unknown;
  text: string;
}

async function call(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers };
  let body: string | undefined = opts.raw;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await fetch(`${app.url}${path}`, { method, headers, body });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: the test that cares says so
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** An error answer: the status, Supabase's { message } shape, as JSON. */
function expectError(r: Reply, status: number, message?: RegExp): void {
  expect(r.status, r.text).toBe(status);
  expect(r.headers.get("content-type")).toContain("application/json");
  const body = errorSchema.strict().parse(r.json);
  if (message) expect(body.message).toMatch(message);
}

async function labelled(ref: string): Promise<number> {
  const filters = JSON.stringify({ label: [`${LABELS.ref}=${ref}`] });
  const [c, v, n] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listVolumes({ filters }), docker.listNetworks({ filters })]);
  return c.length + (v.Volumes?.length ?? 0) + n.length;
}

/** Each service's container id, and the auth container's environment and health, read from the engine. */
async function stackState(ref: string): Promise<{ ids: Record<string, string>; authEnv: Record<string, string>; authHealth: string }> {
  const list = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABELS.ref}=${ref}`] }) });
  const ids = Object.fromEntries(list.map((c) => [c.Labels[LABELS.service] ?? "?", c.Id]));
  const info = await docker.getContainer(ids.auth!).inspect();
  const authEnv = Object.fromEntries(info.Config.Env.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
  return { ids, authEnv, authHealth: info.State.Health?.Status ?? (info.State.Running ? "running" : info.State.Status) };
}

async function waitForStatus(api: SupabaseManagementAPI, ref: string, status: string, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    last = (await api.getProject(ref)).data.status;
    if (last === status) return;
    // Also a clear failure instead of a timeout when the stack cannot come up.
    if (last === "INIT_FAILED") throw new Error(`project ${ref} is INIT_FAILED:\n${app.logs().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 3000));
  }
  throw new Error(`project ${ref} stayed ${last}, expected ${status}`);
}

// ---- the tests ---------------------------------------------------------------------------

/** A POST through the local nginx with the given Host header. */
function viaNginx(port: number, host: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, method: "POST", headers: { ...headers, host } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => done({ status: res.statusCode ?? 0, body }));
      res.on("error", fail);
    });
    req.on("error", fail);
    req.end();
  });
}

describe("the Management API with real clients", () => {
  let alice: Page;
  let aliceToken = "";
  let bobToken = "";
  let api: SupabaseManagementAPI;
  let ref = "";
  let orgSlug = "";

  it("issues tokens on the account page, shown once, listed by prefix", async () => {
    alice = await newPage();
    await signUp(alice, app.url, "alice@example.com", "alice-password");
    aliceToken = await createToken(alice, "client tests", { expiry: "7" });
    await snap(alice, "api-01-token-created");
    // Shown once: a reload lists it by prefix only.
    await alice.reload();
    expect(await alice.locator("[data-testid=new-token]").count()).toBe(0);
    expect(await alice.content()).not.toContain(aliceToken.slice(8));
    expect(await alice.textContent("[data-testid=token-row]")).toContain(aliceToken.slice(0, 8));
    expect(await alice.textContent("[data-testid=last-used]")).toBe("Never used");
    const bob = await newPage();
    await signUp(bob, app.url, "bob@example.com", "bob-password-1");
    bobToken = await createToken(bob, "bob's token");
    api = new SupabaseManagementAPI({ accessToken: aliceToken, baseUrl: app.url });
  });

  it("lists organizations and projects, and creates a project with supabase-management-js", async () => {
    const orgs = await api.listAllOrganizations();
    expect(orgs.status).toBe(200);
    expect(orgs.data).toHaveLength(1);
    orgSlug = organizationSchema.strict().parse(orgs.data[0]).slug;
    expect((await api.listAllProjects()).data).toEqual([]);
    const res = await api.createAProject({ db_pass: "ignored-by-supafleet", name: "Client app", organization_slug: orgSlug, region: "eu-west-1" });
    expect(res.status).toBe(201);
    const project = projectSchema.strict().parse(res.data);
    ref = project.ref;
    created.push({ ref, token: () => aliceToken });
    expect(project).toMatchObject({ name: "Client app", region: "eu-west-1", status: "COMING_UP", organization_slug: orgSlug, id: ref });
    const listed = (await api.listAllProjects()).data;
    expect(listed.map((p) => projectWithDatabaseSchema.strict().parse(p).ref)).toEqual([ref]);
    await waitForStatus(api, ref, "ACTIVE_HEALTHY");
    const got = projectWithDatabaseSchema.strict().parse((await api.getProject(ref)).data);
    expect(got.database).toMatchObject({ host: `${ref}.localhost`, postgres_engine: "17", release_channel: "ga" });
  });

  it("reports service health in Supabase's words", async () => {
    const res = await api.getServicesHealth(ref, { services: ["db", "auth", "rest", "pooler", "realtime", "storage", "db_postgres_user"] });
    const health = res.data.map((h) => serviceHealthSchema.strict().parse(h));
    expect(health.map((h) => [h.name, h.status, h.healthy])).toEqual([
      ["db", "ACTIVE_HEALTHY", true],
      ["auth", "ACTIVE_HEALTHY", true],
      ["rest", "ACTIVE_HEALTHY", true],
      ["pooler", "ACTIVE_HEALTHY", true],
      ["realtime", "ACTIVE_HEALTHY", true],
      ["storage", "ACTIVE_HEALTHY", true],
      ["db_postgres_user", "ACTIVE_HEALTHY", true],
    ]);
    // the repeated-parameter form works too, and the parameter is required
    const repeated = await call("GET", `/v1/projects/${ref}/health?services=db&services=auth`, { token: aliceToken });
    expect(repeated.status).toBe(200);
    expect((repeated.json as Array<{ name: string }>).map((h) => h.name)).toEqual(["db", "auth"]);
    expectError(await call("GET", `/v1/projects/${ref}/health`, { token: aliceToken }), 400, /query\.services/);
  });

  it("reads the project's API keys: the legacy pair and the new keys, the same the dashboard shows", async () => {
    const res = await api.getProjectApiKeys(ref);
    const keys = res.data.map((k) => apiKeySchema.strict().parse(k));
    expect(keys.map((k) => [k.name, k.type, k.id])).toEqual([
      ["anon", "legacy", "anon"],
      ["service_role", "legacy", "service_role"],
      ["publishable", "publishable", "publishable"],
      ["secret", "secret", "secret"],
    ]);
    expect(decodeJwt(keys[0]!.api_key!).role).toBe("anon");
    expect(decodeJwt(keys[1]!.api_key!).role).toBe("service_role");
    expect(keys[2]!.api_key).toMatch(/^sb_publishable_[\w-]{22}_[\w-]{8}$/);
    // without reveal the secret key is only its identifying prefix
    expect(keys[3]!.api_key).toMatch(/^sb_secret_[\w-]{5}$/);
    expect(keys[3]!.prefix).toBe(keys[3]!.api_key);
    expect(keys[3]!.secret_jwt_template).toEqual({ role: "service_role" });
    // reveal=true unmasks the secret key only (legacy and publishable keys are always whole, as upstream)
    const revealed = (await api.getProjectApiKeys(ref, { reveal: true })).data.map((k) => apiKeySchema.strict().parse(k));
    expect(revealed.slice(0, 3)).toEqual(keys.slice(0, 3));
    expect(revealed[3]!.api_key).toMatch(/^sb_secret_[\w-]{22}_[\w-]{8}$/);
    expect(revealed[3]!.api_key!.startsWith(keys[3]!.prefix!)).toBe(true);
    // both answers match the dashboard
    await alice.goto(`${app.url}/project/${ref}/api`);
    await alice.click("[data-testid=reveal]");
    await expect.poll(() => alice.textContent("[data-testid=anon-key]")).toBe(keys[0]!.api_key);
    expect(await alice.textContent("[data-testid=service-key]")).toBe(keys[1]!.api_key);
    expect(await alice.textContent("[data-testid=publishable-key]")).toBe(keys[2]!.api_key);
    expect(await alice.textContent("[data-testid=secret-key]")).toBe(revealed[3]!.api_key);
  });

  it("reads and changes the Auth config; saving replaces only the auth container", async () => {
    const got = authConfigSchema.strict().parse((await api.getAuthServiceConfig(ref)).data);
    // a new project: upstream's default site URL, autoconfirm on, no SMTP; never a password
    expect(got).toMatchObject({ site_url: "http://localhost:3000", uri_allow_list: "", mailer_autoconfirm: true, smtp_host: null, smtp_pass: null });
    const before = await stackState(ref);
    expect(before.authEnv.GOTRUE_SITE_URL).toBe("http://localhost:3000");

    const patched = await api.updateAuthServiceConfig(ref, {
      site_url: "https://client-app.example.com",
      uri_allow_list: "https://client-app.example.com/**,http://localhost:5173",
    });
    expect(patched.status).toBe(200);
    expect(authConfigSchema.strict().parse(patched.data)).toMatchObject({
      site_url: "https://client-app.example.com",
      mailer_autoconfirm: true,
      smtp_host: null,
    });
    expect((await api.getAuthServiceConfig(ref)).data).toMatchObject({
      site_url: "https://client-app.example.com",
      uri_allow_list: "https://client-app.example.com/**,http://localhost:5173",
    });
    // the engine: a new auth container with the settings, healthy; every other container untouched
    await expect
      .poll(
        async () => {
          const st = await stackState(ref);
          return [st.authEnv.GOTRUE_SITE_URL, st.authHealth];
        },
        { timeout: 180_000, interval: 2000 },
      )
      .toEqual(["https://client-app.example.com", "healthy"]);
    const after = await stackState(ref);
    expect(after.authEnv.GOTRUE_URI_ALLOW_LIST).toBe("https://client-app.example.com/**,http://localhost:5173");
    expect(Object.keys(after.ids).sort()).toEqual(Object.keys(before.ids).sort());
    for (const [svc, id] of Object.entries(before.ids)) {
      if (svc === "auth") expect(after.ids[svc]).not.toBe(id);
      else expect(after.ids[svc], svc).toBe(id);
    }
    await expect.poll(async () => (await api.getProject(ref)).data.status, { timeout: 60_000 }).toBe("ACTIVE_HEALTHY");

    // Supabase's other settings are refused by name, bad values by field; nothing changes
    const unknown = await call("PATCH", `/v1/projects/${ref}/config/auth`, {
      token: aliceToken,
      body: { site_url: "https://other.example.com", jwt_exp: 7200 },
    });
    expectError(unknown, 400, /body\.jwt_exp: Not supported by Supafleet\. Supafleet supports these Auth settings only: site_url/);
    expectError(
      await call("PATCH", `/v1/projects/${ref}/config/auth`, { token: aliceToken, body: { site_url: "javascript:alert(1)" } }),
      400,
      /body\.site_url/,
    );
    expectError(
      await call("PATCH", `/v1/projects/${ref}/config/auth`, { token: aliceToken, body: { mailer_autoconfirm: false } }),
      400,
      /body\.mailer_autoconfirm: .*needs custom SMTP/,
    );
    expectError(await call("PATCH", `/v1/projects/${ref}/config/auth`, { token: aliceToken, body: { smtp_port: 587 } }), 400, /body\.smtp_port/);
    expect((await api.getAuthServiceConfig(ref)).data.site_url).toBe("https://client-app.example.com");
    expect((await stackState(ref)).ids.auth).toBe(after.ids.auth);
  });

  it("runs SQL in the project's database", async () => {
    const rows = await api.runAQuery(ref, {
      query:
        "create table notes (id int primary key, body text); insert into notes values (1, 'hi'), (2, 'there'); select id, body from notes order by id; select 'done' as x where false",
    });
    expect(rows.status).toBe(201);
    // the rows of the last statement that returned any
    expect(rows.data).toEqual([
      { id: 1, body: "hi" },
      { id: 2, body: "there" },
    ]);
    expect((await api.runAQuery(ref, { query: "select $1::int + 1 as n, current_user as who", parameters: [41] })).data).toEqual([{ n: 42, who: "postgres" }]);
    expect((await api.runAQuery(ref, { query: "select count(*) as n from notes", read_only: true })).data).toEqual([{ n: 2 }]);
    expectError(
      await call("POST", `/v1/projects/${ref}/database/query`, { token: aliceToken, body: { query: "delete from notes", read_only: true } }),
      400,
      /read-only transaction/,
    );
    expectError(
      await call("POST", `/v1/projects/${ref}/database/query`, { token: aliceToken, body: { query: "select * from nowhere" } }),
      400,
      /42P01.*nowhere/,
    );
    expect((await api.runAQuery(ref, { query: "select count(*)::int as n from notes" })).data).toEqual([{ n: 2 }]);
  });

  it("serves what the Supabase CLI reads on link, migration list and db push, and names every upstream operation it does not serve", async () => {
    const get = async (path: string) => {
      const r = await call("GET", path, { token: aliceToken });
      expect(r.status, `${path}: ${r.text}`).toBe(200);
      return r.json as Record<string, unknown>;
    };
    expect(await get("/v1/profile")).toMatchObject({ primary_email: expect.stringContaining("@") });
    const [org] = (await get("/v1/organizations")) as unknown as Array<{ slug: string }>;
    expect(await get(`/v1/organizations/${org!.slug}`)).toMatchObject({ id: org!.slug, allowed_release_channels: ["ga"] });
    const pooler = (await get(`/v1/projects/${ref}/config/database/pooler`)) as unknown as Array<{
      db_user: string;
      pool_mode: string;
      connection_string: string;
    }>;
    expect(pooler.map((p) => p.pool_mode)).toEqual(["session", "transaction"]);
    expect(pooler[0]!.connection_string).toContain(`postgres.${ref}:[YOUR-PASSWORD]@`);
    // Session mode through the shared Postgres port, as upstream's pooler host answers on 5432.
    expect(pooler[0]!.connection_string).toBe(`postgresql://postgres.${ref}:[YOUR-PASSWORD]@${ref}.localhost:5432/postgres`);
    expect(await get(`/v1/projects/${ref}/config/storage`)).toMatchObject({ fileSizeLimit: expect.any(Number) });
    expect(await get(`/v1/projects/${ref}/billing/addons`)).toEqual({ selected_addons: [], available_addons: [] });
    expect((await get(`/v1/projects/${ref}/config/database/postgres`)).max_connections).toEqual(expect.any(Number));
    expect(await get(`/v1/projects/${ref}/branches`)).toEqual([]);

    // The CLI's temporary login role: through the project's pooler port as <role>.<ref>, stepping
    // down to postgres as the CLI does (apps/cli-go/internal/utils/connect.go SET_SESSION_ROLE).
    const made = await call("POST", `/v1/projects/${ref}/cli/login-role`, { token: aliceToken, body: { read_only: false } });
    expect(made.status, made.text).toBe(201);
    const login = made.json as { role: string; password: string; ttl_seconds: number };
    expect(login.role).toMatch(/^cli_login_[a-f0-9]{16}$/);
    expect(login.ttl_seconds).toBeGreaterThan(0);
    const ports = await db.project.findUniqueOrThrow({ where: { ref }, include: { ports: true } });
    const sessionPort = ports.ports.find((l) => l.purpose === "POSTGRES")!.port;
    const connectAs = (password: string) =>
      new pg.Client({ host: "127.0.0.1", port: sessionPort, user: `${login.role}.${ref}`, password, database: "postgres", connectionTimeoutMillis: 10_000 });
    const asRole = connectAs(login.password);
    await asRole.connect();
    try {
      await asRole.query("SET SESSION ROLE postgres");
      expect((await asRole.query("select current_user as u")).rows).toEqual([{ u: "postgres" }]);
    } finally {
      await asRole.end();
    }
    await expect(connectAs(`${login.password}x`).connect()).rejects.toThrow(/password authentication failed/);
    const dropped = await call("DELETE", `/v1/projects/${ref}/cli/login-role`, { token: aliceToken });
    expect(dropped.status, dropped.text).toBe(200);
    expect(dropped.json).toEqual({ message: "ok" });
    await expect(connectAs(login.password).connect()).rejects.toThrow(/password authentication failed|does not exist/);
    expectError(await call("POST", `/v1/projects/${ref}/cli/login-role`, { token: aliceToken, body: { read_only: "yes" } }), 400, /read_only/);

    // Logs: the db container's own lines for a simple query; anything else is a 400 naming it.
    const since = new Date(Date.now() - 23 * 3600_000).toISOString();
    const logsOf = (sql: string) =>
      call("GET", `/v1/projects/${ref}/analytics/endpoints/logs.all?sql=${encodeURIComponent(sql)}&iso_timestamp_start=${since}`, { token: aliceToken });
    const logs = await logsOf("select timestamp, event_message from postgres_logs order by timestamp desc limit 5");
    expect(logs.status, logs.text).toBe(200);
    const logRowsSeen = (logs.json as { result: Array<{ timestamp: number; event_message: string }> }).result;
    expect(logRowsSeen.length).toBeGreaterThan(0);
    expect(logRowsSeen.length).toBeLessThanOrEqual(5);
    expect(logRowsSeen[0]).toEqual({ timestamp: expect.any(Number), event_message: expect.any(String) });
    expectError(await logsOf("select id from edge_logs cross join unnest(metadata) as m"), 400, /not one simple select/);

    // Postgres settings: the allow-list, applied with a reload; anything else named in a 400.
    const tuned = await call("PUT", `/v1/projects/${ref}/config/database/postgres`, { token: aliceToken, body: { statement_timeout: "90s", work_mem: "8MB" } });
    expect(tuned.status, tuned.text).toBe(200);
    expect(tuned.json).toMatchObject({ statement_timeout: "90000ms", work_mem: "8192kB" });
    expect((await get(`/v1/projects/${ref}/config/database/postgres`)).statement_timeout).toBe("90000ms");
    expectError(
      await call("PUT", `/v1/projects/${ref}/config/database/postgres`, { token: aliceToken, body: { max_connections: 500 } }),
      400,
      /max_connections/,
    );
    expectError(await call("PUT", `/v1/projects/${ref}/config/database/postgres`, { token: aliceToken, body: { work_mem: "64GB" } }), 400, /work_mem/);

    // Migrations: applied in one transaction with their row, listed as the CLI keeps them.
    const applied = await call("POST", `/v1/projects/${ref}/database/migrations`, {
      token: aliceToken,
      body: { query: "create table public.cli_widgets (id int primary key)", name: "cli_widgets" },
    });
    expect(applied.status, applied.text).toBe(200);
    expect(applied.headers.get("content-length")).toBe("0");
    const list = (await get(`/v1/projects/${ref}/database/migrations`)) as unknown as Array<{ version: string; name?: string }>;
    expect(list.map((m) => m.name)).toContain("cli_widgets");
    expectError(
      await call("POST", `/v1/projects/${ref}/database/migrations`, { token: aliceToken, body: { query: "select * from nowhere_at_all", name: "broken" } }),
      400,
      /42P01/,
    );
    expect(((await get(`/v1/projects/${ref}/database/migrations`)) as unknown as unknown[]).length).toBe(list.length);
    // Types from the project's own postgres-meta, through its gateway.
    const types = (await get(`/v1/projects/${ref}/types/typescript?included_schemas=public`)) as { types: string };
    expect(types.types).toContain("cli_widgets");
    expectError(await call("GET", `/v1/projects/${ref}/types/typescript?included_schemas=public;drop`, { token: aliceToken }), 400);

    // Rename: the same rule as the dashboard's form.
    const renamed = await call("PATCH", `/v1/projects/${ref}`, { token: aliceToken, body: { name: "Renamed by the API" } });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.json).toMatchObject({ ref, name: "Renamed by the API" });
    expectError(await call("PATCH", `/v1/projects/${ref}`, { token: aliceToken, body: { name: "<script>" } }), 400);
    expect((await call("PATCH", `/v1/projects/${ref}`, { token: aliceToken, body: { name: "Client app" } })).status).toBe(200);

    // An upstream operation Supafleet does not serve: named, after the token is checked; an unknown path stays a plain 404.
    expectError(await call("POST", `/v1/projects/${ref}/branches`, { token: aliceToken, body: {} }), 403, /v1-create-a-branch/);
    expectError(
      await call("POST", `/v1/projects/${ref}/vanity-subdomain/activate`, { token: aliceToken, body: {} }),
      403,
      /vanity subdomains.*v1-activate-vanity-subdomain-config/,
    );
    expectError(await call("POST", `/v1/projects/${ref}/vanity-subdomain/activate`, { body: {} }), 401);
    // Custom hostnames are served (lib/domains): a project without one says so.
    expectError(await call("GET", `/v1/projects/${ref}/custom-hostname`, { token: aliceToken }), 404, /no custom hostname/);
    expectError(await call("GET", "/v1/no-such-endpoint", { token: aliceToken }), 404);
  });

  it("works with the Supabase CLI (supabase@2.117.0 from npm) through a real nginx, with a profile file", async () => {
    const leases = async () => {
      const rows = await db.project.findMany({ where: { status: { not: "REMOVED" } }, include: { ports: true } });
      return rows.map((r) => ({ ref: r.ref, status: r.status, kongPort: r.ports.find((l) => l.purpose === "KONG_HTTP")?.port ?? null }));
    };
    let cli: SupabaseCliFront | undefined;
    try {
      cli = await startSupabaseCli({ appPort: app.port, token: aliceToken, projects: leases });
      const run = async (...args: string[]) => {
        const r = await cli!.run(args);
        // The database URL carries the project's password: never in a failure message.
        const shown = args.join(" ").replace(/:\/\/([^:/@]+):[^@]*@/g, "://$1:***@");
        expect(r.code, `supabase ${shown}\n${r.stdout}\n${r.stderr}`).toBe(0);
        return r.stdout;
      };
      expect(JSON.parse(await run("projects", "list", "-o", "json"))).toEqual(expect.arrayContaining([expect.objectContaining({ ref })]));
      expect(await run("projects", "api-keys", "--project-ref", ref)).toContain("service_role");
      expect(await run("orgs", "list")).toContain(orgSlug);

      // link caches the pooler's session URL (no database password needed for that): the shared Postgres port.
      expect(app.logs()).toContain("Postgres front door on 127.0.0.1:5432");
      await run("link", "--project-ref", ref);
      expect(readFileSync(join(cli.workdir, "supabase", ".temp", "project-ref"), "utf8")).toBe(ref);
      expect(readFileSync(join(cli.workdir, "supabase", ".temp", "pooler-url"), "utf8")).toBe(`postgresql://postgres.${ref}@${ref}.localhost:5432/postgres`);

      await run("secrets", "set", "CLI_SECRET=from-the-cli", "--project-ref", ref);
      expect(await run("secrets", "list", "--project-ref", ref)).toContain("CLI_SECRET");

      // A function deployed through the API, then called through nginx with the project's anon key.
      const fnDir = join(cli.workdir, "supabase", "functions", "cli-hello");
      mkdirSync(fnDir, { recursive: true });
      writeFileSync(join(fnDir, "index.ts"), `Deno.serve(() => new Response("hello from the cli: " + (Deno.env.get("CLI_SECRET") ?? "none")));\n`);
      await run("functions", "deploy", "cli-hello", "--use-api", "--no-verify-jwt", "--project-ref", ref);
      expect(await run("functions", "list", "--project-ref", ref)).toContain("cli-hello");
      const keys = (await call("GET", `/v1/projects/${ref}/api-keys`, { token: aliceToken })).json as Array<{ name: string; api_key: string }>;
      const anon = keys.find((k) => k.name === "anon")!.api_key;
      let body = "";
      let last = "no answer yet";
      for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 1000))) {
        // node:http, not fetch: fetch sends the URL's host whatever Host header it is given.
        const res = await viaNginx(cli.nginx.port, `${ref}.localhost`, "/functions/v1/cli-hello", { apikey: anon, authorization: `Bearer ${anon}` }).catch(
          (err: unknown) => {
            last = `no answer: ${String(err)}`;
            return null;
          },
        );
        body = res?.body ?? "";
        if (res) last = `${res.status}: ${body}`;
        if (res?.status === 200 && body.includes("from-the-cli")) break;
      }
      expect(body, `the function's last answer through nginx: ${last}`).toBe("hello from the cli: from-the-cli");
      await run("functions", "delete", "cli-hello", "--project-ref", ref);
      expect(await run("functions", "list", "--project-ref", ref)).not.toContain("cli-hello");
      await run("secrets", "unset", "CLI_SECRET", "--project-ref", ref);
      expect(await run("secrets", "list", "--project-ref", ref)).not.toContain("CLI_SECRET");

      expect(await run("gen", "types", "typescript", "--project-id", ref)).toContain("cli_widgets");
      await run("backups", "list", "--project-ref", ref);
      // projects create and delete through the CLI itself, after the function test (a second stack coming up
      // slows the functions restart on a loaded machine): the delete cancels the create and leaves nothing.
      const made = JSON.parse(
        await run(
          "projects",
          "create",
          "Made by the CLI",
          "--org-id",
          orgSlug,
          "--db-password",
          "unused-by-supafleet-1",
          "--region",
          "us-east-1",
          "-o",
          "json",
        ),
      ) as { ref: string; name: string };
      expect(made).toMatchObject({ name: "Made by the CLI", ref: expect.stringMatching(/^[a-z]{20}$/) });
      created.push({ ref: made.ref, token: () => aliceToken });
      await run("projects", "delete", made.ref);
      expect(JSON.parse(await run("projects", "list", "-o", "json"))).not.toEqual(expect.arrayContaining([expect.objectContaining({ ref: made.ref })]));
      expect(await labelled(made.ref)).toBe(0);

      // Migrations: fetch with an explicit --db-url (the project's own session port), then push and list
      // --linked, as the CLI does them: to <ref>.localhost:5432 over TLS (through the shared Postgres port,
      // by server name, to the project's pooler with its own certificate), as a temporary login role it
      // asks the API for (no database password given).
      const row = await db.project.findUniqueOrThrow({ where: { ref }, include: { ports: true } });
      const password = (JSON.parse(decryptSecrets(Buffer.from(app.env.SUPAFLEET_MASTER_KEY!, "base64"), ref, row.secrets)) as { postgresPassword: string })
        .postgresPassword;
      const dbPort = row.ports.find((l) => l.purpose === "POSTGRES")!.port;
      expect(dbPort).not.toBe(5432);
      const dbUrl = `postgresql://postgres.${ref}:${encodeURIComponent(password)}@127.0.0.1:${dbPort}/postgres?sslmode=disable`;
      mkdirSync(join(cli.workdir, "supabase", "migrations"), { recursive: true });
      // Named as `supabase migration new` names it: now, so after what the history holds.
      const gadgets = new Date(Date.now() + 1000).toISOString().replace(/[-:T]/g, "").slice(0, 14);
      writeFileSync(join(cli.workdir, "supabase", "migrations", `${gadgets}_cli_gadgets.sql`), "create table public.cli_gadgets (id int primary key);\n");
      // The history already holds the migration the API applied (the test above): a user fetches it first, or db push refuses.
      await run("migration", "fetch", "--db-url", dbUrl);
      expect(readdirSync(join(cli.workdir, "supabase", "migrations")).some((f) => f.includes("cli_widgets"))).toBe(true);
      // The CLI resolves the pooler host with getaddrinfo, which knows no *.localhost here.
      const unhost = addHostsEntries([`${ref}.localhost`]);
      try {
        await run("db", "push", "--linked");
        expect(await run("migration", "list", "--linked")).toContain(gadgets);
      } finally {
        unhost();
      }
      // The same history the API reads.
      const history = (await call("GET", `/v1/projects/${ref}/database/migrations`, { token: aliceToken })).json as Array<{ version: string }>;
      expect(history.map((m) => m.version)).toContain(gadgets);
    } finally {
      cli?.stop();
    }
  });

  it("refuses requests without a valid token", async () => {
    for (const token of [undefined, "garbage", `sbp_${"0".repeat(40)}`, `${aliceToken}x`, aliceToken.toUpperCase()]) {
      expectError(await call("GET", "/v1/projects", { token }), 401);
    }
    expectError(
      await call("GET", "/v1/projects", { headers: { authorization: `Basic ${Buffer.from(`alice@example.com:alice-password`).toString("base64")}` } }),
      401,
    );
    // a signed-in browser session is not a token
    const viaSession = await alice.request.get(`${app.url}/v1/projects`);
    expect(viaSession.status()).toBe(401);
    const unknown = await call("GET", `/v1/projects/${ref}/no-such-endpoint`, { token: aliceToken });
    expectError(unknown, 404, /does not serve/);
  });

  it("keeps another user away from the project, through every route", async () => {
    const asBob = new SupabaseManagementAPI({ accessToken: bobToken, baseUrl: app.url });
    expect((await asBob.listAllProjects()).data).toEqual([]);
    const routes: Array<[string, string, unknown?]> = [
      ["GET", `/v1/projects/${ref}`],
      ["GET", `/v1/projects/${ref}/health?services=db`],
      ["GET", `/v1/projects/${ref}/api-keys`],
      ["GET", `/v1/projects/${ref}/config/auth`],
      ["PATCH", `/v1/projects/${ref}/config/auth`, { site_url: "https://evil.example.com" }],
      ["POST", `/v1/projects/${ref}/database/query`, { query: "drop table notes" }],
      ["POST", `/v1/projects/${ref}/pause`],
      ["POST", `/v1/projects/${ref}/restore`],
      ["DELETE", `/v1/projects/${ref}`],
      ["PATCH", `/v1/projects/${ref}`, { name: "Taken over" }],
      ["GET", `/v1/projects/${ref}/config/database/pooler`],
      ["GET", `/v1/projects/${ref}/config/database/postgres`],
      ["GET", `/v1/projects/${ref}/config/storage`],
      ["GET", `/v1/projects/${ref}/database/backups`],
      ["GET", `/v1/projects/${ref}/database/migrations`],
      ["POST", `/v1/projects/${ref}/database/migrations`, { query: "drop table notes" }],
      ["GET", `/v1/projects/${ref}/readonly`],
      ["POST", `/v1/projects/${ref}/cli/login-role`, { read_only: false }],
      ["DELETE", `/v1/projects/${ref}/cli/login-role`],
      ["PATCH", `/v1/projects/${ref}/config/storage`, { fileSizeLimit: 1024 * 1024 }],
      ["PUT", `/v1/projects/${ref}/config/database/postgres`, { statement_timeout: "1s" }],
      ["GET", `/v1/organizations/${orgSlug}`],
    ];
    for (const [method, path, body] of routes) expectError(await call(method, path, { token: bobToken, body }), 404, /not found/i);
    // nor may Bob create in Alice's organization
    expectError(
      await call("POST", "/v1/projects", { token: bobToken, body: { db_pass: "x", name: "Intruder", organization_slug: orgSlug } }),
      404,
      /Organization not found/,
    );
    // Alice's project is untouched
    expect((await api.getProject(ref)).data.status).toBe("ACTIVE_HEALTHY");
    expect((await api.getAuthServiceConfig(ref)).data.site_url).toBe("https://client-app.example.com");
    expect((await api.runAQuery(ref, { query: "select count(*)::int as n from notes" })).data).toEqual([{ n: 2 }]);
  });

  it("refuses hostile refs and bodies, and creates nothing", async () => {
    for (const bad of ["..%2F..%2Fetc%2Fpasswd", "ABCDEFGHIJKLMNOPQRST", "abcdefghijklmnopqrs%00", "a".repeat(21), "abcdefghij%3Bdrop", "%27%20or%201%3D1--"]) {
      expectError(await call("GET", `/v1/projects/${bad}`, { token: aliceToken }), 400, /path\.ref/);
      expectError(await call("POST", `/v1/projects/${bad}/pause`, { token: aliceToken }), 400, /path\.ref/);
    }
    const post = (body: unknown, extra: { raw?: string; headers?: Record<string, string> } = {}) =>
      call("POST", "/v1/projects", { token: aliceToken, ...(extra.raw === undefined ? { body } : {}), ...extra });
    expectError(await post(undefined, { raw: "{not json", headers: { "content-type": "application/json" } }), 400, /Not valid JSON/);
    expectError(
      await post(undefined, { raw: "name=x", headers: { "content-type": "application/x-www-form-urlencoded" } }),
      400,
      /Content-Type: application\/json/,
    );
    expectError(
      await post({ db_pass: "x", name: "x".repeat(10), organization_slug: orgSlug, template_url: "https://evil.example" }),
      400,
      /body\.template_url/,
    );
    expectError(await post({ db_pass: "x", name: "x".repeat(300), organization_slug: orgSlug }), 400, /body\.name/);
    expectError(await post({ db_pass: "x", name: "<img src=x>", organization_slug: orgSlug }), 400, /name/);
    expectError(await post({ db_pass: "x", name: "x", organization_slug: orgSlug }), 400, /at least 2 characters/);
    expectError(
      await post({
        db_pass: "x",
        name: "Two regions",
        organization_slug: orgSlug,
        region: "us-east-1",
        region_selection: { type: "specific", code: "us-east-1" },
      }),
      400,
      /Only one of region/,
    );
    expectError(await post({ db_pass: "x", name: "Big", organization_slug: orgSlug, pad: "x".repeat(200_000) }), 413);
    expectError(await post(["array"]), 400);
    expectError(await call("POST", `/v1/projects/${ref}/database/query`, { token: aliceToken, body: { query: "x".repeat(1_200_000) } }), 413);
    expect((await api.listAllProjects()).data.map((p) => p.ref)).toEqual([ref]);
  });

  it("applies the same quota as the dashboard", async () => {
    const alicesRow = await db.user.findUniqueOrThrow({ where: { email: "alice@example.com" } });
    await db.user.update({ where: { id: alicesRow.id }, data: { projectQuota: 1 } });
    try {
      expectError(
        await call("POST", "/v1/projects", { token: aliceToken, body: { db_pass: "x", name: "One too many", organization_slug: orgSlug } }),
        403,
        /Project limit reached \(1\)/,
      );
    } finally {
      await db.user.update({ where: { id: alicesRow.id }, data: { projectQuota: null } });
    }
    expect((await api.listAllProjects()).data).toHaveLength(1);
  });

  it("changes Storage's file size limit within the plan, remaking only the storage container", async () => {
    const before = await stackState(ref);
    const saved = await call("PATCH", `/v1/projects/${ref}/config/storage`, { token: aliceToken, body: { fileSizeLimit: 10 * 1024 * 1024 } });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.headers.get("content-length")).toBe("0");
    expect(((await call("GET", `/v1/projects/${ref}/config/storage`, { token: aliceToken })).json as { fileSizeLimit: number }).fileSizeLimit).toBe(
      10 * 1024 * 1024,
    );
    expectError(await call("PATCH", `/v1/projects/${ref}/config/storage`, { token: aliceToken, body: { fileSizeLimit: 1024 ** 4 } }), 400, /fileSizeLimit/);
    expectError(await call("PATCH", `/v1/projects/${ref}/config/storage`, { token: aliceToken, body: { fileSizeLimit: 1000 } }), 400, /fileSizeLimit/);
    expectError(
      await call("PATCH", `/v1/projects/${ref}/config/storage`, { token: aliceToken, body: { features: { s3Protocol: { enabled: true } } } }),
      400,
      /s3Protocol/,
    );
    let env: string[] = [];
    let after = before;
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 1000))) {
      after = await stackState(ref);
      if (after.ids.storage === before.ids.storage) continue;
      const info = await docker.getContainer(after.ids.storage!).inspect();
      env = info.Config.Env;
      if ((info.State.Health?.Status ?? (info.State.Running ? "healthy" : "starting")) === "healthy") break;
    }
    expect(env).toContain(`FILE_SIZE_LIMIT=${10 * 1024 * 1024}`);
    for (const service of Object.keys(before.ids).filter((s) => s !== "storage")) expect(after.ids[service], service).toBe(before.ids[service]);
  });

  it("pauses and restores the project", async () => {
    const paused = await api.pauseAProject(ref);
    expect(paused.status).toBe(200);
    expect((await api.getProject(ref)).data.status).toBe("INACTIVE");
    // SQL needs a running database: a clear conflict, not a hang
    expectError(await call("POST", `/v1/projects/${ref}/database/query`, { token: aliceToken, body: { query: "select 1" } }), 409, /INACTIVE/);
    expectError(await call("POST", `/v1/projects/${ref}/pause`, { token: aliceToken }), 409, /cannot be paused/);
    const restored = await api.restoreAProject(ref);
    expect(restored.status).toBe(200);
    expect(["RESTORING", "ACTIVE_HEALTHY"]).toContain((await api.getProject(ref)).data.status);
    await waitForStatus(api, ref, "ACTIVE_HEALTHY");
    // the data survived
    expect((await api.runAQuery(ref, { query: "select count(*)::int as n from notes" })).data).toEqual([{ n: 2 }]);
  });

  it("lets an admin token act on every project, but not read others' keys or Auth settings", async () => {
    const root = await newPage();
    await logIn(root, "root@example.com", "root-password-1");
    const wide = await createToken(root, "fleet automation", { admin: true });
    const plain = await createToken(root, "root plain");
    expect(await root.textContent(`[data-testid=token-row]:has-text("fleet automation")`)).toContain("All projects (admin)");
    await snap(root, "api-02-admin-tokens");
    const listed = await call("GET", "/v1/projects", { token: wide });
    expect(listed.status).toBe(200);
    expect((listed.json as Array<{ ref: string; organization_slug: string }>).find((p) => p.ref === ref)?.organization_slug).toBe(orgSlug);
    expect((await call("GET", `/v1/projects/${ref}`, { token: wide })).status).toBe(200);
    expect((await call("GET", `/v1/projects/${ref}/health?services=db`, { token: wide })).status).toBe(200);
    expectError(await call("GET", `/v1/projects/${ref}/api-keys`, { token: wide }), 404);
    expectError(await call("GET", `/v1/projects/${ref}/api-keys?reveal=true`, { token: wide }), 404);
    expectError(await call("GET", `/v1/projects/${ref}/config/auth`, { token: wide }), 404);
    expectError(await call("PATCH", `/v1/projects/${ref}/config/auth`, { token: wide, body: { site_url: "https://admin.example.com" } }), 404);
    expectError(await call("POST", `/v1/projects/${ref}/database/query`, { token: wide, body: { query: "select 1" } }), 404);
    // the same administrator's plain token sees only their own projects
    expect((await call("GET", "/v1/projects", { token: plain })).json).toEqual([]);
    expectError(await call("GET", `/v1/projects/${ref}`, { token: plain }), 404);
  });

  it("refuses a revoked token at once, and an expired one", async () => {
    const spare = await createToken(alice, "to revoke");
    expect((await call("GET", "/v1/organizations", { token: spare })).status).toBe(200);
    const row = alice.locator(`[data-testid=token-row]:has-text("to revoke")`);
    await row.locator("[data-testid^=revoke-]").click();
    await row.locator("[data-testid^=confirm-revoke-]").click();
    await expect.poll(() => row.getAttribute("data-state")).toBe("revoked");
    // the very next request, no waiting
    expectError(await call("GET", "/v1/organizations", { token: spare }), 401, /revoked/);
    await snap(alice, "api-03-token-revoked");

    const shortLived = await createToken(alice, "short lived", { expiry: "1" });
    expect((await call("GET", "/v1/organizations", { token: shortLived })).status).toBe(200);
    // A day passes: the stored expiry moves into the past.
    await db.apiToken.updateMany({ where: { name: "short lived" }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expectError(await call("GET", "/v1/organizations", { token: shortLived }), 401, /expired/);
    // the first token still works, and its use was recorded
    expect((await call("GET", "/v1/organizations", { token: aliceToken })).status).toBe(200);
    await alice.reload();
    expect(await alice.locator(`[data-testid=token-row]:has-text("client tests") [data-testid=last-used]`).textContent()).not.toBe("Never used");
    expect(await alice.locator(`[data-testid=token-row]:has-text("short lived")`).getAttribute("data-state")).toBe("expired");
  });

  it("rate-limits each token and says when to retry", async () => {
    const busy = await createToken(alice, "busy script");
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT; i++) statuses.push((await call("GET", "/v1/organizations", { token: busy })).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const limited = await call("GET", "/v1/organizations", { token: busy });
    expectError(limited, 429, /Too many requests with this access token/);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    // other tokens have their own budget
    expect((await call("GET", "/v1/organizations", { token: aliceToken })).status).toBe(200);
    // the client surfaces the 429 as an error with the status
    const err = await new SupabaseManagementAPI({ accessToken: busy, baseUrl: app.url }).listAllOrganizations().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SupabaseManagementAPIError);
    expect((err as SupabaseManagementAPIError).status).toBe(429);
  });

  it("serves its OpenAPI document and a reference page", async () => {
    const res = await call("GET", "/v1/openapi.json");
    expect(res.status).toBe(200);
    const doc = z.object({ openapi: z.string(), paths: z.record(z.string(), z.record(z.string(), z.object({ operationId: z.string() }))) }).parse(res.json);
    expect(doc.openapi).toMatch(/^3\.0\./);
    const ops = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`));
    expect(ops.sort()).toEqual(allOperations.map((o) => `${o.method} ${o.path}`).sort());
    const page = await newPage();
    await page.goto(`${app.url}/docs/api`);
    expect(await page.locator("[data-testid=operation]").count()).toBe(allOperations.length);
    expect(await page.textContent("#v1-create-a-project")).toContain("/v1/projects");
    await snap(page, "api-04-reference");
  });

  it("deletes the project, leaving nothing on the engine", async () => {
    const res = await api.deleteAProject(ref);
    expect(res.status).toBe(200);
    expect(projectRefResponseSchema.strict().parse(res.data)).toMatchObject({ ref, name: "Client app" });
    expect(Number.isSafeInteger(res.data.id)).toBe(true);
    const gone = await api.getProject(ref).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(SupabaseManagementAPIError);
    expect((gone as SupabaseManagementAPIError).status).toBe(404);
    expect((await api.listAllProjects()).data).toEqual([]);
    expect(await labelled(ref)).toBe(0);
    created.length = 0;
  });
});
