// Start-up reconcile: compares the engine with the database and repairs the
// difference, as a table from each status to its repair. It recovers; it does
// not destroy data:
// - stacks of other installations are reported and never touched;
// - stacks of this installation the database does not know are rebuilt from
//   their sealed metadata, or quarantined (stopped, volumes kept);
// - volumes go only with a delete the owner asked for, or with the rollback
//   of a create that never became active (lib/projects/provision.ts).
import { EVENT, startEvent, STATUS } from "@/lib/domain";
import type { ProjectStatus } from "@/lib/domain";
import { recordEvent, interruptedDeletes } from "@/lib/projects/events";
import { applyProxy, PROJECT_FOR_SPEC, sealedMetadataOf, setStatus, type ProjectContext, type ProjectForSpec } from "@/lib/projects/context";
import { describeError } from "@/lib/errors";
import { unsealNewest } from "@/lib/projects/metadata";
import { dataState, discardFailedCreate, startProvision } from "@/lib/projects/provision";
import type { EngineStack, ServiceStatus } from "@/lib/projects/provisioner";
import { recoverOrQuarantine } from "@/lib/projects/recovery";
import { stopFrozen } from "@/lib/projects/sleep-tier";
import { deriveActiveStatus, expectedServices, unhealthyReason } from "@/lib/projects/status";

export interface ReconcileReport {
  drift: string[];
  repaired: string[];
  errors: string[];
  /** Stacks of other installations: listed, never touched. */
  foreign: string[];
  /** This installation's stacks it could not rebuild: stopped, volumes kept. */
  quarantined: string[];
}

export type KnownProject = ProjectForSpec & { status: ProjectStatus; statusReason: string | null; frozenAt?: Date | null };

interface RepairInput {
  ctx: ProjectContext;
  p: KnownProject;
  /** This installation's resources for the ref; null when the engine has none. */
  stack: EngineStack | null;
  report: ReconcileReport;
  attempt: RepairAttempt;
}

export type RepairAttempt = (what: string, fn: () => Promise<void>) => Promise<void>;

/**
 * One repair of a start-up pass (this reconcile, lib/backups/repair.ts): its
 * success is listed as repaired, its failure as an error, and the pass goes on.
 */
export function repairAttempt(report: { repaired: string[]; errors: string[] }): RepairAttempt {
  return async (what, fn) => {
    try {
      await fn();
      report.repaired.push(what);
    } catch (err) {
      report.errors.push(`${what}: ${describeError(err)}`);
    }
  };
}

type Repair = (input: RepairInput) => Promise<void>;

const FAILED_CREATE = "Creation failed.";

// The database volume of the generation the project runs on (lib/stack/volumes.ts).
const hasData = (stack: EngineStack | null, generation: number) => stack?.volumes.some((v) => v.key === "db-data" && v.generation === generation) ?? false;

/** The database is older than the engine: the project was active after all. Take the engine's word. */
async function takeEngineState({ ctx, p, stack }: RepairInput, why: string): Promise<void> {
  const sealed = unsealNewest(ctx.config.masterKey, p.ref, await ctx.provisioner.readMetadata(p.ref));
  const activatedAt = p.activatedAt ?? (sealed.ok && sealed.meta.activatedAt ? new Date(sealed.meta.activatedAt) : new Date());
  const running = stack?.containers.some((c) => c.running && c.role === null) ?? false;
  await ctx.db.project.update({ where: { id: p.id }, data: { activatedAt, status: running ? "RESTORING" : "INACTIVE", statusReason: null } });
  await recordEvent(ctx.db, p, "WARN", EVENT.recoveryEngineState, `${why}; its data was kept and it is ${running ? "being started" : "paused"}`);
  if (running) startProvision(ctx, p, "resume");
}

async function rollBackCreate(input: RepairInput, reason: string): Promise<void> {
  const { ctx, p } = input;
  const data = await dataState(ctx, p);
  if (data.kind === "active") return takeEngineState(input, `Its create looked unfinished in the database, but ${data.why}`);
  // Never leave it COMING_UP with no job behind it: if the clean-up fails it
  // still fails now, keeps its leases (its containers may still hold the
  // ports) and the INIT_FAILED repair cleans up at the next start or retry.
  let cleanupError: unknown = null;
  let kept = "";
  try {
    const outcome = await discardFailedCreate(ctx, p, data);
    if (outcome !== "discarded") kept = ` Its volumes were kept: ${outcome.kept}.`;
  } catch (err) {
    cleanupError = err;
  }
  const next = cleanupError ? `${reason} Cleaning up failed: ${describeError(cleanupError)}` : `${reason}${kept}`;
  if (p.status !== STATUS.INIT_FAILED) {
    await setStatus(ctx, p.id, "INIT_FAILED", next);
    await recordEvent(ctx.db, p, "ERROR", startEvent("create", "failed"), reason);
  } else if (kept && p.statusReason !== next) {
    await setStatus(ctx, p.id, "INIT_FAILED", next);
  }
  if (cleanupError) throw cleanupError;
}

const converge: Repair = async (input) => {
  const { ctx, p, stack, report, attempt } = input;
  if (p.activatedAt && !hasData(stack, p.dataGeneration)) {
    // Making the stack again here would put an empty database where the
    // project's data was, and call it healthy.
    const reason = "Its data volumes are gone from the engine. Supafleet did not make new, empty ones in their place: restore a backup, or delete the project.";
    if (p.status !== STATUS.UNKNOWN || p.statusReason !== reason) {
      report.drift.push(`${p.ref}: data volumes missing`);
      await attempt(`${p.ref}: marked UNKNOWN (no data volumes)`, async () => {
        await setStatus(ctx, p.id, "UNKNOWN", reason);
        await recordEvent(ctx.db, p, "ERROR", EVENT.reconcileDataMissing, reason);
      });
    }
    return;
  }
  // A running project has no suspended container (one could be left by a freeze cut short).
  await ctx.provisioner.freezer?.thaw(p.ref);
  const services = await ctx.provisioner.status(p.ref);
  const missing = expectedServices(ctx, p).filter((name) => !services.some((s) => s.service === name && s.state !== "missing"));
  const stopped = services.filter((s) => s.state !== "running" && s.state !== "missing").map((s) => s.service);
  if (missing.length || stopped.length) {
    report.drift.push(
      `${p.ref}: ${[missing.length ? `container(s) gone: ${missing.join(", ")}` : "", stopped.length ? `not running: ${stopped.join(", ")}` : ""].filter(Boolean).join("; ")}`,
    );
    await attempt(`${p.ref}: converging the stack again`, async () => {
      await setStatus(ctx, p.id, "RESTORING", null);
      await recordEvent(ctx.db, p, "WARN", EVENT.reconcileRepair, "Containers were missing or stopped; bringing the stack back");
      startProvision(ctx, p, "resume");
    });
    return;
  }
  await storeDerivedStatus(ctx, p, services);
};

async function storeDerivedStatus(ctx: ProjectContext, p: KnownProject, services: ServiceStatus[]): Promise<void> {
  const expected = expectedServices(ctx, p);
  const next = deriveActiveStatus(services, expected);
  if (next !== p.status) await setStatus(ctx, p.id, next, next === STATUS.ACTIVE_UNHEALTHY ? unhealthyReason(services, expected) : null);
}

/** Each status and what a restart that finds a project in it must do. */
export const REPAIRS: Record<ProjectStatus, Repair | null> = {
  COMING_UP: async (input) => {
    input.report.drift.push(`${input.p.ref}: create was interrupted`);
    await input.attempt(`${input.p.ref}: rolled back interrupted create`, () =>
      rollBackCreate(input, "Creation was interrupted by a restart of Supafleet. Retry to create it again."),
    );
  },
  INIT_FAILED: async (input) => {
    const { stack, p } = input;
    if (!stack && !p.ports.length) return;
    // Volumes alone that were kept because they may hold data wait for the owner or the admin.
    if (stack && !stack.containers.length && !p.ports.length && p.statusReason?.startsWith(FAILED_CREATE)) return;
    input.report.drift.push(`${p.ref}: failed create left resources or leases behind`);
    await input.attempt(`${p.ref}: cleaned up failed create`, () => rollBackCreate(input, FAILED_CREATE));
  },
  PAUSING: async ({ ctx, p, report, attempt }) => {
    report.drift.push(`${p.ref}: pause was interrupted`);
    await attempt(`${p.ref}: finished pause`, async () => {
      await ctx.provisioner.pause(p.ref);
      await setStatus(ctx, p.id, "INACTIVE", null);
      await recordEvent(ctx.db, p, "INFO", EVENT.pauseSucceeded, "Pause finished after a restart of Supafleet");
    });
  },
  RESTORING: async ({ ctx, p, report, attempt }) => {
    report.drift.push(`${p.ref}: resume/restart was interrupted`);
    await attempt(`${p.ref}: resuming again`, async () => {
      await recordEvent(ctx.db, p, "INFO", startEvent("resume", "requested"), "Resuming again after a restart of Supafleet");
      startProvision(ctx, p, "resume");
    });
  },
  INACTIVE: async ({ ctx, p, stack, report, attempt }) => {
    const freezer = ctx.provisioner.freezer;
    if (p.frozenAt) {
      // Frozen as the tier left it: it stays so (the idle sweep stops it in time). Anything
      // else (the engine restarted, a freeze was cut short) becomes the stopped tier: data kept.
      if (freezer && (await freezer.isFrozen(p.ref))) return;
      report.drift.push(`${p.ref}: frozen in the database but its stack is not frozen whole`);
      await attempt(`${p.ref}: stopped (was frozen)`, () =>
        stopFrozen(ctx, p, "Its frozen stack was not whole after a restart of Supafleet; stopped, data kept"),
      );
      return;
    }
    // Suspended containers without a frozen record: thawed, then stopped below like running ones.
    if (freezer && (await freezer.thaw(p.ref)) > 0) {
      report.drift.push(`${p.ref}: paused but some containers frozen`);
      await attempt(`${p.ref}: stopped again`, () => ctx.provisioner.pause(p.ref));
      return;
    }
    const running = stack?.containers.filter((c) => c.running && c.role === null).map((c) => c.service ?? c.name) ?? [];
    if (running.length) {
      report.drift.push(`${p.ref}: paused but running ${running.join(", ")}`);
      await attempt(`${p.ref}: stopped again`, () => ctx.provisioner.pause(p.ref));
    }
  },
  ACTIVE_HEALTHY: converge,
  ACTIVE_UNHEALTHY: converge,
  UNKNOWN: converge,
  REMOVED: null,
};

export async function reconcile(ctx: ProjectContext, finishDelete: (p: KnownProject) => Promise<void>): Promise<ReconcileReport> {
  const report: ReconcileReport = { drift: [], repaired: [], errors: [], foreign: [], quarantined: [] };
  const attempt = repairAttempt(report);
  const mine = ctx.provisioner.installationId;
  const stacks = await ctx.provisioner.listStacks();
  const projects: KnownProject[] = await ctx.db.project.findMany({ where: { status: { not: STATUS.REMOVED } }, include: PROJECT_FOR_SPEC });
  const known = new Map(projects.map((p) => [p.ref, p]));
  // Unlabelled stacks predate installation ids: this installation's only if its database knows the ref.
  const ownStack = new Map(stacks.filter((s) => s.installation === mine || (s.installation === null && known.has(s.ref))).map((s) => [s.ref, s]));

  for (const s of stacks) {
    if (ownStack.get(s.ref) === s) continue;
    report.foreign.push(
      `${s.ref}: ${s.installation ? `installation ${s.installation}` : "no installation label, not in this database"} (${s.containers.length} container(s), ${s.volumes.length} volume(s)); not touched`,
    );
  }

  const alreadyQuarantined = new Set((await ctx.db.quarantinedStack.findMany({ select: { ref: true } })).map((q) => q.ref));
  for (const s of ownStack.values()) {
    if (known.has(s.ref)) continue;
    // A quarantined stack is tried again (its owner may have an account now) but is no news.
    const isNew = !alreadyQuarantined.has(s.ref);
    if (isNew)
      report.drift.push(
        `${s.ref}: ${s.containers.length} container(s), ${s.volumes.length} volume(s), ${s.networks.length} network(s) on the engine but no live project in the database`,
      );
    try {
      const outcome = await recoverOrQuarantine(ctx, s);
      if (outcome.kind === "recovered") report.repaired.push(`${s.ref}: rebuilt from its metadata (${outcome.status})`);
      else report.quarantined.push(`${s.ref}: ${outcome.reason}`);
    } catch (err) {
      report.errors.push(`${s.ref}: could not recover or quarantine: ${describeError(err)}`);
    }
  }

  const orphanLeases = await ctx.db.portLease.deleteMany({ where: { project: { status: "REMOVED" } } });
  const orphanSubnets = await ctx.db.subnetLease.deleteMany({ where: { project: { status: "REMOVED" } } });
  if (orphanLeases.count + orphanSubnets.count) report.repaired.push(`released ${orphanLeases.count + orphanSubnets.count} lease(s) of removed projects`);

  const deleting = await interruptedDeletes(
    ctx.db,
    projects.map((p) => p.id),
  );
  for (const p of projects) {
    if (ctx.jobs.has(p.ref)) continue;
    const input: RepairInput = { ctx, p, stack: ownStack.get(p.ref) ?? null, report, attempt };
    // The owner asked for the delete; whatever state it was caught in, finish it.
    if (deleting.has(p.id)) {
      report.drift.push(`${p.ref}: delete was interrupted`);
      await attempt(`${p.ref}: finished delete`, () => finishDelete(p));
      continue;
    }
    try {
      await REPAIRS[p.status]?.(input);
      // Stacks made before metadata volumes existed get one, so they too can be rebuilt from the engine.
      const stack = input.stack;
      if (
        stack &&
        p.activatedAt &&
        !stack.volumes.some((v) => v.key === "metadata") &&
        (await ctx.db.project.findUnique({ where: { id: p.id } }))?.status !== STATUS.REMOVED
      ) {
        await attempt(`${p.ref}: wrote its metadata to the engine`, () => ctx.provisioner.writeMetadata(p.ref, sealedMetadataOf(ctx, p)));
      }
    } catch (err) {
      report.errors.push(`${p.ref}: ${describeError(err)}`);
    }
  }
  await applyProxy(ctx);
  return report;
}
