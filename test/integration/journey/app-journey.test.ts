// An app's first journey on a Supafleet project, on both template versions,
// through a real nginx by subdomain with @supabase/supabase-js, against the
// behaving test doubles of Auth, PostgREST, Storage and Edge Functions (real
// PostgreSQL and postgres-meta underneath; test/standins/README.md):
// sign up, read the confirmation mail at an SMTP catcher set as the project's
// SMTP server, follow the link, sign in; a table with row-level security
// where a second user sees none of the first one's rows; a 20 MB upload to a
// private bucket that comes back byte for byte and that the anon key cannot
// read; a function deployed through the Management API's service that reads a
// secret, called with the user's token while JWT verification is on.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { Agent, fetch as undiciFetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { ensureInstallationId } from "@/lib/installation/service";
import { createDockerProvisioner } from "@/lib/docker/provisioner";
import type { Provisioner } from "@/lib/projects/provisioner";
import { ProjectService } from "@/lib/projects/service";
import { loadProxyProjects } from "@/lib/proxy/app-proxy";
import { NginxApplier } from "@/lib/proxy/nginx-applier";
import { LABELS } from "@/lib/stack/types";
import { LATEST_STACK_VERSION, TEMPLATE_VERSIONS } from "@/lib/stack/template";
import type { SessionUser } from "@/lib/auth/actor";
import { ensureDockerHost } from "@/test/support/docker-host";
import { NGINX_BIN, startNginx, type NginxHost } from "@/test/support/nginx-host";
import { freePort } from "@/test/support/postgres-server";
import { startSmtpCatcher, type SmtpCatcher } from "@/test/support/smtp-catcher";
import { ensureStandinImages, STANDIN_IMAGE_OVERRIDES } from "@/test/support/standin-images";

const DOMAIN = "journey.test";
const SITE = "http://app.journey.test:3000";
const SMTP = { user: "mailer", pass: `pw-${randomBytes(6).toString("hex")}` };
const tmp = mkdtempSync(join(tmpdir(), "supafleet-journey-"));
const dispatcher = new Agent({ connect: { lookup: (_h, _o, cb) => cb(null, [{ address: "127.0.0.1", family: 4 }]) } });
// Node does not resolve *.journey.test: every name goes to the local nginx, Host and URL unchanged.
const projectFetch = ((input: string | URL, init?: RequestInit) =>
  undiciFetch(input, { ...(init as object), dispatcher } as Parameters<typeof undiciFetch>[1])) as unknown as typeof fetch;
let nginx: NginxHost;
let db: Db;
let smtp: SmtpCatcher;
let provisioner: Provisioner;
let applier: NginxApplier;
let appPort: number;
const refs: string[] = [];

beforeAll(async () => {
  const docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  nginx = await startNginx();
  smtp = await startSmtpCatcher(SMTP);
  appPort = await freePort();
  const url = `file:${join(tmp, "supafleet.db")}`;
  await migrate(url);
  db = createDb(url);
  provisioner = createDockerProvisioner("/var/run/docker.sock", await ensureInstallationId(db));
  applier = new NginxApplier({
    nginxBin: NGINX_BIN,
    mainConfPath: nginx.mainConfPath,
    siteConfPath: nginx.siteConfPath,
    loadProjects: loadProxyProjects(db),
    settings: {
      rootDomain: DOMAIN,
      scheme: "http",
      appUpstream: { host: "127.0.0.1", port: appPort },
      httpListen: { host: "127.0.0.1", port: nginx.port },
      pagesDir: resolve("nginx/pages"),
      clientMaxBodySize: "50m",
    },
  });
}, 900_000);

afterAll(async () => {
  for (const ref of refs) await provisioner?.destroy(ref).catch(() => undefined);
  await smtp?.close();
  await db?.$disconnect();
  nginx?.stop();
  await dispatcher.close();
  rmSync(tmp, { recursive: true, force: true });
});

// Realtime stays an echo stand-in and is not part of this journey; supabase-js on Node 20 still
// wants a WebSocket class when a client is made (facts.md), and must never use this one.
type Transport = NonNullable<NonNullable<Parameters<typeof createClient>[2]>["realtime"]>["transport"];
const NoRealtime = class {
  constructor() {
    throw new Error("this journey does not use Realtime");
  }
} as unknown as Transport;

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

function claims(jwt: string): { header: { alg: string; kid?: string }; payload: { sub: string; role: string; email?: string } } {
  const [h, p] = jwt.split(".");
  return { header: JSON.parse(Buffer.from(h!, "base64url").toString()), payload: JSON.parse(Buffer.from(p!, "base64url").toString()) };
}

describe.each(TEMPLATE_VERSIONS)("an app's first journey on template %s", (version) => {
  let service: ProjectService;
  let owner: SessionUser;
  let ref: string;
  let publicUrl: string;
  let anonKey: string;
  let serviceKey: string;
  const users: Record<"a" | "b", { email: string; password: string; id?: string; client?: SupabaseClient }> = {
    a: { email: `ada-${randomBytes(3).toString("hex")}@example.com`, password: `pw-${randomBytes(8).toString("hex")}` },
    b: { email: `bob-${randomBytes(3).toString("hex")}@example.com`, password: `pw-${randomBytes(8).toString("hex")}` },
  };
  const client = (): SupabaseClient =>
    createClient(publicUrl, anonKey, {
      global: { fetch: projectFetch },
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      realtime: { transport: NoRealtime },
    });

  /** SQL through the gateway's /pg/ route (the real postgres-meta) with the service key, as the dashboard runs it. */
  async function pgQuery(query: string): Promise<unknown[]> {
    const res = await projectFetch(`${publicUrl}/pg/query`, {
      method: "POST",
      headers: { apikey: serviceKey, authorization: `Bearer ${serviceKey}`, "content-type": "application/json" },
      body: JSON.stringify({ query }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`/pg/query: HTTP ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as unknown[];
  }

  /** Sign up, follow the confirmation mail's link, sign in: the user's own client. */
  async function signUpAndConfirm(who: "a" | "b"): Promise<void> {
    const u = users[who];
    const anon = client();
    const { data, error } = await anon.auth.signUp({ email: u.email, password: u.password });
    expect(error).toBeNull();
    expect(data.user?.email).toBe(u.email);
    // Confirmation is on: no session until the link is followed.
    expect(data.session).toBeNull();
    const early = await anon.auth.signInWithPassword({ email: u.email, password: u.password });
    expect(early.error?.code).toBe("email_not_confirmed");

    const mail = await smtp.next(u.email, 60_000);
    const body = `${mail.mail.html || ""}\n${mail.mail.text ?? ""}`;
    const link = /https?:\/\/[^\s"'<>]+\/auth\/v1\/verify\?[^\s"'<>]+/.exec(body)?.[0]?.replaceAll("&amp;", "&");
    expect(link, `a confirmation link in: ${body.slice(0, 500)}`).toBeTruthy();
    // GoTrue's link: the project's own Auth path, never Studio's /verify.
    expect(link!.startsWith(`${publicUrl}/auth/v1/verify?`)).toBe(true);
    const followed = await projectFetch(link!, { redirect: "manual" });
    expect(followed.status).toBe(303);
    const location = followed.headers.get("location") ?? "";
    expect(location.startsWith(SITE)).toBe(true);
    expect(location).toContain("access_token=");

    const own = client();
    const signedIn = await own.auth.signInWithPassword({ email: u.email, password: u.password });
    expect(signedIn.error).toBeNull();
    const token = signedIn.data.session!.access_token;
    const c = claims(token);
    expect(c.payload).toMatchObject({ role: "authenticated", email: u.email });
    // The newest template signs user tokens with the project's ES256 key; the older one with its HS256 secret.
    expect(c.header.alg).toBe(version === LATEST_STACK_VERSION ? "ES256" : "HS256");
    u.id = c.payload.sub;
    u.client = own;
  }

  beforeAll(async () => {
    service = new ProjectService(db, provisioner, applier, {
      portRange: version === LATEST_STACK_VERSION ? { start: 57600, end: 57649 } : { start: 57650, end: 57699 },
      masterKey: randomBytes(32),
      rootDomain: DOMAIN,
      publicScheme: "http",
      publicPort: nginx.port,
      imageOverrides: STANDIN_IMAGE_OVERRIDES,
      newProjectStackVersion: version,
    });
    const u = await db.user.create({ data: { id: randomUUID(), email: `owner-${version}@example.com`, passwordHash: "x", projectQuota: 1 } });
    owner = { id: u.id, email: u.email, name: null, role: "USER" };
    ref = (await service.createProject(owner, { name: `Journey ${version}` })).ref;
    refs.push(ref);
    await service.waitForIdle(ref);
    const made = await service.getProject(owner, ref);
    expect(made, made.statusReason ?? "").toMatchObject({ status: "ACTIVE_HEALTHY", stackVersion: version });
    ({ anonKey, serviceRoleKey: serviceKey } = await service.getProjectDetails(owner, ref));
    publicUrl = `http://${ref}.${DOMAIN}:${nginx.port}`;
    // The owner sets up mail: the catcher on the host, reached through the project network's gateway.
    const docker = await ensureDockerHost();
    const [auth] = await docker.listContainers({ filters: { label: [`${LABELS.ref}=${ref}`, `${LABELS.service}=auth`] } });
    const gateway = Object.values((await docker.getContainer(auth!.Id).inspect()).NetworkSettings.Networks)
      .map((n) => n.Gateway)
      .find(Boolean);
    expect(gateway, "the auth container's network gateway").toBeTruthy();
    await service.saveAuthSettings(owner, ref, {
      siteUrl: SITE,
      redirectUrls: [`${SITE}/**`],
      confirmEmail: true,
      smtp: { host: gateway, port: smtp.port, user: SMTP.user, password: SMTP.pass, senderEmail: "noreply@journey.test", senderName: "Journey" },
    });
    await service.waitForIdle(ref);
    expect((await service.getProject(owner, ref)).status).toBe("ACTIVE_HEALTHY");
  }, 900_000);

  it("signs up by email, confirms through the mailed link, and signs in", async () => {
    await signUpAndConfirm("a");
    const { data, error } = await users.a.client!.auth.getUser();
    expect(error).toBeNull();
    expect(data.user).toMatchObject({ id: users.a.id, email: users.a.email });
    expect(data.user?.email_confirmed_at).toBeTruthy();
  });

  it("keeps each user's rows to themselves with row-level security, enforced by Postgres", async () => {
    expect(users.a.client, "needs the signed-in user of the first test").toBeDefined();
    await pgQuery(
      [
        "create table public.notes (id bigint generated always as identity primary key, user_id uuid not null default auth.uid(), body text not null)",
        "alter table public.notes enable row level security",
        "create policy own_select on public.notes for select to authenticated using (auth.uid() = user_id)",
        "create policy own_insert on public.notes for insert to authenticated with check (auth.uid() = user_id)",
        "create policy own_update on public.notes for update to authenticated using (auth.uid() = user_id) with check (auth.uid() = user_id)",
        "create policy own_delete on public.notes for delete to authenticated using (auth.uid() = user_id)",
        "grant select, insert, update, delete on public.notes to authenticated",
        "notify pgrst, 'reload schema'",
      ].join("; "),
    );
    const a = users.a.client!;
    // PostgREST reloads its schema cache when NOTIFY pgrst arrives, asynchronously, as the real one
    // does: until then the new table is PGRST205, which an app waits out as this does.
    const untilCached = async <T extends { error: { code?: string } | null }>(request: () => PromiseLike<T>): Promise<T> => {
      for (let i = 0; ; i++) {
        const r = await request();
        if (r.error?.code !== "PGRST205" || i >= 50) return r;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    const inserted = await untilCached(() =>
      a
        .from("notes")
        .insert([{ body: "first" }, { body: "second" }])
        .select(),
    );
    expect(inserted.error).toBeNull();
    expect(inserted.data).toHaveLength(2);
    expect(inserted.data!.every((r: { user_id: string }) => r.user_id === users.a.id)).toBe(true);
    const mine = await a.from("notes").select("body").order("id");
    expect(mine.data).toEqual([{ body: "first" }, { body: "second" }]);

    await signUpAndConfirm("b");
    const b = users.b.client!;
    expect((await b.from("notes").select("*")).data).toEqual([]);
    // Bob cannot change Ada's rows (none are visible to him) nor write rows as her.
    const touched = await b.from("notes").update({ body: "mine now" }).eq("body", "first").select();
    expect(touched.error).toBeNull();
    expect(touched.data).toEqual([]);
    const forged = await b.from("notes").insert({ body: "forged", user_id: users.a.id });
    expect(forged.error?.code).toBe("42501");
    expect(forged.status).toBe(403);
    // The anon key has no grant on the table at all.
    const anon = await client().from("notes").select("*");
    expect(anon.error?.code).toBe("42501");
    expect(anon.status).toBe(401);
    // Ada's rows are as she left them.
    expect((await pgQuery("select body from public.notes order by id")) as Array<{ body: string }>).toEqual([{ body: "first" }, { body: "second" }]);
  });

  it("uploads 20 MB to a private bucket and downloads the same bytes; the anon key cannot read it", async () => {
    expect(users.a.client, "needs the signed-in user of the first test").toBeDefined();
    const admin = createClient(publicUrl, serviceKey, {
      global: { fetch: projectFetch },
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: NoRealtime },
    });
    const made = await admin.storage.createBucket("private-files", { public: false });
    expect(made.error).toBeNull();
    const own = "bucket_id = 'private-files' and (storage.foldername(name))[1] = auth.uid()::text";
    // storage.objects belongs to supabase_storage_admin, and on the newest template postgres-meta
    // connects as postgres, which the image demotes (no superuser): the policies go in through
    // Supafleet's own superuser session, as an operator would add them.
    const p = await db.project.findUniqueOrThrow({ where: { ref } });
    await provisioner.data!.runSql(
      ref,
      [
        `create policy own_files_insert on storage.objects for insert to authenticated with check (${own});`,
        `create policy own_files_select on storage.objects for select to authenticated using (${own});`,
      ].join("\n"),
      { password: service.secretsOf(p).postgresPassword },
    );
    const bytes = randomBytes(20 * 1024 * 1024);
    const path = `${users.a.id}/big.bin`;
    const up = await users.a.client!.storage.from("private-files").upload(path, bytes, { contentType: "application/octet-stream" });
    expect(up.error).toBeNull();
    const down = await users.a.client!.storage.from("private-files").download(path);
    expect(down.error).toBeNull();
    const got = new Uint8Array(await down.data!.arrayBuffer());
    expect(got.byteLength).toBe(bytes.byteLength);
    expect(sha256(got)).toBe(sha256(bytes));
    // Neither the anon key nor another user reads it.
    const byAnon = await client().storage.from("private-files").download(path);
    expect(byAnon.data).toBeNull();
    expect(byAnon.error).not.toBeNull();
    const byBob = await users.b.client!.storage.from("private-files").download(path);
    expect(byBob.data).toBeNull();
  });

  it("deploys a function that reads a secret, and calls it with the user's token while JWT verification is on", async () => {
    expect(users.a.client, "needs the signed-in user of the first test").toBeDefined();
    const secret = `s-${randomBytes(12).toString("hex")}`;
    await service.deployFunction(owner, ref, {
      slug: "read-secret",
      metadata: { entrypoint_path: "index.ts", name: "read-secret", verify_jwt: true },
      files: [
        {
          path: "index.ts",
          content: Buffer.from(
            'Deno.serve(() => new Response(JSON.stringify({ secret: Deno.env.get("JOURNEY_SECRET") ?? null }), { headers: { "content-type": "application/json" } }));\n',
          ),
        },
      ],
      maxBytes: 20 * 1024 * 1024,
    });
    await service.setFunctionSecrets(owner, ref, [{ name: "JOURNEY_SECRET", value: secret }]);
    await service.waitForIdle(ref);
    expect((await service.getProject(owner, ref)).status).toBe("ACTIVE_HEALTHY");

    const called = await users.a.client!.functions.invoke("read-secret", { body: {} });
    const failure = called.error && "context" in called.error ? await (called.error.context as Response).text().catch(() => "") : "";
    expect(called.error, `the function's answer: ${failure}`).toBeNull();
    expect(called.data).toEqual({ secret });
    // Without a token, and with a forged one, the router refuses it.
    const bare = await projectFetch(`${publicUrl}/functions/v1/read-secret`, { method: "POST" });
    expect(bare.status).toBe(401);
    const token = (await users.a.client!.auth.getSession()).data.session!.access_token;
    const forged = `${token.split(".").slice(0, 2).join(".")}.${Buffer.from("not the signature").toString("base64url")}`;
    const refused = await projectFetch(`${publicUrl}/functions/v1/read-secret`, {
      method: "POST",
      headers: { authorization: `Bearer ${forged}`, apikey: anonKey },
    });
    expect(refused.status).toBe(401);
  });

  it("stops Auth as GoTrue stops: on SIGTERM, gracefully, exit code 0 (not killed at the end of its grace)", async () => {
    const docker = await ensureDockerHost();
    const [auth] = await docker.listContainers({ filters: { label: [`${LABELS.ref}=${ref}`, `${LABELS.service}=auth`] } });
    const container = docker.getContainer(auth!.Id);
    await container.stop({ t: 20 });
    // A process that ignores SIGTERM is killed with SIGKILL when the grace ends: 137.
    expect((await container.inspect()).State.ExitCode).toBe(0);
    const logs = (await container.logs({ stdout: true, stderr: true, tail: 5 })).toString("utf8");
    expect(logs).toContain("received graceful shutdown signal");
  });
});
