// Retention with point-in-time recovery on (lib/backups/pitr/prune.ts): base
// backups and shipped WAL are pruned together, so the window's first second
// stays restorable (the base backup it starts from is kept though older than
// the window) and no WAL older than what a kept base backup needs is kept.
// Real SQLite and backup folder; the strict fake engine.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { Readable } from "node:stream";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import type { BackupService } from "@/lib/backups/service";
import { LocalStore, walKeyFor } from "@/lib/backups/store";
import type { SessionUser } from "@/lib/auth/actor";
import { addUser, projectServiceFixture, tempFolder, type ProjectFixture } from "@/test/support/project-service-fixture";

const tmp = tempFolder("pitr-retention");
const DAY = 86_400_000;
let n = 0;
let fixture: ProjectFixture;
let db: Db;
let store: LocalStore;
let backups: BackupService;
let owner: SessionUser;

beforeEach(async () => {
  fixture = await projectServiceFixture({
    dir: tmp,
    config: {
      portRange: { start: 41200, end: 41299 },
      imageOverrides: { db: "local/postgres:15" },
      walArchive: { archiveTimeoutSeconds: 60, maxPendingSegments: 64 },
    },
  });
  db = fixture.db;
  store = new LocalStore(join(tmp, `backups-${n++}`));
  ({ backups } = fixture.withBackups(store, {}));
  owner = await addUser(db, `owner${n}@example.com`, { projectQuota: 10 });
});

describe("retention of base backups and WAL together", () => {
  it("keeps the base backup the window starts from and the WAL after its start; drops the rest", async () => {
    const p = await fixture.service.createProject(owner, { name: "Window" });
    await fixture.service.waitForIdle(p.ref);
    const project = await db.project.findUniqueOrThrow({ where: { ref: p.ref } });
    const plan = await db.plan.create({ data: { id: randomUUID(), name: "week", memoryMb: 1024, milliCpus: 1000, backupRetentionDays: 7 } });
    await db.user.update({ where: { id: owner.id }, data: { planId: plan.id } });
    const now = Date.now();
    const at = (daysAgo: number) => new Date(now - daysAgo * DAY);
    const base = (daysAgo: number) =>
      db.backup.create({
        data: {
          id: randomUUID(),
          projectId: project.id,
          kind: "SCHEDULED",
          status: "SUCCEEDED",
          target: "local",
          objectKey: `${fixture.installationId}/${p.ref}/${randomUUID()}.sfbk`,
          stackVersion: project.stackVersion,
          dbImage: "local/postgres:15",
          secrets: project.secrets,
          dataGeneration: 0,
          startedAt: at(daysAgo),
          finishedAt: at(daysAgo),
        },
      });
    const oldest = await base(12);
    const anchor = await base(8);
    const inside = await base(2);
    const segs: Array<{ name: string; daysAgo: number }> = [
      { name: "000000010000000000000001", daysAgo: 11.9 },
      { name: "000000010000000000000002", daysAgo: 8.1 },
      { name: "000000010000000000000003", daysAgo: 7.9 },
      { name: "000000010000000000000004", daysAgo: 1 },
    ];
    for (const s of segs) {
      const objectKey = walKeyFor(fixture.installationId, p.ref, s.name);
      await store.write(objectKey, Readable.from([Buffer.from("wal")]));
      await db.walSegment.create({ data: { id: randomUUID(), projectId: project.id, name: s.name, objectKey, sizeBytes: 3, closedAt: at(s.daysAgo) } });
    }
    await backups.prune(new Date(now));
    const kept = (await db.backup.findMany({ where: { projectId: project.id }, select: { id: true } })).map((b) => b.id).sort();
    expect(kept).toEqual([anchor.id, inside.id].sort());
    expect(kept).not.toContain(oldest.id);
    const wal = (await db.walSegment.findMany({ where: { projectId: project.id }, orderBy: { name: "asc" } })).map((w) => w.name);
    // The anchor started 8 days ago: the segment closed 8.1 days ago is before it, the one of 7.9 days its first.
    expect(wal).toEqual(["000000010000000000000003", "000000010000000000000004"]);
    expect(await store.size(walKeyFor(fixture.installationId, p.ref, "000000010000000000000001"))).toBeNull();
    expect(await store.size(walKeyFor(fixture.installationId, p.ref, "000000010000000000000003"))).toBe(3);
  });
});
