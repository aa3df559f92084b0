// Backup and restore of a 1 GB database, against pg_dump / pg_restore run
// directly in the same run. Needs the Docker engine: run under the engine lock,
//   flock /tmp/supafleet-engine.lock npx tsx bench/backup.ts [rows]
// One stand-in project (real PostgreSQL 15) gets a table of generated rows
// (generate_series, ~130 bytes a row: default 8,000,000 rows ≈ 1 GB with its
// index). Then, each timed:
//   1. Supafleet's backup (base backup of the running cluster + volumes, gzip -1, AES-GCM, local folder);
//   2. pg_dump -Fc of the same database, run in the db container with its own tools, streamed to a file on the host;
//   3. pg_dumpall (plain SQL), likewise, for the choice between logical and physical backups;
//   4. Supafleet's restore into the project (new volumes filled, stack moved to them, healthy);
//   5. pg_restore of the dump into a new database in the same container (-j 2).
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { BackupService } from "@/lib/backups/service";
import { LocalStore } from "@/lib/backups/store";
import { runExec, startExec } from "@/lib/docker/exec-stream";
import { psqlCommand } from "@/lib/docker/psql-session";
import { containerName } from "@/lib/stack/build-stack-spec";
import { benchSetup, machine, makeUser } from "@/bench/common";

const rows = Number(process.argv[2] ?? 8_000_000);
const tmp = mkdtempSync(join(tmpdir(), "supafleet-bench-backup-"));
const gb = (n: number) => `${(n / 1024 ** 3).toFixed(2)} GiB`;
const mb = (n: number) => `${(n / 1024 ** 2).toFixed(0)} MiB`;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = Date.now();
  const r = await fn();
  return [r, Date.now() - t];
}

async function main(): Promise<void> {
  const { docker, db, service, provisioner } = await benchSetup({ portRange: { start: 56200, end: 56299 } });
  const user = await makeUser(db, "bench-backup@example.com", 2);
  // Deletes here are final: the bench measures backups, not a final one at the end.
  await db.systemSettings.update({ where: { id: 1 }, data: { softDeleteDays: 0 } });
  const backups = new BackupService(service, new LocalStore(join(tmp, "backups")));
  const ref = (await service.createProject(user, { name: "Backup bench" })).ref;
  try {
    await service.waitForIdle(ref);
    const db0 = containerName(ref, "db");
    const password = service.secretsOf(await db.project.findUniqueOrThrow({ where: { ref } })).postgresPassword;
    const psql = (sql: string) => provisioner.data!.runSql(ref, sql, { password });
    console.log(`# ${machine()}; ${rows.toLocaleString("en")} rows`);

    const [, genMs] = await timed(() =>
      psql(
        `CREATE TABLE bench AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text) AS payload FROM generate_series(1, ${rows}) g; ALTER TABLE bench ADD PRIMARY KEY (id); CHECKPOINT;`,
      ),
    );
    const size = Number((await psql("SELECT pg_database_size('postgres');")).trim().split("\n").pop());
    console.log(`generated: database ${gb(size)} in ${s(genMs)}`);

    const [b, backupMs] = await timed(() => backups.createBackup(user, { ref }));
    console.log(`supafleet backup: ${s(backupMs)}, ${mb(b.sizeBytes ?? 0)} stored (${b.method})`);

    const dumpFile = join(tmp, "bench.dump");
    const [, dumpMs] = await timed(async () => {
      const h = await startExec(docker, db0, ["pg_dump", "-Fc", "-h", "127.0.0.1", "-U", "supabase_admin", "-d", "postgres"], { user: "postgres" });
      await pipeline(h.stdout, createWriteStream(dumpFile));
      if ((await h.exitCode()) !== 0) throw new Error(`pg_dump: ${h.stderr()}`);
    });
    const dumpSize = statSync(dumpFile).size;
    console.log(`pg_dump -Fc: ${s(dumpMs)}, ${mb(dumpSize)}`);

    const allFile = join(tmp, "bench.sql");
    const [, allMs] = await timed(async () => {
      const h = await startExec(docker, db0, ["pg_dumpall", "-h", "127.0.0.1", "-U", "supabase_admin"], { user: "postgres" });
      await pipeline(h.stdout, createWriteStream(allFile));
      if ((await h.exitCode()) !== 0) throw new Error(`pg_dumpall: ${h.stderr()}`);
    });
    console.log(`pg_dumpall (plain): ${s(allMs)}, ${mb(statSync(allFile).size)}`);
    rmSync(allFile);

    let importedAt = 0;
    const [, restoreMs] = await timed(async () => {
      await backups.restoreBackup(user, { ref, backupId: b.id, confirmRef: ref });
      await service.waitForIdle(ref);
    });
    const p = await db.project.findUniqueOrThrow({ where: { ref }, include: { events: { where: { kind: "restore.step" }, orderBy: { id: "asc" } } } });
    if (p.status !== "ACTIVE_HEALTHY") throw new Error(`restore ended ${p.status}: ${p.statusReason}`);
    const steps = p.events.slice(-2);
    if (steps.length === 2) importedAt = steps[1]!.at.getTime() - steps[0]!.at.getTime();
    const count = (await psql("SELECT count(*) FROM bench;")).trim();
    if (count !== String(rows)) throw new Error(`restored ${count} rows, expected ${rows}`);
    console.log(`supafleet restore: ${s(restoreMs)} until healthy (data into new volumes ${s(importedAt)}, then the stack moved and started)`);

    await runExec(docker, containerName(ref, "db"), psqlCommand(["-c", "CREATE DATABASE bench_restore;"]), { user: "postgres" });
    const [, pgRestoreMs] = await timed(async () => {
      const h = await startExec(
        docker,
        containerName(ref, "db"),
        ["pg_restore", "-h", "127.0.0.1", "-U", "supabase_admin", "-d", "bench_restore", "--no-owner"],
        { user: "postgres", stdin: true },
      );
      h.stdout.resume();
      await pipeline(createReadStream(dumpFile), h.socket);
      const code = await h.exitCode();
      if (code !== 0) throw new Error(`pg_restore exit ${code}: ${h.stderr().slice(0, 500)}`);
    });
    console.log(`pg_restore: ${s(pgRestoreMs)}`);

    console.log("");
    console.log(`| database | supafleet backup | pg_dump -Fc | ratio | supafleet restore (data / until healthy) | pg_restore | ratio (data) |`);
    console.log(
      `| ${gb(size)} | ${s(backupMs)}, ${mb(b.sizeBytes ?? 0)} | ${s(dumpMs)}, ${mb(dumpSize)} | ${(backupMs / dumpMs).toFixed(2)} | ${s(importedAt)} / ${s(restoreMs)} | ${s(pgRestoreMs)} | ${(importedAt / pgRestoreMs).toFixed(2)} |`,
    );
  } finally {
    await service.deleteProject(user, { ref, confirmRef: ref }).catch(() => undefined);
    await provisioner.destroy(ref).catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
