"use server";
import { runAction, type ActionResult } from "@/lib/actions";
import { requireUser } from "@/lib/auth/session";
import { getBackupService } from "@/lib/services";
import type { BackupView } from "@/lib/backups/service";
import type { PitrPreview, PitrView } from "@/lib/backups/pitr/request";
import { throttleBackups } from "@/lib/backups/throttle";
import type { ProjectSummary } from "@/lib/projects/service";
import { currentAddress } from "@/lib/rate-limit";

// Each action checks the session and hands the raw input to the service,
// which validates it (lib/validations/backup.ts) and scopes it to the owner.

export async function listBackupsAction(ref: string): Promise<ActionResult<{ backups: BackupView[]; canBackUp: boolean }>> {
  return runAction(async () => getBackupService().backupsPanel(await requireUser(), ref));
}

export async function createBackupAction(ref: string): Promise<ActionResult<BackupView>> {
  return runAction(async () => {
    const user = await requireUser();
    await throttleBackups("backup", user.id);
    return getBackupService().createBackup(user, { ref });
  });
}

export async function restoreBackupAction(input: { ref: string; backupId: string; confirmRef: string }): Promise<ActionResult<ProjectSummary>> {
  return runAction(async () => {
    const user = await requireUser();
    await throttleBackups("restore", user.id);
    return getBackupService().restoreBackup(user, input, { address: await currentAddress() });
  });
}

export async function cloneBackupAction(input: { ref: string; backupId: string; name: string }): Promise<ActionResult<ProjectSummary>> {
  return runAction(async () => {
    const user = await requireUser();
    await throttleBackups("restore", user.id);
    return getBackupService().cloneBackup(user, input, { address: await currentAddress() });
  });
}

export async function pitrWindowAction(ref: string): Promise<ActionResult<PitrView>> {
  return runAction(async () => getBackupService().pitrWindow(await requireUser(), ref));
}

export async function pitrPreviewAction(input: { ref: string; targetTime: string }): Promise<ActionResult<PitrPreview>> {
  return runAction(async () => getBackupService().pitrPreview(await requireUser(), input));
}

export async function restorePitrAction(input: { ref: string; targetTime: string; confirmRef: string }): Promise<ActionResult<ProjectSummary>> {
  return runAction(async () => {
    const user = await requireUser();
    await throttleBackups("restore", user.id);
    return getBackupService().restoreToPoint(user, input, { address: await currentAddress() });
  });
}
