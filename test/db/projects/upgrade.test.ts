// Template versions, upgrades and Auth settings through the project service,
// on the fake engine (test/support/fake-provisioner.ts) and a real SQLite
// database: an old project keeps building its own version after Supafleet
// gained a newer one; an upgrade converges to the new spec or goes back to the
// old one; Auth settings are validated, stored encrypted and applied by
// remaking only the auth container. The same flows run on the real engine
// with stand-in images in test/integration/projects/upgrade.test.ts.
import { randomBytes } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { ValidationError } from "@/lib/errors";
import { PG17_AFTER_CONVERSION } from "@/lib/projects/data-upgrade";
import { PG17_PATCHES, VAULT_CHECK } from "@/lib/projects/pg17-patches";
import type { ProjectService } from "@/lib/projects/service";
import { LATEST_STACK_VERSION } from "@/lib/stack/template";
import type { StackSpec } from "@/lib/stack/types";
import type { SessionUser } from "@/lib/auth/actor";
import type { FakeEngine } from "@/test/support/fake-provisioner";
import { addUser, projectServiceFixture, tempFolder, type ProjectFixture } from "@/test/support/project-service-fixture";

const OLD = "2026.02-r1";
const tmp = tempFolder("upgrade");

let fixture: ProjectFixture;
let db: Db;
let engine: FakeEngine;
let service: ProjectService;
let owner: SessionUser;
let admin: SessionUser;
let stranger: SessionUser;
/** When set, an up() of a spec of this version fails as an unhealthy stack would. */
let failVersion: string | null;
const masterKey = randomBytes(32);

beforeEach(async () => {
  failVersion = null;
  const up = async (spec: StackSpec) => {
    if (spec.stackVersion === failVersion) throw new Error(`auth exited (1) on ${spec.stackVersion}`);
  };
  fixture = await projectServiceFixture({
    dir: tmp,
    config: {
      portRange: { start: 42000, end: 42099 },
      masterKey,
      // One Postgres major in both versions, as with the stand-ins: the
      // upgrade machinery runs (the real tags, 15 → 17, are refused; tested below).
      imageOverrides: { db: "local/postgres:15" },
    },
    hooks: { up },
  });
  ({ db, engine, service } = fixture);
  const mk = (email: string, role: "USER" | "ADMIN") => addUser(db, email, { role, projectQuota: 10 });
  owner = await mk("o@example.com", "USER");
  admin = await mk("a@example.com", "ADMIN");
  stranger = await mk("s@example.com", "USER");
});

/** A project created by an older Supafleet: the previous template, no new API keys in its secrets. */
async function oldProject(): Promise<string> {
  const { ref } = await service.createProject(owner, { name: "Old one" });
  await service.waitForIdle(ref);
  const p = await db.project.findUniqueOrThrow({ where: { ref } });
  const { apiKeys: _dropped, ...secrets } = service.secretsOf(p);
  const { encryptSecrets } = await import("@/lib/crypto/secret-box");
  await db.project.update({ where: { ref }, data: { stackVersion: OLD, secrets: encryptSecrets(masterKey, ref, JSON.stringify(secrets)) } });
  await service.restartProject(owner, ref);
  await service.waitForIdle(ref);
  return ref;
}

const row = (ref: string) => db.project.findUniqueOrThrow({ where: { ref } });
const stack = (ref: string) => [...engine.stacks.values()].find((s) => s.ref === ref)!;
const installationIdOf = (svc: ProjectService) => (svc as unknown as { ctx: { provisioner: { installationId: string } } }).ctx.provisioner.installationId;
const kinds = async (ref: string) => (await db.projectEvent.findMany({ where: { project: { ref } }, orderBy: { id: "asc" } })).map((e) => e.kind);

describe("template versions", () => {
  it("a new project gets the newest template, with the new API keys", async () => {
    const { ref } = await service.createProject(owner, { name: "New one" });
    await service.waitForIdle(ref);
    expect((await row(ref)).stackVersion).toBe(LATEST_STACK_VERSION);
    expect(stack(ref).stackVersion).toBe(LATEST_STACK_VERSION);
    expect(stack(ref).containers.map((c) => c.service)).toContain("api-gw");
    const details = await service.getProjectDetails(owner, ref);
    expect(details.publishableKey).toMatch(/^sb_publishable_/);
    expect(details.secretKey).toMatch(/^sb_secret_/);
    expect(details.jwksUrl).toBe(`http://${ref}.supafleet.test/auth/v1/.well-known/jwks.json`);
    expect(details.upgradeTo).toBeNull();
  });

  it("an old project keeps its version through restart, pause, resume and reconcile", async () => {
    const ref = await oldProject();
    expect(stack(ref).stackVersion).toBe(OLD);
    expect(stack(ref).containers.map((c) => c.service)).toContain("kong");
    await service.pauseProject(owner, ref);
    await service.resumeProject(owner, ref);
    await service.waitForIdle(ref);
    expect(stack(ref).stackVersion).toBe(OLD);
    stack(ref).containers = stack(ref).containers.filter((c) => c.service !== "rest");
    await service.reconcile();
    await service.waitForIdle(ref);
    expect(stack(ref).stackVersion).toBe(OLD);
    expect((await row(ref)).status).toBe("ACTIVE_HEALTHY");
    const details = await service.getProjectDetails(owner, ref);
    expect(details).toMatchObject({ stackVersion: OLD, upgradeTo: LATEST_STACK_VERSION, publishableKey: null, secretKey: null });
  });
});

describe("upgrades", () => {
  it("move a running project to the newest template on the same volumes, adding the new keys, and record it on the engine first", async () => {
    const ref = await oldProject();
    const volumes = [...stack(ref).volumes];
    await service.upgradeProject(owner, ref);
    await service.waitForIdle(ref);
    const p = await row(ref);
    expect(p).toMatchObject({ stackVersion: LATEST_STACK_VERSION, status: "ACTIVE_HEALTHY" });
    expect(stack(ref).stackVersion).toBe(LATEST_STACK_VERSION);
    expect([...stack(ref).volumes]).toEqual(volumes);
    expect(engine.calls.filter((c) => c.ref === ref && c.op === "destroy")).toEqual([]);
    expect(service.secretsOf(p).apiKeys?.publishableKey).toMatch(/^sb_publishable_/);
    expect(await kinds(ref)).toEqual(expect.arrayContaining(["upgrade.requested", "upgrade.backup", "upgrade.started", "upgrade.succeeded"]));
    const { unsealNewest } = await import("@/lib/projects/metadata");
    const sealed = unsealNewest(masterKey, ref, [...stack(ref).metadata].reverse());
    expect(sealed.ok && sealed.meta.stackVersion).toBe(LATEST_STACK_VERSION);
  });

  it("roll back to the old spec when the new stack does not come up healthy; the project keeps its version", async () => {
    const ref = await oldProject();
    failVersion = LATEST_STACK_VERSION;
    await service.upgradeProject(owner, ref);
    await service.waitForIdle(ref);
    expect(await row(ref)).toMatchObject({ stackVersion: OLD, status: "ACTIVE_HEALTHY" });
    expect(stack(ref).stackVersion).toBe(OLD);
    expect(await kinds(ref)).toEqual(expect.arrayContaining(["upgrade.failed", "upgrade.rolled_back"]));
    expect(await kinds(ref)).not.toContain("upgrade.succeeded");
  });

  it("say so when even the rollback fails, and leave the data", async () => {
    const ref = await oldProject();
    failVersion = LATEST_STACK_VERSION;
    const provisioner = (service as unknown as { ctx: { provisioner: { up: (s: StackSpec, o: unknown) => Promise<void> } } }).ctx.provisioner;
    const up = provisioner.up.bind(provisioner);
    provisioner.up = async (spec, o) => {
      if (spec.stackVersion === OLD && (await kinds(ref)).includes("upgrade.failed")) throw new Error("db exited (1)");
      return up(spec, o);
    };
    await service.upgradeProject(owner, ref);
    await service.waitForIdle(ref);
    const p = await row(ref);
    expect(p).toMatchObject({ stackVersion: OLD, status: "ACTIVE_UNHEALTHY" });
    expect(p.statusReason).toMatch(/failed and so did going back/);
    expect(stack(ref).volumes.has("db-data")).toBe(true);
  });

  it("are refused on the newest version, in other states, and to strangers; an admin can upgrade all", async () => {
    const { ref: fresh } = await service.createProject(owner, { name: "Fresh" });
    await service.waitForIdle(fresh);
    await expect(service.upgradeProject(owner, fresh)).rejects.toThrow(/already runs the newest/);
    const ref = await oldProject();
    await expect(service.upgradeProject(stranger, ref)).rejects.toThrow(/not found/i);
    await expect(service.upgradeAllProjects(owner)).rejects.toThrow(/Administrators only/);
    expect(await service.upgradeAllProjects(admin)).toEqual([ref]);
    await service.waitForAllJobs();
    expect((await row(ref)).stackVersion).toBe(LATEST_STACK_VERSION);
  });
});

describe("upgrades to a new Postgres major (15 → 17)", () => {
  /** A service like `service` whose newest template runs Postgres 17 (the real tags' move), on a runtime that can or cannot carry data over. */
  function majorService(
    opts: { dataUpgrades?: boolean; hooks?: Parameters<FakeEngine["provisioner"]>[1]; sqlError?: (script: string) => string | null } = {},
  ): ProjectService {
    return fixture.another({
      hooks: {
        up: async (spec: StackSpec) => {
          if (spec.stackVersion === failVersion) throw new Error(`auth exited (1) on ${spec.stackVersion}`);
        },
        ...opts.hooks,
      },
      provisioner: (base) => {
        const data = base.data;
        if (!data) throw new Error("the fake engine has no data port");
        return {
          ...base,
          // A runtime that cannot carry data over (Swarm) has no data port.
          data:
            opts.dataUpgrades === false
              ? undefined
              : {
                  ...data,
                  // As psql with ON_ERROR_STOP: a script the database refuses fails.
                  runSql: async (...args: Parameters<typeof data.runSql>) => {
                    const refused = opts.sqlError?.(args[1]);
                    if (refused) throw new Error(refused);
                    return data.runSql(...args);
                  },
                },
        };
      },
      config: { imageOverrides: { db: "local/postgres:15", [`db@${LATEST_STACK_VERSION}`]: "local/postgres:17" } },
    });
  }

  /** An old project made by an older Supafleet: template OLD, and its data a Postgres 15 cluster with a table file and a stored object. */
  async function oldPg15Project(svc: ProjectService): Promise<string> {
    const ref = await oldProject();
    const s = stack(ref);
    s.files.get("db-data")!.set("PG_VERSION", "15\n");
    s.files.get("db-data")!.set("base/5/16384", "the owner's rows");
    s.files.get("storage")!.set("stub/bucket/cat.png", "an image");
    await svc.restartProject(owner, ref);
    await svc.waitForIdle(ref);
    expect(stack(ref).containers.find((c) => c.service === "db")?.running).toBe(true);
    return ref;
  }

  it("carry the data to a new generation of volumes, start there, record version and generation on the engine first, and keep the old volumes when no backup holds them", async () => {
    const svc = majorService();
    const ref = await oldPg15Project(svc);
    const details = await svc.getProjectDetails(owner, ref);
    expect(details.upgradeBlocked).toBeNull();
    expect(details.upgradeNote).toMatch(/from Postgres 15 to 17: the project stops while every role, database and row is copied/);
    const callsBefore = engine.calls.length;
    await svc.upgradeProject(owner, ref);
    await svc.waitForIdle(ref);
    const p = await row(ref);
    expect(p).toMatchObject({ stackVersion: LATEST_STACK_VERSION, dataGeneration: 1, status: "ACTIVE_HEALTHY" });
    const s = stack(ref);
    expect(s.files.get("g1-db-data")?.get("PG_VERSION")).toBe("17\n");
    expect(s.files.get("g1-db-data")?.get("base/5/16384")).toBe("the owner's rows");
    expect(s.files.get("g1-storage")?.get("stub/bucket/cat.png")).toBe("an image");
    expect(s.mountedGeneration).toBe(1);
    // What upstream's upgrade-pg17.sh runs on the new server afterwards, in its order: complete.sh's patches, then its own steps.
    expect(s.sql.slice(-5 - PG17_PATCHES.length, -5)).toEqual(PG17_PATCHES.map((x) => x.sql));
    const after = s.sql.slice(-5);
    expect(after[0]).toMatch(/CREATE ROLE supabase_etl_admin WITH LOGIN REPLICATION/);
    expect(after.slice(1)).toEqual(PG17_AFTER_CONVERSION.files.map((f) => `\\i /docker-entrypoint-initdb.d/migrations/${f}`));
    // No backup was taken (this service has none), so the Postgres 15 volumes stay.
    expect(s.files.get("db-data")?.get("PG_VERSION")).toBe("15\n");
    const ops = engine.calls
      .slice(callsBefore)
      .filter((c) => c.ref === ref)
      .map((c) => c.op);
    expect(ops.indexOf("removeContainers")).toBeLessThan(ops.indexOf("upgradeData"));
    expect(ops.indexOf("upgradeData")).toBeLessThan(ops.lastIndexOf("up"));
    expect(ops).not.toContain("destroy");
    const { unsealNewest } = await import("@/lib/projects/metadata");
    const sealed = unsealNewest(masterKey, ref, [...s.metadata].reverse());
    expect(sealed.ok && { v: sealed.meta.stackVersion, g: sealed.meta.dataGeneration }).toEqual({ v: LATEST_STACK_VERSION, g: 1 });
    const events = await db.projectEvent.findMany({ where: { project: { ref } }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(["upgrade.step", "upgrade.succeeded"]));
    expect(events.map((e) => e.message).join("\n")).toMatch(/volumes \(generation 0\) are kept, as no backup of them was taken/);
    // A restart later builds the recorded version on the recorded generation; the old server never meets the new data.
    await svc.restartProject(owner, ref);
    await svc.waitForIdle(ref);
    expect(await row(ref)).toMatchObject({ status: "ACTIVE_HEALTHY", dataGeneration: 1 });
  });

  it("go back to the old data, untouched, when the conversion fails, and remove the half-made volumes", async () => {
    const svc = majorService({
      hooks: {
        upgradeData: async () => {
          throw new Error('psql: ERROR:  type "plv8_thing" does not exist');
        },
      },
    });
    const ref = await oldPg15Project(svc);
    await svc.upgradeProject(owner, ref);
    await svc.waitForIdle(ref);
    expect(await row(ref)).toMatchObject({ stackVersion: OLD, dataGeneration: 0, status: "ACTIVE_HEALTHY" });
    const s = stack(ref);
    expect([...s.volumes].filter((v) => v.startsWith("g1-"))).toEqual([]);
    expect(s.files.get("db-data")?.get("base/5/16384")).toBe("the owner's rows");
    expect(s).toMatchObject({ stackVersion: OLD, mountedGeneration: 0 });
    const events = await db.projectEvent.findMany({ where: { project: { ref } }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(["upgrade.failed", "upgrade.rolled_back"]));
    expect(events.find((e) => e.kind === "upgrade.failed")?.message).toMatch(/plv8_thing/);
  });

  it("go back to the old data when a Vault secret does not decrypt on the converted database, and say why", async () => {
    const svc = majorService({
      sqlError: (script) => (script === VAULT_CHECK ? "psql: ERROR:  2 Vault secret(s) do not decrypt on the new database" : null),
    });
    const ref = await oldPg15Project(svc);
    await svc.upgradeProject(owner, ref);
    await svc.waitForIdle(ref);
    expect(await row(ref)).toMatchObject({ stackVersion: OLD, dataGeneration: 0, status: "ACTIVE_HEALTHY" });
    expect([...stack(ref).volumes].filter((v) => v.startsWith("g1-"))).toEqual([]);
    const failed = await db.projectEvent.findFirst({ where: { project: { ref }, kind: "upgrade.failed" } });
    expect(failed?.message).toMatch(/failed a check \(Vault's secrets decrypt\): .*2 Vault secret\(s\) do not decrypt/);
  });

  it("go back to the old data when the new stack does not come up healthy", async () => {
    const svc = majorService();
    const ref = await oldPg15Project(svc);
    failVersion = LATEST_STACK_VERSION;
    await svc.upgradeProject(owner, ref);
    await svc.waitForIdle(ref);
    expect(await row(ref)).toMatchObject({ stackVersion: OLD, dataGeneration: 0, status: "ACTIVE_HEALTHY" });
    expect([...stack(ref).volumes].filter((v) => v.startsWith("g1-"))).toEqual([]);
    expect(stack(ref).mountedGeneration).toBe(0);
  });

  it("of a paused project leave it paused, on the new data", async () => {
    const svc = majorService();
    const ref = await oldPg15Project(svc);
    await svc.pauseProject(owner, ref);
    await svc.upgradeProject(owner, ref);
    await svc.waitForIdle(ref);
    expect(await row(ref)).toMatchObject({ stackVersion: LATEST_STACK_VERSION, dataGeneration: 1, status: "INACTIVE" });
    expect(stack(ref).containers.every((c) => !c.running)).toBe(true);
  });

  it("are refused before the project stops when its database uses an extension Postgres 17 does not have", async () => {
    const svc = majorService();
    const ref = await oldPg15Project(svc);
    stack(ref).extensions = ["pgcrypto", "plv8"];
    const callsBefore = engine.calls.length;
    await svc.upgradeProject(owner, ref);
    await svc.waitForIdle(ref);
    expect(await row(ref)).toMatchObject({ stackVersion: OLD, dataGeneration: 0, status: "ACTIVE_HEALTHY" });
    const ops = engine.calls
      .slice(callsBefore)
      .filter((c) => c.ref === ref)
      .map((c) => c.op);
    expect(ops).not.toContain("removeContainers");
    expect(ops).not.toContain("upgradeData");
    const failed = await db.projectEvent.findFirst({ where: { project: { ref }, kind: "upgrade.failed" } });
    expect(failed?.message).toMatch(/uses plv8, which Postgres 17 does not have\. Drop it .* nothing was changed/);
  });

  it("are refused before anything changes on a runtime that cannot carry data over (Swarm), and by upgrade-all", async () => {
    const svc = majorService({ dataUpgrades: false });
    const ref = await oldPg15Project(svc);
    const before = { row: await row(ref), events: await kinds(ref), calls: engine.calls.length };
    const details = await svc.getProjectDetails(owner, ref);
    expect(details.upgradeBlocked).toMatch(/runs Postgres 17 and this project's data is Postgres 15: carrying it over is not available on this engine yet/);
    expect(details.upgradeNote).toBeNull();
    await expect(svc.upgradeProject(owner, ref)).rejects.toThrow(/stays on 2026\.02-r1, unchanged/);
    expect(await svc.upgradeAllProjects(admin)).toEqual([]);
    expect(await row(ref)).toMatchObject({ stackVersion: OLD, status: before.row.status });
    expect(await kinds(ref)).toEqual(before.events);
    expect(engine.calls.length).toBe(before.calls);
  });

  it("the fake engine, as Postgres, refuses to start a server on data of another major", async () => {
    const svc = majorService();
    const ref = await oldPg15Project(svc);
    const spec = stack(ref).lastSpec!;
    const on17 = { ...spec, services: spec.services.map((x) => (x.service === "db" ? { ...x, image: "local/postgres:17" } : x)) };
    const prov = engine.provisioner(installationIdOf(svc));
    await expect(prov.up(on17, { onEvent: () => undefined })).rejects.toThrow(
      /initialized by PostgreSQL version 15, which is not compatible with this version 17/,
    );
    await expect(prov.up(spec, { onEvent: () => undefined })).resolves.toBeUndefined();
  });
});

describe("Auth settings", () => {
  const smtp = {
    host: "smtp.example.com",
    port: 587,
    user: "mailer",
    password: "s3cret-smtp-pass",
    senderEmail: "no-reply@example.com",
    senderName: "Example",
  };

  it("default to confirmation off and the app URL placeholder", async () => {
    const { ref } = await service.createProject(owner, { name: "Auth" });
    await service.waitForIdle(ref);
    expect(await service.getAuthSettings(owner, ref)).toEqual({
      settings: { siteUrl: "http://localhost:3000", redirectUrls: [], confirmEmail: false, phoneSignup: false, phoneAutoconfirm: false, smtp: null },
      smtpPasswordSet: false,
      applied: true,
    });
    const auth = stack(ref).lastSpec!.services.find((s) => s.service === "auth")!.env;
    expect(auth.GOTRUE_MAILER_AUTOCONFIRM).toBe("true");
  });

  it("save, store the SMTP password encrypted, and remake only the auth container", async () => {
    const { ref } = await service.createProject(owner, { name: "Auth" });
    await service.waitForIdle(ref);
    const calls = engine.calls.length;
    const saved = await service.saveAuthSettings(owner, ref, {
      siteUrl: "https://app.example.com",
      redirectUrls: "https://app.example.com/**\nhttp://localhost:5173",
      confirmEmail: true,
      smtp,
    });
    expect(saved.settings).toEqual({
      siteUrl: "https://app.example.com",
      redirectUrls: ["https://app.example.com/**", "http://localhost:5173"],
      confirmEmail: true,
      phoneSignup: false,
      phoneAutoconfirm: false,
      smtp: { host: "smtp.example.com", port: 587, user: "mailer", senderEmail: "no-reply@example.com", senderName: "Example" },
    });
    await service.waitForIdle(ref);
    expect(engine.calls.slice(calls).map((c) => c.op)).toEqual(["replaceService:auth"]);
    const p = await row(ref);
    expect(p.authSettings).not.toContain("s3cret-smtp-pass");
    expect(p.secrets).not.toContain("s3cret-smtp-pass");
    expect(service.secretsOf(p).smtpPassword).toBe("s3cret-smtp-pass");
    const env = stack(ref).lastSpec!.services.find((s) => s.service === "auth")!.env;
    expect(env).toMatchObject({
      GOTRUE_SITE_URL: "https://app.example.com",
      GOTRUE_MAILER_AUTOCONFIRM: "false",
      GOTRUE_SMTP_PASS: "s3cret-smtp-pass",
      GOTRUE_URI_ALLOW_LIST: "https://app.example.com/**,http://localhost:5173",
    });
    // Saving again without a password keeps the stored one.
    await service.saveAuthSettings(owner, ref, { siteUrl: "https://app.example.com", redirectUrls: [], confirmEmail: true, smtp: { ...smtp, password: "" } });
    await service.waitForIdle(ref);
    expect(service.secretsOf(await row(ref)).smtpPassword).toBe("s3cret-smtp-pass");
    expect((await service.getAuthSettings(owner, ref)).smtpPasswordSet).toBe(true);
  });

  it("refuse bad input and keep what was stored", async () => {
    const { ref } = await service.createProject(owner, { name: "Auth" });
    await service.waitForIdle(ref);
    const bad = [
      { siteUrl: "javascript:alert(1)", redirectUrls: [], confirmEmail: false, smtp: null },
      { siteUrl: "https://app.example.com", redirectUrls: [], confirmEmail: true, smtp: null },
      { siteUrl: "https://app.example.com", redirectUrls: ["https://a.example.com,https://b.example.com"], confirmEmail: false, smtp: null },
      { siteUrl: "https://app.example.com", redirectUrls: [], confirmEmail: false, smtp: { ...smtp, host: "smtp.example.com\nGOTRUE_X=1" } },
      { siteUrl: "https://app.example.com", redirectUrls: [], confirmEmail: false, smtp: { ...smtp, port: 70000 } },
    ];
    for (const input of bad) await expect(service.saveAuthSettings(owner, ref, input), JSON.stringify(input)).rejects.toBeInstanceOf(ValidationError);
    await expect(
      service.saveAuthSettings(stranger, ref, { siteUrl: "https://x.example.com", redirectUrls: [], confirmEmail: false, smtp: null }),
    ).rejects.toThrow(/not found/i);
    expect((await row(ref)).authSettings).toBeNull();
  });

  it("on a paused project are stored and apply at its next start, without starting anything now", async () => {
    const { ref } = await service.createProject(owner, { name: "Auth" });
    await service.waitForIdle(ref);
    await service.pauseProject(owner, ref);
    const calls = engine.calls.length;
    await service.saveAuthSettings(owner, ref, { siteUrl: "https://later.example.com", redirectUrls: [], confirmEmail: false, smtp: null });
    expect(engine.calls.slice(calls)).toEqual([]);
    await service.resumeProject(owner, ref);
    await service.waitForIdle(ref);
    expect(stack(ref).lastSpec!.services.find((s) => s.service === "auth")!.env.GOTRUE_SITE_URL).toBe("https://later.example.com");
  });
});
