"use server";
import { runAction, type ActionResult } from "@/lib/actions";
import { requireUser } from "@/lib/auth/session";
import { getProjectService } from "@/lib/projects";
import { currentAddress, getRateLimiter } from "@/lib/rate-limit";

export async function createProjectAction(input: { name: string; region?: string }): Promise<ActionResult<{ ref: string }>> {
  return runAction(async () => {
    const user = await requireUser();
    // Throttled here, before the service: every attempt counts, per account and per address.
    const limiter = getRateLimiter();
    await limiter.consume("createUser", user.id);
    await limiter.consume("createIp", await currentAddress());
    const project = await getProjectService().createProject(user, input);
    return { ref: project.ref };
  });
}
