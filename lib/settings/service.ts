import type { Db } from "@/lib/db/client";

export interface SystemSettingsView {
  signupEnabled: boolean;
  defaultProjectQuota: number;
  /** New accounts wait for an admin's approval before they can log in. */
  signupRequiresApproval: boolean;
  /** Accounts one client address may create per day. */
  signupsPerIpPerDay: number;
  /** Admission: running projects' memory may add up to this percent of the host's. */
  memoryCommitPercent: number;
  /** Admission: a create or resume needs this much free disk. */
  minFreeDiskMb: number;
  /** Projects idle this many minutes are paused (woken by their next request); 0 = never. */
  idleTimeoutMin: number;
  /** Days scheduled and manual backups are kept (a plan may say otherwise). */
  backupRetentionDays: number;
  /** Days a deleted project's final backup is kept; 0: deletes are final. */
  softDeleteDays: number;
}

type Row = SystemSettingsView & { id: number };

/** The settings row's default plan (not part of the view the settings form edits). */
export async function defaultPlanId(db: Db): Promise<string | null> {
  return (await db.systemSettings.findUnique({ where: { id: 1 }, select: { defaultPlanId: true } }))?.defaultPlanId ?? null;
}

function view(row: Row): SystemSettingsView {
  return {
    signupEnabled: row.signupEnabled,
    defaultProjectQuota: row.defaultProjectQuota,
    signupRequiresApproval: row.signupRequiresApproval,
    signupsPerIpPerDay: row.signupsPerIpPerDay,
    memoryCommitPercent: row.memoryCommitPercent,
    minFreeDiskMb: row.minFreeDiskMb,
    idleTimeoutMin: row.idleTimeoutMin,
    backupRetentionDays: row.backupRetentionDays,
    softDeleteDays: row.softDeleteDays,
  };
}

/** The singleton settings row, created with defaults on first read. */
export async function getSystemSettings(db: Db): Promise<SystemSettingsView> {
  return view(await db.systemSettings.upsert({ where: { id: 1 }, create: { id: 1 }, update: {} }));
}

export async function updateSystemSettings(db: Db, patch: Partial<SystemSettingsView>): Promise<SystemSettingsView> {
  return view(await db.systemSettings.upsert({ where: { id: 1 }, create: { id: 1, ...patch }, update: patch }));
}

/** The settings row on the process's database; built by the composition root (lib/services.ts). */
export class SettingsService {
  constructor(private readonly db: Db) {}

  get = () => getSystemSettings(this.db);
  update = (patch: Partial<SystemSettingsView>) => updateSystemSettings(this.db, patch);
}
