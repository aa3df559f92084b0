// An administrator sets an organization's project quota and plan (issue 31:
// quotas and plans per organization; lib/projects/org-quota.ts reads them).
// A personal organization's are its user's (the user's quota and plan in the
// admin console), so they are refused here. A new plan reaches the
// organization's live projects at their next start, as a user's plan does.
import type { Db } from "@/lib/db/client";
import { InvalidStateError, NotFoundError } from "@/lib/errors";
import { assertAdmin, parseOrThrow, type SessionUser } from "@/lib/auth/actor";
import { STATUS } from "@/lib/domain";
import { orgLimitsSchema } from "@/lib/validations/org-limits";

export async function setOrganizationLimits(db: Db, actor: SessionUser, input: unknown): Promise<void> {
  assertAdmin(actor);
  const { slug, projectQuota, planId } = parseOrThrow(orgLimitsSchema, input);
  await db.$transaction(async (tx) => {
    const org = await tx.organization.findUnique({ where: { slug }, select: { id: true } });
    if (!org) throw new NotFoundError("Organization not found.");
    if (await tx.user.findUnique({ where: { id: org.id }, select: { id: true } }))
      throw new InvalidStateError("A personal organization has its user's quota and plan: set them on the user.");
    const settings = await tx.systemSettings.findUnique({ where: { id: 1 }, select: { defaultPlanId: true } });
    // Its own plan, else the default plan (null: the template's budget), as for a user.
    const wanted = planId ?? settings?.defaultPlanId ?? null;
    const plan = wanted ? await tx.plan.findUnique({ where: { id: wanted } }) : null;
    if (planId && !plan) throw new NotFoundError("Plan not found.");
    await tx.organization.update({ where: { id: org.id }, data: { projectQuota, planId } });
    await tx.project.updateMany({
      where: { organizationId: org.id, status: { not: STATUS.REMOVED } },
      data: { memoryMb: plan?.memoryMb ?? null, milliCpus: plan?.milliCpus ?? null, fileSizeLimitMb: plan?.fileSizeLimitMb ?? null },
    });
  });
}
