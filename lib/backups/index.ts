// Process-wide wiring of the backup service, beside the project service's
// (lib/projects/index.ts), on globalThis for the same reasons.
import { getEnv } from "@/lib/env";
import { getProjectService } from "@/lib/projects";
import { BackupService } from "@/lib/backups/service";
import { S3Store } from "@/lib/backups/s3-store";
import { LocalStore, type BackupStore } from "@/lib/backups/store";

const g = globalThis as unknown as { supafleetBackups?: BackupService };

export function backupStoreFromEnv(): BackupStore {
  const { backups } = getEnv();
  return backups.s3 ? new S3Store(backups.s3) : new LocalStore(backups.dir);
}

export function getBackupService(): BackupService {
  g.supafleetBackups ??= new BackupService(getProjectService(), backupStoreFromEnv());
  return g.supafleetBackups;
}
