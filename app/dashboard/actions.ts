"use server";
import { runAction, type ActionResult } from "@/lib/actions";
import { requireUser } from "@/lib/auth/session";
import { getProjectService } from "@/lib/projects";

export async function createProjectAction(input: { name: string; region?: string }): Promise<ActionResult<{ ref: string }>> {
  return runAction(async () => {
    const user = await requireUser();
    const project = await getProjectService().createProject(user, input);
    return { ref: project.ref };
  });
}
