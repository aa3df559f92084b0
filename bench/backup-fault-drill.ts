// Backup and restore fault drills (issue 14): the app process (a child,
// bench/fault-child.ts) is SIGKILLed at several points of a backup and of a
// restore of a running project holding a table of ROWS rows. A restarted app
// (another process on the same database, key and backup folder: repair, then
// reconcile) must leave no half backup marked good, no backup or restore
// RUNNING, no partial file, and no project half restored: it ends
// ACTIVE_HEALTHY on either its data as it was or the whole backup, with only
// its current generation's volumes on the engine.
// Run: npx tsx bench/backup-fault-drill.ts   (the engine to itself: no suite beside it)
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { BackupService } from "@/lib/backups/service";
import { LocalStore } from "@/lib/backups/store";
import { benchSetup, machine, makeUser } from "./common";
import { DRILL_PORTS } from "./fault-drill-config";
import { runChild } from "./kill-child";

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const BACKUP_KILLS_MS = [200, 2_000, 5_000];
const RESTORE_KILLS_MS = [500, 3_000, 10_000];

async function main(): Promise<void> {
  console.log(`machine: ${machine()}; ${ROWS} rows`);
  const key = randomBytes(32);
  const storeDir = mkdtempSync(join(tmpdir(), "supafleet-backup-drill-"));
  const store = new LocalStore(storeDir);
  const { db, url, provisioner, service, restart } = await benchSetup({ portRange: DRILL_PORTS, masterKey: key });
  const user = await makeUser(db, "drill@example.com", 5);
  const { ref } = await service.createProject(user, { name: "Backup drill" });
  let failures = 0;
  const sql = async (text: string): Promise<pg.QueryResult> => {
    const d = await service.getProjectDetails(user, ref);
    const client = new pg.Client({ connectionString: d.directUrl!.replace(/@[a-z]{20}\.[^:/]+:/, "@127.0.0.1:").replace(/\?sslmode=require$/, "") });
    await client.connect();
    try {
      return await client.query(text);
    } finally {
      await client.end();
    }
  };
  const state = async () =>
    (await sql("select count(*)::int as n, bool_or(note = 'after the backup') as marker from drill")).rows[0] as { n: number; marker: boolean };
  /** A restarted app: repair, reconcile, and the invariants. */
  const check = async (label: string, allowed: (s: { n: number; marker: boolean }, generationMoved: boolean) => boolean, generation: number) => {
    const restarted = restart();
    const backups = new BackupService(restarted, store);
    const repair = await backups.repair();
    const report = await restarted.reconcile();
    await restarted.waitForIdle(ref);
    const problems: string[] = [...repair.errors, ...report.errors];
    const p = await db.project.findUniqueOrThrow({ where: { ref } });
    if (p.status !== "ACTIVE_HEALTHY") problems.push(`project ${p.status}`);
    const running = (await db.backup.count({ where: { status: "RUNNING" } })) + (await db.restore.count({ where: { status: "RUNNING" } }));
    if (running) problems.push(`${running} backup/restore rows RUNNING`);
    for (const b of await db.backup.findMany({ where: { status: "SUCCEEDED" } }))
      if ((await store.size(b.objectKey)) === null) problems.push(`backup ${b.id} SUCCEEDED without its object`);
    const partials = await store.partials();
    if (partials.length) problems.push(`partial files: ${partials.join(", ")}`);
    const stack = (await provisioner.listStacks()).find((s) => s.ref === ref && s.installation === provisioner.installationId);
    const generations = [...new Set((stack?.volumes ?? []).map((v) => v.generation))];
    if (generations.length !== 1 || generations[0] !== p.dataGeneration)
      problems.push(`volume generations ${JSON.stringify(generations)} (project on ${p.dataGeneration})`);
    const s = p.status === "ACTIVE_HEALTHY" ? await state() : { n: -1, marker: false };
    if (!allowed(s, p.dataGeneration !== generation)) problems.push(`data ${JSON.stringify(s)} on generation ${p.dataGeneration} (was ${generation})`);
    if (problems.length) failures++;
    console.log(
      `drill ${label}: repaired ${repair.repaired.length}, ${JSON.stringify(s)}, generation ${generation} → ${p.dataGeneration} → ${problems.length ? `FAIL: ${problems.join("; ")}` : "OK"}`,
    );
  };
  try {
    await service.waitForIdle(ref);
    await sql(
      `create table drill (id int primary key, note text); insert into drill select g, md5(g::text) || md5((g * 7)::text) from generate_series(1, ${ROWS}) g`,
    );
    const good = await new BackupService(service, store).createBackup(user, { ref });
    console.log(`good backup: ${good.sizeBytes} bytes in ${good.durationMs} ms`);
    await sql(`insert into drill values (${ROWS + 1}, 'after the backup')`);
    for (const at of BACKUP_KILLS_MS) {
      const generation = (await db.project.findUniqueOrThrow({ where: { ref } })).dataGeneration;
      await runChild(["backup", url, key.toString("hex"), user.id, ref, storeDir], at, /BACKING UP/);
      await check(`kill backup at ${at} ms`, (s, moved) => !moved && s.n === ROWS + 1 && s.marker, generation);
    }
    for (const at of RESTORE_KILLS_MS) {
      const generation = (await db.project.findUniqueOrThrow({ where: { ref } })).dataGeneration;
      await runChild(["restore", url, key.toString("hex"), user.id, ref, storeDir, good.id], at, /RESTORING/);
      // Either as it was (the marker row is there) or the whole backup (it is not): never a mix.
      await check(`kill restore at ${at} ms`, (s, moved) => (moved ? s.n === ROWS && !s.marker : s.n === ROWS + 1 && s.marker), generation);
      if (!(await state()).marker) await sql(`insert into drill values (${ROWS + 1}, 'after the backup')`);
    }
  } finally {
    await service.deleteProject(user, { ref, confirmRef: ref }).catch((err: unknown) => console.error(`delete ${ref}:`, err));
    rmSync(storeDir, { recursive: true, force: true });
    await db.$disconnect();
  }
  console.log(`backup fault drills: ${failures} of ${BACKUP_KILLS_MS.length + RESTORE_KILLS_MS.length} failed`);
  if (failures) process.exit(1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
