"use server";
import { runAction, type ActionResult } from "@/lib/actions";
import { requireUser } from "@/lib/auth/session";
import { getBackupService } from "@/lib/backups";
import { throttleBackups } from "@/lib/backups/throttle";
import type { ProjectSummary } from "@/lib/projects/service";
import { currentAddress } from "@/lib/rate-limit";

/** Brings back one of the user's deleted projects from its final backup. */
export async function undeleteProjectAction(ref: string): Promise<ActionResult<ProjectSummary>> {
  return runAction(async () => {
    const user = await requireUser();
    await throttleBackups("restore", user.id);
    return getBackupService().undeleteProject(user, { ref }, { address: await currentAddress() });
  });
}
