"use server";
import { revalidatePath } from "next/cache";
import { runAction, type ActionResult } from "@/lib/actions";
import { requireAdmin } from "@/lib/auth/session";
import { getBackupService } from "@/lib/services";

export async function saveBackupSettingsAction(input: { backupRetentionDays: number; softDeleteDays: number }): Promise<ActionResult<undefined>> {
  return runAction(async () => {
    await getBackupService().saveSettings(await requireAdmin(), input);
    revalidatePath("/admin");
    return undefined;
  });
}

export async function setPlanRetentionAction(input: { planId: string; backupRetentionDays: number | null }): Promise<ActionResult<undefined>> {
  return runAction(async () => {
    await getBackupService().setPlanRetention(await requireAdmin(), input);
    revalidatePath("/admin");
    return undefined;
  });
}

export async function adminUndeleteAction(ref: string): Promise<ActionResult<undefined>> {
  return runAction(async () => {
    await getBackupService().undeleteProject(await requireAdmin(), { ref }, { asAdmin: true });
    revalidatePath("/admin");
    return undefined;
  });
}
