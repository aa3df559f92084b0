// The point-in-time recovery drill on the real Docker engine, with the
// stand-in stack (real PostgreSQL 17 and its real archiver and recovery):
// continuous archiving on, a base backup, rows written with their commit
// times, one more row in the last second, a DELETE at a known time, then a
// restore to one second before the DELETE. Exactly the rows committed up to
// that instant are back (the ones deleted included, the late one not). The
// store is the local folder; one stack for the whole file.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Docker from "dockerode";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BackupService } from "@/lib/backups/service";
import { LocalStore } from "@/lib/backups/store";
import { walKeyFor } from "@/lib/backups/store";
import type { SessionUser } from "@/lib/auth/actor";
import { ensureDockerHost } from "@/test/support/docker-host";
import { openInstallation, type Installation } from "@/test/support/installation";
import { ensureStandinImages } from "@/test/support/standin-images";

const tmp = mkdtempSync(join(tmpdir(), "supafleet-pitr-"));
let docker: Docker;
let inst: Installation;
let user: SessionUser;
let backups: BackupService;
let local: LocalStore;
let ref = "";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function localUrl(url: string): string {
  return url.replace(/@[a-z]{20}\.[^:/]+:/, "@127.0.0.1:").replace(/\?sslmode=require$/, "");
}

async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const d = await inst.service.getProjectDetails(user, ref);
  const client = new pg.Client({ connectionString: localUrl(d.directUrl!), connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** One connection for the timed part: a new connection per statement takes hundreds of ms here. */
async function connect(): Promise<pg.Client> {
  const d = await inst.service.getProjectDetails(user, ref);
  const client = new pg.Client({ connectionString: localUrl(d.directUrl!), connectionTimeoutMillis: 10_000 });
  await client.connect();
  return client;
}

/** Inserts one row in its own transaction (autocommit); returns the server's time just after its commit. */
async function insert(c: pg.Client, note: string): Promise<Date> {
  await c.query("insert into drill (note) values ($1)", [note]);
  return (await c.query<{ now: Date }>("select clock_timestamp() as now")).rows[0]!.now;
}

beforeAll(async () => {
  docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  inst = await openInstallation({
    portRange: { start: 56400, end: 56449 },
    config: { walArchive: { archiveTimeoutSeconds: 60, maxPendingSegments: 64 } },
  });
  const u = await inst.db.user.create({ data: { id: randomUUID(), email: "pitr@example.com", passwordHash: "x", projectQuota: 2 } });
  user = { id: u.id, email: u.email, name: null, role: "USER" };
  local = new LocalStore(join(tmp, "backups"));
  backups = new BackupService(inst.service, local);
});

afterAll(async () => {
  if (ref) await inst?.provisioner.destroy(ref).catch(() => undefined);
  await inst?.db.$disconnect();
  rmSync(tmp, { recursive: true, force: true });
});

describe("point-in-time recovery drill (local store)", () => {
  const kept: string[] = [];
  let deleteAt: Date;
  let late: Date;

  it("archives WAL from a running project into its archive volume and ships it, encrypted, to the store", async () => {
    ref = (await inst.service.createProject(user, { name: "PITR drill" })).ref;
    await inst.service.waitForIdle(ref);
    expect((await inst.db.project.findUniqueOrThrow({ where: { ref } })).status).toBe("ACTIVE_HEALTHY");
    const vol = await docker.getVolume(`supafleet-${ref}-wal-archive`).inspect();
    expect(vol.Labels["supafleet.ref"]).toBe(ref);
    expect(vol.Labels["supafleet.generation"]).toBeUndefined();

    await sql("create table drill (id serial primary key, note text not null)");
    const b = await backups.createBackup(user, { ref });
    expect(b.status).toBe("SUCCEEDED");
    await backups.shipWal(ref);
    const shipped = await inst.db.walSegment.findMany({ where: { project: { ref }, gap: false } });
    expect(shipped.length).toBeGreaterThan(0);
    const one = shipped[0]!;
    expect(one.objectKey).toBe(walKeyFor(inst.installationId, ref, one.name));
    // Encrypted as backups are (their header's magic), not the raw segment.
    const head = await local.read(one.objectKey!);
    const first = (await head[Symbol.asyncIterator]().next()).value as Buffer;
    head.destroy();
    expect(first.subarray(0, 8).toString("ascii")).toBe("SFBACKUP");
    // The volume keeps no shipped file.
    expect((await backups.ctx.provisioner.walArchive!.list(ref))!.filter((f) => shipped.some((s) => s.name === f.name))).toEqual([]);
  });

  it("restores to one second before a DELETE: exactly the rows committed up to then are back", async () => {
    const c = await connect();
    try {
      for (let i = 0; i < 5; i++) {
        kept.push(`row ${i}`);
        await insert(c, `row ${i}`);
        await sleep(150);
      }
      await sleep(1500);
      // Committed within the last second before the DELETE: must not come back.
      late = await insert(c, "late");
      await sleep(400);
      await c.query("delete from drill");
      deleteAt = (await c.query<{ now: Date }>("select clock_timestamp() as now")).rows[0]!.now;
      await insert(c, "after the delete");
    } finally {
      await c.end();
    }
    expect((await sql("select note from drill")).length).toBe(1);

    const target = new Date(deleteAt.getTime() - 1000);
    expect(late.getTime()).toBeGreaterThan(target.getTime());
    await backups.shipWal(ref);
    const view = await backups.pitrWindow(user, ref);
    expect(view.enabled).toBe(true);
    expect(view.ranges.some((r) => new Date(r.from) <= target && target <= new Date(r.to))).toBe(true);
    const preview = await backups.pitrPreview(user, { ref, targetTime: target.toISOString() });
    expect(preview).toMatchObject({ exact: true, target: target.toISOString() });

    const started = Date.now();
    await backups.restoreToPoint(user, { ref, targetTime: target.toISOString(), confirmRef: ref });
    await inst.service.waitForIdle(ref);
    const p = await inst.db.project.findUniqueOrThrow({ where: { ref } });
    expect(p.statusReason).toBeNull();
    expect(p.status).toBe("ACTIVE_HEALTHY");
    expect(p.dataGeneration).toBe(1);
    console.log(`[pitr drill] restore to a point in time took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect((await sql<{ note: string }>("select note from drill order by id")).map((r) => r.note)).toEqual(kept);
    // The archive volume outlived the generation switch, and archiving goes on from the restored cluster.
    await sql("insert into drill (note) values ('after the restore')");
    await backups.shipWal(ref);
    const history = await inst.db.walSegment.findMany({ where: { project: { ref }, name: { endsWith: ".history" } } });
    expect(history.map((h) => h.name)).toContain("00000002.history");
  });

  it("refuses an instant outside the window and names the nearest possible one", async () => {
    const long = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const preview = await backups.pitrPreview(user, { ref, targetTime: long });
    expect(preview.exact).toBe(false);
    await expect(backups.restoreToPoint(user, { ref, targetTime: long, confirmRef: ref })).rejects.toThrow(/nearest possible|Nothing can be restored/);
  });
});
