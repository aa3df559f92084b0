"use server";
import { runAction, type ActionResult } from "@/lib/actions";
import { requireUser } from "@/lib/auth/session";
import { getProjectService } from "@/lib/services";
import { currentAddress } from "@/lib/rate-limit";

export async function createProjectAction(input: { name: string; region?: string; organization?: string }): Promise<ActionResult<{ ref: string }>> {
  return runAction(async () => {
    const user = await requireUser();
    // The service charges the per-account and per-address create limits, for every door alike.
    const project = await getProjectService().createProject(user, input, { address: await currentAddress() });
    return { ref: project.ref };
  });
}
