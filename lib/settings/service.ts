import type { Db } from "@/lib/db/client";

export interface SystemSettingsView {
  signupEnabled: boolean;
  defaultProjectQuota: number;
}

/** The singleton settings row, created with defaults on first read. */
export async function getSystemSettings(db: Db): Promise<SystemSettingsView> {
  const row = await db.systemSettings.upsert({ where: { id: 1 }, create: { id: 1 }, update: {} });
  return { signupEnabled: row.signupEnabled, defaultProjectQuota: row.defaultProjectQuota };
}

export async function updateSystemSettings(db: Db, patch: Partial<SystemSettingsView>): Promise<SystemSettingsView> {
  const row = await db.systemSettings.upsert({ where: { id: 1 }, create: { id: 1, ...patch }, update: patch });
  return { signupEnabled: row.signupEnabled, defaultProjectQuota: row.defaultProjectQuota };
}
