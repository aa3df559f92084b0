// Child for the fault drills: a Supafleet "app process" that starts a create,
// a delete, a backup or a restore and keeps running until the parent kills it
// with SIGKILL (bench/fault-drill.ts, bench/backup-fault-drill.ts).
import { BackupService } from "@/lib/backups/service";
import { LocalStore } from "@/lib/backups/store";
import { openInstallation } from "@/test/support/installation";
import { DRILL_PORTS } from "./fault-drill-config";

async function main(): Promise<void> {
  const [mode, dbUrl, keyHex, userId, ref, storeDir, backupId] = process.argv.slice(2);
  // The same installation as the drill: its database, its master key.
  const { service } = await openInstallation({
    url: dbUrl!,
    portRange: DRILL_PORTS,
    masterKey: Buffer.from(keyHex!, "hex"),
    config: { rootDomain: "bench.test" },
  });
  const user = { id: userId!, email: "drill@example.com", name: null, role: "USER" as const };
  if (mode === "create") {
    const p = await service.createProject(user, { name: "Drill" });
    console.log(`REF ${p.ref}`);
    await service.waitForIdle(p.ref);
    console.log("DONE");
  } else if (mode === "backup") {
    const backups = new BackupService(service, new LocalStore(storeDir!));
    console.log("BACKING UP");
    await backups.createBackup(user, { ref: ref! });
    console.log("DONE");
  } else if (mode === "restore") {
    const backups = new BackupService(service, new LocalStore(storeDir!));
    await backups.restoreBackup(user, { ref: ref!, backupId: backupId!, confirmRef: ref! });
    console.log("RESTORING");
    await service.waitForIdle(ref!);
    console.log("DONE");
  } else {
    console.log("DELETING");
    await service.deleteProject(user, { ref: ref!, confirmRef: ref! });
    console.log("DONE");
  }
  // Stay alive until killed (a pending promise alone does not keep node running).
  setInterval(() => undefined, 60_000);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
