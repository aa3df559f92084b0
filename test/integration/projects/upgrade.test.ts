// Template versions on the real engine, with stand-in images for both
// versions: a project made on the previous template (Kong 2.8.1, Postgres 15)
// keeps it when Supafleet restarts and reconciles; an upgrade to the newest
// (Envoy, Postgres 17) is refused before anything stops while the database
// uses an extension 17 lacks, and rolls back onto the untouched old data when
// the conversion or the new stack fails; a good one carries every role and
// row to Postgres 17 on new volumes, and its gateway enforces the new keys.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { encryptSecrets } from "@/lib/crypto/secret-box";
import { runExec } from "@/lib/docker/exec-stream";
import { DB_CONFIG_TARGET } from "@/lib/docker/pg-config-volume";
import { PG17_PATCHES } from "@/lib/projects/pg17-patches";
import { containerName } from "@/lib/stack/build-stack-spec";
import { LABELS } from "@/lib/stack/types";
import { LATEST_STACK_VERSION } from "@/lib/stack/template";
import type { SessionUser } from "@/lib/auth/actor";
import { ensureDockerHost } from "@/test/support/docker-host";
import { openInstallation, type Installation } from "@/test/support/installation";
import { ensureStandinImages, STANDIN_IMAGE_OVERRIDES } from "@/test/support/standin-images";
import type Docker from "dockerode";

const OLD = "2026.02-r1";
let docker: Docker;
let inst: Installation;
let user: SessionUser;
let ref: string;

beforeAll(async () => {
  docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  inst = await openInstallation({ portRange: { start: 55600, end: 55699 } });
  const u = await inst.db.user.create({ data: { id: crypto.randomUUID(), email: "upgrader@example.com", passwordHash: "x", projectQuota: 2 } });
  user = { id: u.id, email: u.email, name: null, role: "USER" };
}, 900_000);

afterAll(async () => {
  if (ref) await inst.provisioner.destroy(ref).catch(() => undefined);
  await inst?.db.$disconnect();
});

async function containerVersions(): Promise<Record<string, string>> {
  const list = await docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`${LABELS.ref}=${ref}`, `${LABELS.installation}=${inst.installationId}`] }),
  });
  return Object.fromEntries(list.filter((c) => c.Labels[LABELS.service]).map((c) => [c.Labels[LABELS.service]!, c.Labels[LABELS.stackVersion]!]));
}

async function db(sql: string): Promise<unknown[]> {
  const d = await inst.service.getProjectDetails(user, ref);
  const client = new pg.Client({ connectionString: d.directUrl!.replace(`@${d.dbHost}:`, "@127.0.0.1:") });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Upgrade helpers still there, and volumes of a generation the project does not record. */
async function leftovers(): Promise<{ helpers: string[]; newVolumes: string[] }> {
  const helpers = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABELS.ref}=${ref}`, `${LABELS.role}=db-upgrade`] }) });
  const p = await inst.db.project.findUniqueOrThrow({ where: { ref } });
  const volumes = await docker.listVolumes({ filters: JSON.stringify({ label: [`${LABELS.ref}=${ref}`, `supafleet.generation=${p.dataGeneration + 1}`] }) });
  return { helpers: helpers.map((c) => c.Names[0]!), newVolumes: (volumes.Volumes ?? []).map((v) => v.Name) };
}

/** A script as the database superuser (supabase_admin) in the project's db container. */
async function asSuperuser(sql: string): Promise<string> {
  const p = await inst.db.project.findUniqueOrThrow({ where: { ref } });
  return inst.provisioner.data!.runSql(ref, sql, { password: inst.service.secretsOf(p).postgresPassword });
}

async function gateway(path: string, headers: Record<string, string> = {}): Promise<number> {
  const p = await inst.db.project.findUniqueOrThrow({ where: { ref }, include: { ports: true } });
  const port = p.ports.find((l) => l.purpose === "KONG_HTTP")!.port;
  return (await fetch(`http://127.0.0.1:${port}${path}`, { headers })).status;
}

describe("a project on the previous template", () => {
  it("is made on 2026.02-r1 (as by the Supafleet before this one) and keeps it through a Supafleet restart and reconcile", async () => {
    // Made by a Supafleet whose newest template was 2026.02-r1: its Postgres 15 made the database and
    // db-config (a db-config volume takes its owner from the image that first mounts it).
    const before = inst.restart({ config: { newProjectStackVersion: OLD } });
    ref = (await before.createProject(user, { name: "Old one" })).ref;
    await before.waitForIdle(ref);
    // What an older Supafleet left: no new API keys (2026.02-r1's services never read them).
    const p = await inst.db.project.findUniqueOrThrow({ where: { ref } });
    expect(p.stackVersion).toBe(OLD);
    const { apiKeys: _none, ...secrets } = inst.service.secretsOf(p);
    await inst.db.project.update({ where: { ref }, data: { secrets: encryptSecrets(inst.config.masterKey, ref, JSON.stringify(secrets)) } });
    expect((await inst.service.getProject(user, ref)).status).toBe("ACTIVE_HEALTHY");
    expect(await db("SHOW server_version")).toEqual([{ server_version: expect.stringMatching(/^15\./) }]);
    await db(
      "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before upgrades'); " +
        "CREATE ROLE reader LOGIN PASSWORD 'reader-pass-1'; GRANT SELECT ON kept TO reader; " +
        // What the real image's default privileges give anon on public tables (supabase/postgres
        // migrations/db/init-scripts/00000000000000-initial-schema.sql; the DB stand-in has none),
        // so the REST double (PostgreSQL's grants) reads it for the gateway checks below.
        "GRANT SELECT ON kept TO anon; CREATE EXTENSION IF NOT EXISTS pgcrypto",
    );
    // A custom setting on the database needs the superuser: the image's postgres is not one (its demote migration).
    await expect(db("ALTER DATABASE postgres SET app.kept_setting TO 'yes'")).rejects.toThrow(/permission denied to set parameter/);
    await asSuperuser("ALTER DATABASE postgres SET app.kept_setting TO 'yes';");

    // Supafleet is updated (it now carries 2026.09-r1) and restarts.
    const next = inst.restart();
    await next.reconcile();
    await next.waitForAllJobs();
    const versions = await containerVersions();
    expect(versions.kong).toBe(OLD);
    expect(versions["api-gw"]).toBeUndefined();
    expect(new Set(Object.values(versions))).toEqual(new Set([OLD]));
    expect(await next.getProject(user, ref)).toMatchObject({ status: "ACTIVE_HEALTHY", stackVersion: OLD, upgradeTo: LATEST_STACK_VERSION });
    // Upstream's security routes are in the old version too.
    const { anonKey } = await next.getProjectDetails(user, ref);
    expect(await gateway("/realtime/v1/api/tenants", { apikey: anonKey })).toBe(403);
    expect(await gateway("/realtime/v1/api/openapi", { apikey: anonKey })).toBe(403);
  }, 900_000);

  it("is refused before it stops while its database uses an extension Postgres 17 lacks; paused, the conversion finds it and goes back", async () => {
    await db("CREATE EXTENSION plv8");
    await inst.service.upgradeProject(user, ref);
    await inst.service.waitForIdle(ref);
    expect(await inst.service.getProject(user, ref)).toMatchObject({ status: "ACTIVE_HEALTHY", stackVersion: OLD });
    const refused = await inst.db.projectEvent.findFirst({ where: { project: { ref }, kind: "upgrade.failed" }, orderBy: { id: "desc" } });
    expect(refused?.message).toMatch(/Upgrade not started: The database uses plv8, which Postgres 17 does not have/);
    // Paused, nothing asks the running database first: the conversion checks every extension against the new image.
    await inst.service.pauseProject(user, ref);
    await inst.service.upgradeProject(user, ref);
    await inst.service.waitForIdle(ref);
    expect(await inst.service.getProject(user, ref)).toMatchObject({ status: "INACTIVE", stackVersion: OLD });
    const failed = await inst.db.projectEvent.findFirst({ where: { project: { ref }, kind: "upgrade.failed" }, orderBy: { id: "desc" } });
    expect(failed?.message).toMatch(/The new Postgres has no plv8 \(used in postgres\)\. Drop that extension/);
    expect(await leftovers()).toEqual({ helpers: [], newVolumes: [] });
    await inst.service.resumeProject(user, ref);
    await inst.service.waitForIdle(ref);
    await db("DROP EXTENSION plv8");
    expect(await db("SELECT v FROM kept")).toEqual([{ v: "before upgrades" }]);
  }, 900_000);

  it("goes back to the old spec when the new one does not come up healthy, data intact", async () => {
    // The new version's rest gets an image without postgrest: its container cannot start.
    const broken = inst.restart({
      config: { imageOverrides: { ...STANDIN_IMAGE_OVERRIDES, [`rest@${LATEST_STACK_VERSION}`]: STANDIN_IMAGE_OVERRIDES.auth! } },
    });
    await broken.upgradeProject(user, ref);
    await broken.waitForIdle(ref);
    expect(await broken.getProject(user, ref)).toMatchObject({ status: "ACTIVE_HEALTHY", stackVersion: OLD });
    expect(new Set(Object.values(await containerVersions()))).toEqual(new Set([OLD]));
    const kinds = (await inst.db.projectEvent.findMany({ where: { project: { ref } } })).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(["upgrade.failed", "upgrade.rolled_back"]));
    expect(await db("SELECT v FROM kept")).toEqual([{ v: "before upgrades" }]);
    expect(await db("SHOW server_version")).toEqual([{ server_version: expect.stringMatching(/^15\./) }]);
    expect(await leftovers()).toEqual({ helpers: [], newVolumes: [] });
    expect((await inst.db.project.findUniqueOrThrow({ where: { ref } })).dataGeneration).toBe(0);
  }, 900_000);

  it("upgrades to the newest template: Postgres 17 with every role, setting and row, Envoy gateway, new keys", async () => {
    expect((await inst.service.getProject(user, ref)).upgradeNote).toMatch(/from Postgres 15 to 17/);
    // On 15: pgsodium's root key in db-config (made by the 15 image's postgres), and a cron job the superuser scheduled.
    const key15 = await runExec(docker, containerName(ref, "db"), ["cat", `${DB_CONFIG_TARGET}/pgsodium_root.key`]);
    expect(key15).toMatch(/^[0-9a-f]{64}$/);
    const owner15 = await runExec(docker, containerName(ref, "db"), ["stat", "-c", "%u:%g", DB_CONFIG_TARGET]);
    // In pg_catalog, where supautils' extensions_parameter_overrides puts it in the real image (supautils.conf.j2 @7db7e1a).
    await asSuperuser("CREATE EXTENSION pg_cron WITH SCHEMA pg_catalog; SELECT cron.schedule('nightly-kept', '0 3 * * *', 'SELECT 1');");
    expect((await asSuperuser("SELECT username FROM cron.job WHERE jobname = 'nightly-kept';")).trim()).toBe("supabase_admin");
    await inst.service.upgradeProject(user, ref);
    await inst.service.waitForIdle(ref);
    expect(await inst.service.getProject(user, ref)).toMatchObject({ status: "ACTIVE_HEALTHY", stackVersion: LATEST_STACK_VERSION, upgradeTo: null });
    expect(await db("SHOW server_version")).toEqual([{ server_version: expect.stringMatching(/^17\./) }]);
    expect(await db("SELECT current_setting('app.kept_setting') AS s, (SELECT count(*)::int FROM pg_extension WHERE extname = 'pgcrypto') AS c")).toEqual([
      { s: "yes", c: 1 },
    ]);
    // A role made by the owner logs in with its own password, on the new cluster.
    const d0 = await inst.service.getProjectDetails(user, ref);
    // The same way in as the owner's own URL (through the pooler, a user is "<role>.<ref>").
    const url = new URL(d0.directUrl!.replace(`@${d0.dbHost}:`, "@127.0.0.1:"));
    url.username = url.username.includes(".") ? `reader.${url.username.split(".").slice(1).join(".")}` : "reader";
    url.password = "reader-pass-1";
    const reader = new pg.Client({ connectionString: url.toString() });
    await reader.connect();
    expect((await reader.query("SELECT v FROM kept")).rows).toEqual([{ v: "before upgrades" }]);
    await reader.end();
    const p = await inst.db.project.findUniqueOrThrow({ where: { ref } });
    expect(p.dataGeneration).toBe(1);
    // Upstream's after-conversion steps: the role is made; the image's own migration files, which
    // the stand-in does not have, are reported as not applied (a warning, as upstream).
    expect(await db("SELECT count(*)::int AS n FROM pg_roles WHERE rolname = 'supabase_etl_admin'")).toEqual([{ n: 1 }]);
    const warned = await inst.db.projectEvent.findFirst({ where: { project: { ref }, kind: "upgrade.step", level: "WARN" }, orderBy: { id: "desc" } });
    expect(warned?.message).toMatch(/Not applied after the conversion .*20251001204436_predefined_role_grants\.sql/);
    expect(warned?.message).not.toMatch(/supabase_etl_admin role/);
    // upstream's complete.sh patches all applied (none in the warning): pg_cron in pg_catalog, the superuser's job now
    // postgres's; postgres administers the API roles (16+ needs ADMIN OPTION for that) and is no superuser.
    for (const patch of PG17_PATCHES) expect(warned?.message).not.toContain(patch.what);
    expect(await db("SELECT extnamespace::regnamespace::text AS schema, extowner::regrole::text AS owner FROM pg_extension WHERE extname = 'pg_cron'")).toEqual(
      [{ schema: "pg_catalog", owner: "supabase_admin" }],
    );
    expect((await asSuperuser("SELECT username || ' ' || schedule FROM cron.job WHERE jobname = 'nightly-kept';")).trim()).toBe("postgres 0 3 * * *");
    expect(
      await db(
        "SELECT r.rolsuper, (SELECT m.admin_option FROM pg_auth_members m WHERE m.roleid = 'authenticator'::regrole AND m.member = r.oid) AS admin FROM pg_roles r WHERE r.rolname = 'postgres'",
      ),
    ).toEqual([{ rolsuper: false, admin: true }]);
    // db-config was handed to the 17 image's postgres (not 15's), with the conf.d its config includes; the root key is the old one.
    const dbName = containerName(ref, "db");
    const pgIds = (await runExec(docker, dbName, ["sh", "-c", "echo $(id -u postgres):$(id -g postgres)"])).trim();
    expect(pgIds).not.toBe(owner15.trim());
    const owners = await runExec(docker, dbName, [
      "stat",
      "-c",
      "%u:%g %n",
      DB_CONFIG_TARGET,
      `${DB_CONFIG_TARGET}/conf.d`,
      `${DB_CONFIG_TARGET}/pgsodium_root.key`,
    ]);
    expect(owners.trim().split("\n")).toEqual(
      [DB_CONFIG_TARGET, `${DB_CONFIG_TARGET}/conf.d`, `${DB_CONFIG_TARGET}/pgsodium_root.key`].map((f) => `${pgIds} ${f}`),
    );
    expect(await runExec(docker, dbName, ["cat", `${DB_CONFIG_TARGET}/pgsodium_root.key`])).toBe(key15);
    expect(await leftovers()).toEqual({ helpers: [], newVolumes: [] });
    // No backups here: the Postgres 15 volumes are kept (generation 0), unmounted.
    const kept = await docker.listVolumes({ filters: JSON.stringify({ label: [`${LABELS.ref}=${ref}`, `${LABELS.volume}=db-data`] }) });
    expect((kept.Volumes ?? []).map((v) => v.Name).sort()).toEqual([`supafleet-${ref}-db-data`, `supafleet-${ref}-g1-db-data`]);
    const versions = await containerVersions();
    expect(versions["api-gw"]).toBe(LATEST_STACK_VERSION);
    expect(versions.kong).toBeUndefined();
    expect(await db("SELECT v FROM kept")).toEqual([{ v: "before upgrades" }]);
    const d = await inst.service.getProjectDetails(user, ref);
    expect(d.publishableKey).toMatch(/^sb_publishable_/);
    // The Envoy gateway takes the new keys and the legacy ones, and refuses others.
    expect(await gateway("/rest/v1/kept", { apikey: d.publishableKey! })).toBe(200);
    expect(await gateway("/rest/v1/kept", { apikey: d.anonKey })).toBe(200);
    expect(await gateway("/rest/v1/kept", { apikey: "sb_publishable_not-this-projects" })).toBe(401);
    expect(await gateway("/pg/tables", { apikey: d.publishableKey! })).toBe(403);
    // postgres-meta has no health check (as upstream): it may still be opening its port.
    await expect.poll(() => gateway("/pg/tables", { apikey: d.secretKey! }), { timeout: 30_000, interval: 1000 }).toBe(200);
    expect(await gateway("/realtime/v1/api/tenants", { apikey: d.secretKey! })).toBe(403);
  }, 900_000);

  it("a start removes upgrade helpers a crash left running, before its db mounts the data", async () => {
    // What a Supafleet that died mid-upgrade leaves: a helper of the project's db image holding its data volume.
    const p = await inst.db.project.findUniqueOrThrow({ where: { ref } });
    const dbImage = STANDIN_IMAGE_OVERRIDES[`db@${LATEST_STACK_VERSION}`]!;
    const helper = await docker.createContainer({
      name: `supafleet-${ref}-pgupgrade-from`,
      Image: dbImage,
      Entrypoint: ["sleep", "600"],
      Labels: { [LABELS.managed]: "true", [LABELS.installation]: inst.installationId, [LABELS.ref]: ref, [LABELS.role]: "db-upgrade" },
      HostConfig: { Mounts: [{ Type: "volume", Source: `supafleet-${ref}-g${p.dataGeneration}-db-data`, Target: "/var/lib/postgresql/data" }] },
    });
    await helper.start();
    await inst.service.restartProject(user, ref);
    await inst.service.waitForIdle(ref);
    expect(await inst.service.getProject(user, ref)).toMatchObject({ status: "ACTIVE_HEALTHY" });
    expect(await leftovers()).toEqual({ helpers: [], newVolumes: [] });
    expect(await db("SELECT v FROM kept")).toEqual([{ v: "before upgrades" }]);
  }, 900_000);
});
