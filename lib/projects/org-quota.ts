// Quotas and plans per organization (issue 31): how many projects an
// organization may hold, and the plan its new projects run on.
//
// A personal organization (its id is its user's) keeps its user's quota and
// plan, so an installation upgraded from per-user quotas keeps every limit it
// had. Any other organization has its own (an administrator sets them:
// lib/admin/org-limits.ts), else the installation's defaults. Projects of an
// organization count against it whoever made them.
import { STATUS } from "@/lib/domain";
import type { Plan, Prisma } from "@/lib/generated/prisma-sqlite/client";
import { QuotaExceededError } from "@/lib/errors";
import { defaultPlan, effectivePlan, planBudget, type NewProjectBudget } from "@/lib/projects/admission";

type Tx = Prisma.TransactionClient;

export interface OrgLimits {
  personal: boolean;
  /** Projects it may hold (not counting removed ones). */
  projectQuota: number;
  /** An administrator set this organization's quota (not a personal one's, not the default). */
  granted: boolean;
}

/** The organization's project quota: its user's for a personal one, else its own, else the installation's default. */
export async function orgLimits(tx: Tx, organizationId: string): Promise<OrgLimits> {
  const [user, org, settings] = await Promise.all([
    tx.user.findUnique({ where: { id: organizationId }, select: { projectQuota: true } }),
    tx.organization.findUnique({ where: { id: organizationId }, select: { projectQuota: true } }),
    tx.systemSettings.findUnique({ where: { id: 1 }, select: { defaultProjectQuota: true } }),
  ]);
  const fallback = settings?.defaultProjectQuota ?? 2;
  if (user) return { personal: true, projectQuota: user.projectQuota ?? fallback, granted: false };
  return { personal: false, projectQuota: org?.projectQuota ?? fallback, granted: org?.projectQuota != null };
}

/** Projects that count against the organization (a row without one is in its owner's personal organization). */
export async function orgProjectCount(tx: Tx, organizationId: string, personal: boolean): Promise<number> {
  return tx.project.count({
    where: {
      status: { not: STATUS.REMOVED },
      OR: personal ? [{ organizationId }, { organizationId: null, ownerId: organizationId }] : [{ organizationId }],
    },
  });
}

/**
 * Throws QuotaExceededError when the organization holds its quota. Bumps the
 * organization's row first: inside a transaction that takes its write lock,
 * so two members creating at once are serialised and the second counts the
 * first's project. The row must exist (ensurePersonalOrganization first).
 *
 * In an organization on the installation's defaults (no quota granted by an
 * administrator) the creator's own quota also holds, over every project they
 * created in any organization: anyone may make organizations (up to
 * MAX_OWNED_ORGANIZATIONS), so without it one sign-up could hold twenty
 * organizations' default quotas. The caller has bumped the creator's row
 * (their creates are serialised too).
 */
export async function assertOrgQuota(tx: Tx, organizationId: string, creatorId: string): Promise<void> {
  await tx.organization.update({ where: { id: organizationId }, data: { quotaVersion: { increment: 1 } } });
  const limits = await orgLimits(tx, organizationId);
  if ((await orgProjectCount(tx, organizationId, limits.personal)) >= limits.projectQuota) throw new QuotaExceededError(limits.projectQuota);
  if (limits.personal || limits.granted) return;
  const own = await orgLimits(tx, creatorId);
  const created = await tx.project.count({ where: { ownerId: creatorId, status: { not: STATUS.REMOVED } } });
  if (created >= own.projectQuota) throw new QuotaExceededError(own.projectQuota);
}

/** The plan an organization's new projects run on: a personal one's user's (lib/projects/admission.ts), else its own, else the default plan. */
export async function orgPlan(tx: Tx, organizationId: string): Promise<Plan | null> {
  if (await tx.user.findUnique({ where: { id: organizationId }, select: { id: true } })) return effectivePlan(tx, organizationId);
  const org = await tx.organization.findUnique({ where: { id: organizationId }, select: { planId: true } });
  const own = org?.planId ? await tx.plan.findUnique({ where: { id: org.planId } }) : null;
  return own ?? defaultPlan(tx);
}

/** The budget a new project in the organization gets (as lib/projects/admission.ts budgetForUser, per organization). */
export async function budgetForOrganization(tx: Tx, organizationId: string): Promise<NewProjectBudget> {
  return planBudget(await orgPlan(tx, organizationId));
}
