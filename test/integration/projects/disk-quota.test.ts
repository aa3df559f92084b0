// A project's database disk is a quota: on real stacks (real PostgreSQL in
// the db stand-in), a tenant writes past 95 % of its plan's quota and its
// database goes read-only (the owner is told, reads still work), a delete in
// a session that turns read-only off brings it back under the line and it is
// writable again; a neighbour writing all along is never refused.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DISK_READ_ONLY_PERCENT } from "@/lib/projects/disk-guard";
import type { SessionUser } from "@/lib/auth/actor";
import { ensureDockerHost } from "@/test/support/docker-host";
import { openInstallation, type Installation } from "@/test/support/installation";
import { ensureStandinImages } from "@/test/support/standin-images";

let inst: Installation;
let owner: SessionUser;
let neighbour: SessionUser;
let planId: string;
const refs: string[] = [];

async function userWith(email: string, planId: string | null): Promise<SessionUser> {
  const u = await inst.db.user.create({ data: { id: randomUUID(), email, passwordHash: "x", projectQuota: 2, planId } });
  return { id: u.id, email: u.email, name: null, role: "USER" };
}

async function connect(user: SessionUser, ref: string): Promise<pg.Client> {
  const d = await inst.service.getProjectDetails(user, ref);
  const c = new pg.Client({
    host: "127.0.0.1",
    port: d.dbPort!,
    user: `postgres.${ref}`,
    password: d.dbPassword,
    database: "postgres",
    connectionTimeoutMillis: 10_000,
  });
  // A session the guard ends (read-only switch) must not become an unhandled error.
  c.on("error", () => undefined);
  await c.connect();
  return c;
}

beforeAll(async () => {
  await ensureStandinImages(await ensureDockerHost());
  inst = await openInstallation({ portRange: { start: 57500, end: 57599 } });
  // The quota is set per test below, from the measured size of a fresh database.
  planId = (await inst.db.plan.create({ data: { id: randomUUID(), name: "tiny-disk", memoryMb: 2048, milliCpus: 1000, dbDiskMb: 100_000 } })).id;
  owner = await userWith("quota@example.com", planId);
  neighbour = await userWith("neighbour@example.com", null);
});

afterAll(async () => {
  for (const ref of refs) await inst.provisioner.destroy(ref).catch(() => undefined);
  await inst?.db.$disconnect();
});

describe("the database disk quota", () => {
  it("goes read-only past 95 %, tells the owner, and is writable again after a delete; the neighbour never stops", async () => {
    const a = (await inst.service.createProject(owner, { name: "Filler" })).ref;
    const b = (await inst.service.createProject(neighbour, { name: "Neighbour" })).ref;
    refs.push(a, b);
    await Promise.all([inst.service.waitForIdle(a), inst.service.waitForIdle(b)]);
    for (const [u, ref] of [
      [owner, a],
      [neighbour, b],
    ] as const) {
      const p = await inst.service.getProject(u, ref);
      expect(p.status, p.statusReason ?? "").toBe("ACTIVE_HEALTHY");
    }

    // A fresh database's size, and a quota that leaves it at about 70 %.
    await inst.service.checkDisks();
    const base = (await inst.service.getProject(owner, a)).dbDisk!;
    expect(base).toMatchObject({ readOnly: false, quotaMb: 100_000 });
    const quotaMb = Math.ceil(base.usedMb / 0.7);
    await inst.db.plan.update({ where: { id: planId }, data: { dbDiskMb: quotaMb } });

    // The neighbour writes every 100 ms throughout.
    const nb = await connect(neighbour, b);
    await nb.query("create table ticks (at timestamptz default now())");
    const neighbourErrors: string[] = [];
    let neighbourWrites = 0;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        await nb.query("insert into ticks default values").then(
          () => neighbourWrites++,
          (err: Error) => neighbourErrors.push(err.message),
        );
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    // Rows of ~1 KB are stored inline and uncompressed: the size grows by what is written.
    const fill = async (mb: number) => {
      const c = await connect(owner, a);
      try {
        await c.query("create table if not exists big (x text)");
        await c.query(
          `insert into big select string_agg(md5(random()::text || i::text || j::text), '') from generate_series(1, ${mb * 1024}) i, generate_series(1, 30) j group by i`,
        );
      } finally {
        await c.end();
      }
    };
    const growBy = Math.ceil(quotaMb * (DISK_READ_ONLY_PERCENT / 100) - base.usedMb) + 3;
    await fill(growBy);
    const t0 = Date.now();
    const report = await inst.service.checkDisks();
    expect(report.readOnly, JSON.stringify({ report, base, quotaMb, growBy })).toEqual([a]);
    const seen = await inst.service.getProject(owner, a);
    expect(seen.dbDisk).toMatchObject({ readOnly: true, quotaMb });
    expect(seen.dbDisk!.usedMb * 100).toBeGreaterThanOrEqual(quotaMb * DISK_READ_ONLY_PERCENT);
    console.info(`[disk-quota] read-only ${Date.now() - t0} ms after the check began; ${seen.dbDisk!.usedMb} of ${quotaMb} MiB`);
    // The owner is told why.
    const events = await inst.service.listEvents(owner, a);
    expect(events.map((e) => e.kind)).toContain("disk.read_only");
    expect(events.find((e) => e.kind === "disk.read_only")!.message).toMatch(/read-only/);

    // Writes are refused, reads work.
    const ro = await connect(owner, a);
    await expect(ro.query("insert into big values ('one more')")).rejects.toThrow(/read-only transaction/);
    expect((await ro.query("select count(*)::int as n from big")).rows[0].n).toBeGreaterThan(0);
    // A session that turns read-only off for itself may delete (as Supabase documents).
    await ro.query("set default_transaction_read_only = off");
    // Deleting the rows: TRUNCATE gives their space back at once (after a DELETE, only a
    // VACUUM that no open snapshot in the database holds back would).
    await ro.query("truncate big");
    await ro.end();

    const back = await inst.service.checkDisks();
    expect(back.writable, JSON.stringify({ back, disk: (await inst.service.getProject(owner, a)).dbDisk })).toEqual([a]);
    expect((await inst.service.getProject(owner, a)).dbDisk!.readOnly).toBe(false);
    const rw = await connect(owner, a);
    await rw.query("insert into big values ('writable again')");
    await rw.end();
    expect((await inst.service.listEvents(owner, a)).map((e) => e.kind)).toContain("disk.writable");

    writing = false;
    await writer;
    await nb.end();
    expect(neighbourErrors).toEqual([]);
    expect(neighbourWrites).toBeGreaterThan(5);
    expect((await inst.service.getProject(neighbour, b)).dbDisk?.readOnly ?? false).toBe(false);
  });
});
