"use server";
import { revalidatePath } from "next/cache";
import type { Role } from "@/lib/domain";
import { runAction, type ActionResult } from "@/lib/actions";
import { InvalidStateError } from "@/lib/errors";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { getProjectService } from "@/lib/projects";
import { currentAddress, getRateLimiter } from "@/lib/rate-limit";
import { getImagePuller } from "@/lib/images";
import { deletePlan, savePlan, setUserPlan } from "@/lib/admin/plans";
import { approveUser, saveSettings, setUserDisabled, setUserQuota, setUserRole, unlockAccount } from "@/lib/admin/service";
import type { SettingsInput } from "@/lib/validations/admin";

async function done<T>(fn: () => Promise<T>): Promise<ActionResult<undefined>> {
  return runAction(async () => {
    await fn();
    revalidatePath("/admin");
    return undefined;
  });
}

export async function setUserDisabledAction(userId: string, disabled: boolean) {
  return done(async () => {
    const admin = await requireAdmin();
    await setUserDisabled(getDb(), admin, { userId, disabled });
    if (!disabled) return;
    // A disabled account's projects stop serving too; enabling it again leaves them paused for an admin to resume.
    const { failed } = await getProjectService().pauseOwnerProjects(admin, userId);
    if (failed.length) throw new InvalidStateError(`The account is disabled, but these projects could not be paused: ${failed.join(", ")}. Try again.`);
  });
}

export async function unlockAccountAction(userId: string) {
  return done(async () => unlockAccount(getDb(), await requireAdmin(), { userId }, getRateLimiter()));
}

export async function setUserRoleAction(userId: string, role: Role) {
  return done(async () => setUserRole(getDb(), await requireAdmin(), { userId, role }));
}

export async function setUserQuotaAction(userId: string, projectQuota: number | null) {
  return done(async () => setUserQuota(getDb(), await requireAdmin(), { userId, projectQuota }));
}

export async function approveUserAction(userId: string) {
  return done(async () => approveUser(getDb(), await requireAdmin(), { userId }));
}

export async function saveSettingsAction(input: SettingsInput) {
  return done(async () => saveSettings(getDb(), await requireAdmin(), input));
}

export async function adminPauseAction(ref: string) {
  return done(async () => getProjectService().pauseProject(await requireAdmin(), ref, { asAdmin: true }));
}

export async function adminResumeAction(ref: string) {
  return done(async () => getProjectService().resumeProject(await requireAdmin(), ref, { asAdmin: true, address: await currentAddress() }));
}

export async function adminDeleteAction(input: { ref: string; confirmRef: string }) {
  return done(async () => getProjectService().deleteProject(await requireAdmin(), input, { asAdmin: true, address: await currentAddress() }));
}

export async function adoptStackAction(input: { ref: string; ownerId?: string }) {
  return done(async () => getProjectService().adoptStack(await requireAdmin(), input));
}

export async function findAdoptionCandidateAction(input: { ref: string; ownerEmail: string }) {
  return runAction(async () => getProjectService().findAdoptionCandidate(await requireAdmin(), input));
}

export async function purgeStackAction(input: { ref: string; confirmRef: string }) {
  return done(async () => getProjectService().purgeStack(await requireAdmin(), input));
}

export async function pullImagesAction() {
  return runAction(async () => {
    await requireAdmin();
    return getImagePuller().start();
  });
}

export async function imagesStatusAction() {
  return runAction(async () => {
    await requireAdmin();
    return getImagePuller().status();
  });
}

export async function savePlanAction(input: {
  id?: string;
  name: string;
  memoryMb: number;
  cpus: number;
  dbDiskMb?: number | null;
  fileSizeLimitMb?: number | null;
  backupQuotaMb?: number | null;
  makeDefault: boolean;
}) {
  return done(async () => savePlan(getDb(), await requireAdmin(), input));
}

export async function deletePlanAction(id: string) {
  return done(async () => deletePlan(getDb(), await requireAdmin(), { id }));
}

export async function setUserPlanAction(userId: string, planId: string | null) {
  return done(async () => setUserPlan(getDb(), await requireAdmin(), { userId, planId }));
}

export async function upgradeAllProjectsAction() {
  return runAction(async () => getProjectService().upgradeAllProjects(await requireAdmin()));
}

export async function setNodeDrainedAction(input: { nodeId: string; drained: boolean }) {
  return done(async () => getProjectService().setNodeDrained(await requireAdmin(), input));
}
