// Plans: the memory and CPU a user's projects get. The admin makes plans,
// picks the default one, and gives users theirs; a user's live projects take
// the new budget at their next start (their containers' limits are set then).
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { assertAdmin, parseOrThrow, type SessionUser } from "@/lib/auth/actor";
import { deletePlanSchema, planSchema, setUserPlanSchema } from "@/lib/validations/admin";
import { STATUS } from "@/lib/domain";
import { setOrganizationLimits } from "@/lib/admin/org-limits";

export interface PlanView {
  id: string;
  name: string;
  memoryMb: number;
  cpus: number;
  /** Database disk quota per project (MiB); null: the installation's default. */
  dbDiskMb: number | null;
  /** Largest Storage upload (MiB); null: upstream's 50 MiB. */
  fileSizeLimitMb: number | null;
  /** Space a user's backups may take in all (MiB); null: the installation's default. */
  backupQuotaMb: number | null;
  users: number;
  isDefault: boolean;
}

export async function listPlans(db: Db, actor: SessionUser): Promise<PlanView[]> {
  assertAdmin(actor);
  const [plans, settings] = await Promise.all([
    db.plan.findMany({ orderBy: { memoryMb: "asc" }, include: { _count: { select: { users: true } } } }),
    db.systemSettings.findUnique({ where: { id: 1 }, select: { defaultPlanId: true } }),
  ]);
  return plans.map((p) => ({
    id: p.id,
    name: p.name,
    memoryMb: p.memoryMb,
    cpus: p.milliCpus / 1000,
    dbDiskMb: p.dbDiskMb,
    fileSizeLimitMb: p.fileSizeLimitMb,
    backupQuotaMb: p.backupQuotaMb,
    users: p._count.users,
    isDefault: settings?.defaultPlanId === p.id,
  }));
}

/** Creates a plan, or updates it when `id` is given. */
export async function savePlan(db: Db, actor: SessionUser, input: unknown): Promise<void> {
  assertAdmin(actor);
  const { id, name, memoryMb, cpus, dbDiskMb, fileSizeLimitMb, backupQuotaMb, makeDefault } = parseOrThrow(planSchema, input);
  const data = { name, memoryMb, milliCpus: Math.round(cpus * 1000), dbDiskMb, fileSizeLimitMb, backupQuotaMb };
  try {
    await db.$transaction(async (tx) => {
      const plan = id ? await tx.plan.update({ where: { id }, data }) : await tx.plan.create({ data: { id: randomUUID(), ...data } });
      if (makeDefault) await tx.systemSettings.upsert({ where: { id: 1 }, create: { id: 1, defaultPlanId: plan.id }, update: { defaultPlanId: plan.id } });
      // Users on it get the new budget for their live projects at their next start.
      await tx.project.updateMany({
        where: { owner: { planId: plan.id }, status: { not: STATUS.REMOVED } },
        data: { memoryMb: data.memoryMb, milliCpus: data.milliCpus, fileSizeLimitMb: data.fileSizeLimitMb },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ValidationError("Please correct the highlighted fields.", { name: ["A plan with this name exists."] });
    if ((err as { code?: string }).code === "P2025") throw new NotFoundError("Plan not found.");
    throw err;
  }
}

export async function deletePlan(db: Db, actor: SessionUser, input: unknown): Promise<void> {
  assertAdmin(actor);
  const { id } = parseOrThrow(deletePlanSchema, input);
  await db.$transaction(async (tx) => {
    const plan = await tx.plan.findUnique({ where: { id } });
    if (!plan) throw new NotFoundError("Plan not found.");
    // Its users fall back to the default plan (the relation sets planId to null).
    await tx.systemSettings.updateMany({ where: { defaultPlanId: id }, data: { defaultPlanId: null } });
    await tx.plan.delete({ where: { id } });
  });
}

/** Gives a user a plan (null: the default one); their live projects take it at their next start. */
export async function setUserPlan(db: Db, actor: SessionUser, input: unknown): Promise<void> {
  assertAdmin(actor);
  const { userId, planId } = parseOrThrow(setUserPlanSchema, input);
  await db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId } });
    if (!user) throw new NotFoundError("User not found.");
    const settings = await tx.systemSettings.findUnique({ where: { id: 1 }, select: { defaultPlanId: true } });
    const plan = planId
      ? await tx.plan.findUnique({ where: { id: planId } })
      : settings?.defaultPlanId
        ? await tx.plan.findUnique({ where: { id: settings.defaultPlanId } })
        : null;
    if (planId && !plan) throw new NotFoundError("Plan not found.");
    await tx.user.update({ where: { id: userId }, data: { planId } });
    await tx.project.updateMany({
      where: { ownerId: userId, status: { not: STATUS.REMOVED } },
      data: { memoryMb: plan?.memoryMb ?? null, milliCpus: plan?.milliCpus ?? null, fileSizeLimitMb: plan?.fileSizeLimitMb ?? null },
    });
  });
}

/** Plans on the process's database; built by the composition root (lib/services.ts). */
export class PlanService {
  constructor(private readonly db: Db) {}

  list = (actor: SessionUser) => listPlans(this.db, actor);
  save = (actor: SessionUser, input: unknown) => savePlan(this.db, actor, input);
  delete = (actor: SessionUser, input: unknown) => deletePlan(this.db, actor, input);
  setUserPlan = (actor: SessionUser, input: unknown) => setUserPlan(this.db, actor, input);
  /** An organization's project quota and plan (lib/admin/org-limits.ts). */
  setOrganizationLimits = (actor: SessionUser, input: unknown) => setOrganizationLimits(this.db, actor, input);
}
