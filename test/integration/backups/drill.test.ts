// The backup drill on the real Docker engine, with the stand-in stack (real
// PostgreSQL 15): write rows and put a file where the Storage file backend
// keeps it, back up, drop the table and delete the file, restore, and both
// are back. Once into the local folder, once into a local S3 server (s3rver
// from npm). Then a clone (new secrets, same data), a delete with its final
// backup and the project brought back, and a process that dies mid-backup
// and mid-restore (a runtime that stops at a step and never returns): the
// restart's repair leaves no half backup marked good and no project half
// restored.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type Docker from "dockerode";
import pg from "pg";
import S3rver from "s3rver";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { extract, pack } from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BackupService } from "@/lib/backups/service";
import { S3Store } from "@/lib/backups/s3-store";
import { LocalStore, type BackupStore } from "@/lib/backups/store";
import { dockerProvisioner } from "@/lib/docker/provisioner";
import { ProjectService } from "@/lib/projects/service";
import type { Provisioner } from "@/lib/projects/provisioner";
import { containerName } from "@/lib/stack/build-stack-spec";
import type { SessionUser } from "@/lib/auth/actor";
import { ensureDockerHost } from "@/test/support/docker-host";
import { dyingEngineClient } from "@/test/support/dying-engine-client";
import { DOCKER_SOCKET, openInstallation, type Installation } from "@/test/support/installation";
import { ensureStandinImages, STANDIN_IMAGE_OVERRIDES } from "@/test/support/standin-images";

const tmp = mkdtempSync(join(tmpdir(), "supafleet-drill-"));
const FILE_DIR = "/var/lib/storage/stub/stub/drill";
const FILE = `${FILE_DIR}/hello.txt`;
let docker: Docker;
let inst: Installation;
let user: SessionUser;
let local: LocalStore;
let s3: S3Store;
let s3server: S3rver;
const refs: string[] = [];

function localUrl(url: string): string {
  return url.replace(/@[a-z]{20}\.[^:/]+:/, "@127.0.0.1:").replace(/\?sslmode=require$/, "");
}

async function sql(ref: string, text: string): Promise<pg.QueryResult> {
  const d = await inst.service.getProjectDetails(user, ref);
  const client = new pg.Client({ connectionString: localUrl(d.directUrl!), connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/** Puts a file where storage-api's file backend keeps uploads (the stand-in serves no uploads). */
async function upload(ref: string, content: string): Promise<void> {
  const tar = pack();
  tar.entry({ name: FILE.slice(1), mode: 0o644 }, content);
  tar.finalize();
  await docker.getContainer(containerName(ref, "storage")).putArchive(tar as unknown as NodeJS.ReadableStream, { path: "/" });
}

async function readFile(ref: string): Promise<string | null> {
  let stream: Readable;
  try {
    stream = (await docker.getContainer(containerName(ref, "storage")).getArchive({ path: FILE })) as unknown as Readable;
  } catch {
    return null;
  }
  const ex = extract();
  stream.pipe(ex);
  for await (const entry of ex) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }
  return null;
}

async function removeFile(ref: string): Promise<void> {
  const exec = await docker.getContainer(containerName(ref, "storage")).exec({ Cmd: ["rm", "-f", FILE], AttachStdout: true, AttachStderr: true });
  const s = (await exec.start({})) as NodeJS.ReadableStream;
  s.resume();
  await new Promise((r) => s.on("end", r));
}

async function status(ref: string) {
  return (await inst.db.project.findUniqueOrThrow({ where: { ref } })).status;
}

async function rows(ref: string): Promise<string[] | "no table"> {
  try {
    return (await sql(ref, "select note from drill order by id")).rows.map((r: { note: string }) => r.note);
  } catch (err) {
    if (/does not exist/.test(String(err))) return "no table";
    throw err;
  }
}

function backups(store: BackupStore, provisioner?: (real: Provisioner) => Provisioner): { projects: ProjectService; backups: BackupService } {
  const projects = provisioner ? inst.restart({ provisioner }) : inst.service;
  return { projects, backups: new BackupService(projects, store) };
}

beforeAll(async () => {
  docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  inst = await openInstallation({ portRange: { start: 56100, end: 56199 } });
  const u = await inst.db.user.create({ data: { id: randomUUID(), email: "drill@example.com", passwordHash: "x", projectQuota: 5 } });
  user = { id: u.id, email: u.email, name: null, role: "USER" };
  local = new LocalStore(join(tmp, "backups"));
  s3server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: join(tmp, "s3") });
  const { port } = await s3server.run();
  const settings = {
    bucket: "supafleet-drill",
    region: "us-east-1",
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    prefix: "backups/",
  };
  await new S3Client({
    region: settings.region,
    endpoint: settings.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  }).send(new CreateBucketCommand({ Bucket: settings.bucket }));
  s3 = new S3Store(settings);
});

afterAll(async () => {
  for (const ref of refs) await inst?.provisioner.destroy(ref).catch(() => undefined);
  await s3server?.close().catch(() => undefined);
  await inst?.db.$disconnect();
  rmSync(tmp, { recursive: true, force: true });
});

describe("backup drill on the stand-in stack", () => {
  let ref: string;

  it("backs up a running project into the local folder and restores it: rows and file are back", async () => {
    ref = (await inst.service.createProject(user, { name: "Drill" })).ref;
    refs.push(ref);
    await inst.service.waitForIdle(ref);
    expect(await status(ref)).toBe("ACTIVE_HEALTHY");
    await sql(ref, "create table drill (id int primary key, note text); insert into drill values (1, 'one'), (2, 'two'), (3, 'three')");
    await upload(ref, "hello from the drill");
    const { backups: svc } = backups(local);
    const b = await svc.createBackup(user, { ref });
    expect(b.status).toBe("SUCCEEDED");
    expect(b.method).toBe("hot");
    expect(b.sizeBytes).toBeGreaterThan(1000);
    expect(b.checksum).toMatch(/^[0-9a-f]{64}$/);
    // rows written after the backup must not come back
    await sql(ref, "insert into drill values (4, 'after the backup')");
    await sql(ref, "drop table drill");
    await removeFile(ref);
    expect(await rows(ref)).toBe("no table");
    expect(await readFile(ref)).toBeNull();

    await svc.restoreBackup(user, { ref, backupId: b.id, confirmRef: ref });
    expect(await status(ref)).toBe("RESTORING");
    await inst.service.waitForIdle(ref);
    const p = await inst.db.project.findUniqueOrThrow({ where: { ref } });
    expect(p.statusReason).toBeNull();
    expect(p.status).toBe("ACTIVE_HEALTHY");
    expect(p.dataGeneration).toBe(1);
    expect(await rows(ref)).toEqual(["one", "two", "three"]);
    expect(await readFile(ref)).toBe("hello from the drill");
    // the replaced volumes are gone; the project runs on the new ones
    const mine = (await inst.provisioner.listStacks()).find((s) => s.ref === ref && s.installation === inst.installationId)!;
    expect(mine.volumes.filter((v) => v.key !== "metadata").every((v) => v.generation === 1)).toBe(true);
  });

  it("does the same through a local S3 server", async () => {
    const { backups: svc } = backups(s3);
    const b = await svc.createBackup(user, { ref });
    expect(b.status).toBe("SUCCEEDED");
    const row = await inst.db.backup.findUniqueOrThrow({ where: { id: b.id } });
    expect(row.target).toBe("s3");
    expect(await s3.size(row.objectKey)).toBe(b.sizeBytes);
    await sql(ref, "drop table drill");
    await removeFile(ref);
    await svc.restoreBackup(user, { ref, backupId: b.id, confirmRef: ref });
    await inst.service.waitForIdle(ref);
    expect(await status(ref)).toBe("ACTIVE_HEALTHY");
    expect(await rows(ref)).toEqual(["one", "two", "three"]);
    expect(await readFile(ref)).toBe("hello from the drill");
  });

  it("clones into a new project with new secrets and the same data", async () => {
    const { backups: svc } = backups(local);
    const b = await svc.createBackup(user, { ref });
    const clone = await svc.cloneBackup(user, { ref, backupId: b.id, name: "Drill clone" });
    refs.push(clone.ref);
    await inst.service.waitForIdle(clone.ref);
    const c = await inst.db.project.findUniqueOrThrow({ where: { ref: clone.ref } });
    expect(c.statusReason).toBeNull();
    expect(c.status).toBe("ACTIVE_HEALTHY");
    expect(await rows(clone.ref)).toEqual(["one", "two", "three"]);
    expect(await readFile(clone.ref)).toBe("hello from the drill");
    const [src, dst] = [await inst.service.getProjectDetails(user, ref), await inst.service.getProjectDetails(user, clone.ref)];
    expect(dst.dbPassword).not.toBe(src.dbPassword);
    expect(dst.anonKey).not.toBe(src.anonKey);
    // the clone's database takes its own password, not the source's
    const crossed = localUrl(dst.directUrl!).replace(encodeURIComponent(dst.dbPassword), encodeURIComponent(src.dbPassword));
    const client = new pg.Client({ connectionString: crossed, connectionTimeoutMillis: 10_000 });
    await expect(client.connect().then(() => client.query("select 1"))).rejects.toThrow(/password authentication failed/);
    await client.end().catch(() => undefined);
    // 2026.02-r1's jwt.sql puts the JWT secret into the database; 2026.09-r1's no longer does. Never the source's.
    const jwt = (await sql(clone.ref, "select coalesce(current_setting('app.settings.jwt_secret', true), '') as s")).rows[0].s;
    expect(["", inst.service.secretsOf(c).jwtSecret]).toContain(jwt);
    await inst.service.deleteProject(user, { ref: clone.ref, confirmRef: clone.ref });
  });

  it.each([
    ["local folder", () => local],
    ["S3 server", () => s3],
  ] as const)("a process that dies mid-backup into the %s leaves no backup marked good", async (_where, storeOf) => {
    const store: BackupStore = storeOf();
    const dying = backups(store, (real) => ({
      ...real,
      data: {
        ...real.data!,
        // Writes a first entry, then never returns: the process is gone.
        exportData: async (_spec, out) => {
          out.entry({ name: "data/db-config/partial" }, "x");
          return new Promise(() => undefined);
        },
      },
    }));
    void dying.backups.createBackup(user, { ref }).catch(() => undefined);
    await expect.poll(async () => (await inst.db.backup.findFirst({ orderBy: { startedAt: "desc" } }))?.status).toBe("RUNNING");
    if (store instanceof LocalStore) await expect.poll(async () => (await store.partials()).length, { timeout: 30_000 }).toBe(1);
    const { backups: restarted } = backups(store, (real) => real);
    expect((await restarted.repair()).errors).toEqual([]);
    const last = await inst.db.backup.findFirstOrThrow({ orderBy: { startedAt: "desc" } });
    expect(last.status).toBe("FAILED");
    expect(last.target).toBe(store.kind);
    expect(await store.size(last.objectKey)).toBeNull();
    if (store instanceof LocalStore) expect(await store.partials()).toEqual([]);
    expect((await restarted.listBackups(user, ref)).find((x) => x.id === last.id)?.restorable).toBe(false);
  });

  it("a process that dies mid-restore: the restart removes the half-filled volumes and the project runs on its data as it was", async () => {
    const good = (await inst.db.backup.findFirstOrThrow({ where: { status: "SUCCEEDED", target: "local", project: { ref } }, orderBy: { startedAt: "desc" } }))
      .id;
    await sql(ref, "insert into drill values (5, 'after the last backup')");
    const generation = (await inst.db.project.findUniqueOrThrow({ where: { ref } })).dataGeneration;
    // A runtime on its own engine connections, which it loses when it dies (as a killed process does).
    const engine = dyingEngineClient(DOCKER_SOCKET);
    const ownEngine = dockerProvisioner(engine.docker, inst.installationId, { helperImage: STANDIN_IMAGE_OVERRIDES.db });
    let died: () => void = () => undefined;
    const death = new Promise<void>((resolve) => (died = resolve));
    const dying = backups(local, () => ({
      ...ownEngine,
      data: {
        ...ownEngine.data!,
        // Fills the database volume and dies when Storage's files come, mid-upload.
        importData: async (spec, entries) => {
          async function* until() {
            for await (const e of entries) {
              if (e.header.name.startsWith("data/storage/")) {
                engine.die();
                died();
                await new Promise(() => undefined);
              }
              yield e;
            }
          }
          await ownEngine.data!.importData(spec, until());
        },
      },
    }));
    await dying.backups.restoreBackup(user, { ref, backupId: good, confirmRef: ref });
    await death;
    // What it left: the new generation's volumes, and the helper that was filling one.
    const left = (await inst.provisioner.listStacks()).find((s) => s.ref === ref && s.installation === inst.installationId)!;
    expect(left.volumes.some((v) => v.generation === generation + 1)).toBe(true);
    // The process is gone; a new one starts: repair, then reconcile.
    const restarted = backups(local, (real) => real);
    expect((await restarted.backups.repair()).errors).toEqual([]);
    const report = await restarted.projects.reconcile();
    expect(report.errors).toEqual([]);
    await restarted.projects.waitForIdle(ref);
    const p = await inst.db.project.findUniqueOrThrow({ where: { ref } });
    expect(p.status).toBe("ACTIVE_HEALTHY");
    expect(p.dataGeneration).toBe(generation);
    expect(await rows(ref)).toEqual(["one", "two", "three", "after the last backup"]);
    const mine = (await inst.provisioner.listStacks()).find((s) => s.ref === ref && s.installation === inst.installationId)!;
    expect(mine.volumes.some((v) => v.generation === generation + 1)).toBe(false);
    expect((await inst.db.restore.findFirstOrThrow({ orderBy: { startedAt: "desc" } })).status).toBe("FAILED");
  });

  it("a delete keeps a final backup, and the owner brings the project back with its data", async () => {
    const { backups: svc } = backups(local);
    await inst.service.deleteProject(user, { ref, confirmRef: ref });
    expect(await status(ref)).toBe("REMOVED");
    const final = await inst.db.backup.findFirstOrThrow({ where: { kind: "FINAL", project: { ref } } });
    expect(final.status).toBe("SUCCEEDED");
    expect((await inst.provisioner.listStacks()).some((s) => s.ref === ref && s.installation === inst.installationId)).toBe(false);
    expect((await svc.listDeleted(user)).map((d) => d.ref)).toContain(ref);
    await svc.undeleteProject(user, { ref });
    await inst.service.waitForIdle(ref);
    expect(await status(ref)).toBe("ACTIVE_HEALTHY");
    expect(await rows(ref)).toEqual(["one", "two", "three", "after the last backup"]);
    expect(await readFile(ref)).toBe("hello from the drill");
  });
});
