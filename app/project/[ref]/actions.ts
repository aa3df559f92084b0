"use server";
import { runAction, type ActionResult } from "@/lib/actions";
import { requireUser } from "@/lib/auth/session";
import { getProjectService } from "@/lib/services";
import { currentAddress } from "@/lib/rate-limit";
import type { ProjectDetails, ProjectSummary } from "@/lib/projects/service";
import type { ServiceStatus } from "@/lib/projects/provisioner";
import type { AuthSettingsView } from "@/lib/projects/auth-settings";

// Each action checks the session itself and passes the ref to the service,
// whose every query is scoped to the caller's own projects. The client's
// address goes along: the service charges its throttles (lib/projects/throttle.ts).

export async function pauseProjectAction(ref: string): Promise<ActionResult<ProjectSummary>> {
  return runAction(async () => getProjectService().pauseProject(await requireUser(), ref));
}

export async function resumeProjectAction(ref: string): Promise<ActionResult<ProjectSummary>> {
  return runAction(async () => getProjectService().resumeProject(await requireUser(), ref, { address: await currentAddress() }));
}

export async function restartProjectAction(ref: string): Promise<ActionResult<ProjectSummary>> {
  return runAction(async () => getProjectService().restartProject(await requireUser(), ref, { address: await currentAddress() }));
}

export async function retryProjectAction(ref: string): Promise<ActionResult<ProjectSummary>> {
  return runAction(async () => getProjectService().retryProject(await requireUser(), ref, { address: await currentAddress() }));
}

export async function deleteProjectAction(input: { ref: string; confirmRef: string }): Promise<ActionResult<undefined>> {
  return runAction(async () => {
    await getProjectService().deleteProject(await requireUser(), input, { address: await currentAddress() });
    return undefined;
  });
}

/** Keys and passwords are fetched on "Reveal", so they are not in the page's HTML. */
export async function revealProjectSecretsAction(ref: string): Promise<ActionResult<ProjectDetails>> {
  return runAction(async () => getProjectService().revealSecrets(await requireUser(), ref));
}

export async function serviceStatusAction(ref: string): Promise<ActionResult<{ project: ProjectSummary; services: ServiceStatus[] }>> {
  return runAction(async () => {
    const user = await requireUser();
    const service = getProjectService();
    // Reads only: the monitor keeps the stored status current.
    const [project, services] = await Promise.all([service.getProject(user, ref), service.serviceStatus(user, ref)]);
    return { project, services };
  });
}

export async function setIdleTimeoutAction(ref: string, minutes: number | null): Promise<ActionResult<undefined>> {
  return runAction(async () => {
    await getProjectService().setIdleTimeout(await requireUser(), { ref, minutes });
    return undefined;
  });
}

export async function setFrozenStopAction(ref: string, minutes: number | null): Promise<ActionResult<undefined>> {
  return runAction(async () => {
    await getProjectService().setFrozenStop(await requireUser(), { ref, minutes });
    return undefined;
  });
}

export async function upgradeProjectAction(ref: string): Promise<ActionResult<ProjectSummary>> {
  return runAction(async () => getProjectService().upgradeProject(await requireUser(), ref));
}

export async function getAuthSettingsAction(ref: string): Promise<ActionResult<AuthSettingsView>> {
  return runAction(async () => getProjectService().getAuthSettings(await requireUser(), ref));
}

export async function saveAuthSettingsAction(ref: string, input: unknown): Promise<ActionResult<AuthSettingsView>> {
  return runAction(async () => getProjectService().saveAuthSettings(await requireUser(), ref, input));
}

/** Moves the project to another organization: the service checks Owner or Administrator on both sides. */
export async function transferProjectAction(input: { ref: string; organization: string }): Promise<ActionResult<{ organizationId: string }>> {
  return runAction(async () => {
    const { organizationId } = await getProjectService().transferProject(await requireUser(), input);
    return { organizationId };
  });
}
