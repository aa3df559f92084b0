// Admission: a create or resume that the host cannot fit is refused with a
// clear message before anything is made. Every project commits its budget
// (its plan's memory) while its containers run, start or are frozen; the sum may reach
// memoryCommitPercent of the host's memory (limits are ceilings, idle stacks
// use far less). Free disk must stay above minFreeDiskMb. Runs inside the
// create's (or resume's) transaction, after bumping the settings row, so two
// admissions never both take the last room.
import { statfs } from "node:fs/promises";
import { totalmem } from "node:os";
import { RUNNING_STATUSES, STATUS } from "@/lib/domain";
import type { Plan, Prisma } from "@/lib/generated/prisma-sqlite/client";
import { CapacityExceededError } from "@/lib/errors";
import { defaultBudget, type ProjectBudget } from "@/lib/stack/limits";

type Tx = Prisma.TransactionClient;

export interface HostResources {
  totalMemoryMb: number;
  /** Free space where the engine keeps volumes; null when not measured. */
  freeDiskMb: number | null;
}

export async function hostResources(diskPath: string | undefined): Promise<HostResources> {
  let freeDiskMb: number | null = null;
  if (diskPath) {
    const fs = await statfs(diskPath);
    freeDiskMb = Math.floor((fs.bavail * fs.bsize) / 1024 / 1024);
  }
  return { totalMemoryMb: Math.floor(totalmem() / 1024 / 1024), freeDiskMb };
}

export function budgetOf(p: { memoryMb: number | null; milliCpus: number | null }): ProjectBudget {
  const d = defaultBudget();
  return { memoryMb: p.memoryMb ?? d.memoryMb, cpus: p.milliCpus !== null ? p.milliCpus / 1000 : d.cpus };
}

/** The installation's default plan, if an administrator chose one. */
export async function defaultPlan(tx: Tx): Promise<Plan | null> {
  const settings = await tx.systemSettings.findUnique({ where: { id: 1 }, select: { defaultPlanId: true } });
  return settings?.defaultPlanId ? tx.plan.findUnique({ where: { id: settings.defaultPlanId } }) : null;
}

/** The plan a user's projects run on: their own, else the installation's default plan; null: neither (the template's default budget). */
export async function effectivePlan(tx: Tx, userId: string): Promise<Plan | null> {
  const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { plan: true } });
  return user.plan ?? defaultPlan(tx);
}

export interface NewProjectBudget {
  memoryMb: number;
  milliCpus: number;
  fileSizeLimitMb: number | null;
}

/** A new project's budget from a plan; without one, the template's (fileSizeLimitMb null: upstream's default). */
export function planBudget(plan: Pick<Plan, "memoryMb" | "milliCpus" | "fileSizeLimitMb"> | null): NewProjectBudget {
  const d = defaultBudget();
  return plan
    ? { memoryMb: plan.memoryMb, milliCpus: plan.milliCpus, fileSizeLimitMb: plan.fileSizeLimitMb }
    : { memoryMb: d.memoryMb, milliCpus: Math.round(d.cpus * 1000), fileSizeLimitMb: null };
}

/** The budget a new project of this user gets: their plan, else the default plan, else the template's. */
export async function budgetForUser(tx: Tx, userId: string): Promise<NewProjectBudget> {
  return planBudget(await effectivePlan(tx, userId));
}

export interface Commitment {
  committedMb: number;
  capacityMb: number;
  freeDiskMb: number | null;
  minFreeDiskMb: number;
}

/** What running (and frozen) projects commit against what the host offers (excluding one project, e.g. the one resuming). */
export async function commitment(tx: Tx, host: HostResources, excludeProjectId?: string): Promise<Commitment> {
  const settings = await tx.systemSettings.upsert({ where: { id: 1 }, create: { id: 1 }, update: {} });
  const running = await tx.project.findMany({
    where: {
      // A frozen project keeps its memory (lib/projects/sleep-tier.ts): committed as if it ran.
      OR: [{ status: { in: [...RUNNING_STATUSES] } }, { status: STATUS.INACTIVE, frozenAt: { not: null } }],
      ...(excludeProjectId ? { id: { not: excludeProjectId } } : {}),
    },
    select: { memoryMb: true, milliCpus: true },
  });
  return {
    committedMb: running.reduce((sum, p) => sum + budgetOf(p).memoryMb, 0),
    capacityMb: Math.floor((host.totalMemoryMb * settings.memoryCommitPercent) / 100),
    freeDiskMb: host.freeDiskMb,
    minFreeDiskMb: settings.minFreeDiskMb,
  };
}

/** Throws CapacityExceededError unless a project with `memoryMb` fits. Call inside the transaction that makes it run. */
export async function admit(tx: Tx, host: HostResources, memoryMb: number, excludeProjectId?: string): Promise<void> {
  // Serialises admissions across processes: the settings row is the lock.
  await tx.systemSettings.upsert({ where: { id: 1 }, create: { id: 1, admissionVersion: 1 }, update: { admissionVersion: { increment: 1 } } });
  const c = await commitment(tx, host, excludeProjectId);
  if (c.committedMb + memoryMb > c.capacityMb) {
    throw new CapacityExceededError(
      `This host has no room for another running project right now (${gib(c.committedMb)} of ${gib(c.capacityMb)} committed; this one needs ${gib(memoryMb)}). Pause or delete a project, or ask an administrator.`,
    );
  }
  if (c.freeDiskMb !== null && c.freeDiskMb < c.minFreeDiskMb) {
    throw new CapacityExceededError(`This host is low on disk space (${gib(c.freeDiskMb)} free, ${gib(c.minFreeDiskMb)} needed). Ask an administrator.`);
  }
}

const gib = (mb: number) => `${(mb / 1024).toFixed(1)} GiB`;
