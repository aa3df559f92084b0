import type { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { SettingsValues } from "@/lib/validations/admin";
import type { backupSettingsSchema } from "@/lib/validations/backup";

/** The admin form's settings and the backup settings, each shaped by its schema. */
export type SystemSettingsView = SettingsValues & z.output<typeof backupSettingsSchema>;

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
