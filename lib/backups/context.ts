// What every part of lib/backups shares: the database and the runtime, the
// parts it shares with the project service (settings, the per-project lock;
// lib/projects/context.ts ProjectCore), the store, and the host-wide slot
// that lets one backup or restore stream at a time (2 cores: two gzip+AES
// streams at once only slow each other and the tenants). The composition root
// (lib/services.ts) passes the parts in.
import type { Db } from "@/lib/db/client";
import type { ProjectCore } from "@/lib/projects/context";
import { Slots } from "@/lib/concurrency";
import type { BackupStore } from "@/lib/backups/store";

export interface BackupConfig {
  /** gzip level of the backup stream (1: fastest; see bench/backup.ts for the measurements). */
  gzipLevel: number;
  /** Scheduled backups: how often the scheduler looks for due projects. */
  scheduleEveryMs: number;
  /** How often archived WAL is shipped from the projects' archive volumes to the store (lib/backups/pitr/ship.ts). */
  walShipEveryMs: number;
}

export const DEFAULT_BACKUP_CONFIG: BackupConfig = { gzipLevel: 1, scheduleEveryMs: 10 * 60_000, walShipEveryMs: 15_000 };

export interface BackupContext {
  db: Db;
  provisioner: ProjectCore["provisioner"];
  /** For the project modules backups call (ownership, specs, status, leases): the same lock and settings as the project service. */
  projects: ProjectCore;
  store: BackupStore;
  config: BackupConfig;
  slots: Slots;
  /** Refs with a backup being taken by this process. */
  running: Set<string>;
}

export function backupContext(projects: ProjectCore, store: BackupStore, config: Partial<BackupConfig> = {}): BackupContext {
  return {
    db: projects.db,
    provisioner: projects.provisioner,
    projects,
    store,
    config: { ...DEFAULT_BACKUP_CONFIG, ...config },
    slots: new Slots(1),
    running: new Set(),
  };
}
