// The owner's side of point-in-time recovery: the window the plan allows, the
// nearest restorable instant to one asked for (shown before anything stops),
// and the restore itself, which is a restore of the chosen base backup
// (lib/backups/requests.ts, lib/backups/restore.ts) with its WAL replayed.
import { InvalidStateError } from "@/lib/errors";
import type { SessionUser } from "@/lib/auth/actor";
import { findOwned, type ProjectSummary, type ScopeOptions } from "@/lib/projects/queries";
import { PROJECT_FOR_SPEC } from "@/lib/projects/context";
import { effectivePlan } from "@/lib/projects/admission";
import type { BackupContext } from "@/lib/backups/context";
import { requestRestore } from "@/lib/backups/requests";
import { flushAndShip } from "@/lib/backups/pitr/ship";
import { projectReaches } from "@/lib/backups/pitr/replay";
import { pitrWindow, planRestore } from "@/lib/backups/pitr/window";

export interface PitrView {
  enabled: boolean;
  /** The days the window may span (the plan's backup retention, else the installation's). */
  days: number;
  ranges: Array<{ from: string; to: string }>;
}

export interface PitrPreview {
  asked: string;
  /** The instant the restore would reach (the one asked for, else the nearest restorable). */
  target: string | null;
  exact: boolean;
  backupId: string | null;
  /** Everything committed after `target` is lost. */
  loses: string;
}

/** Clipped to the last `days`. */
async function windowOf(b: BackupContext, p: { id: string; stackVersion: string }, days: number) {
  const since = Date.now() - days * 86_400_000;
  const reaches = (await projectReaches(b, p)).filter((r) => r.to.getTime() >= since);
  return { reaches, window: pitrWindow(reaches) };
}

export async function retentionDays(b: BackupContext, ownerId: string): Promise<number> {
  const settings = await b.db.systemSettings.upsert({ where: { id: 1 }, create: { id: 1 }, update: {} });
  return (await effectivePlan(b.db, ownerId))?.backupRetentionDays ?? settings.backupRetentionDays;
}

export async function pitrView(b: BackupContext, actor: SessionUser, ref: string, opts: ScopeOptions = {}): Promise<PitrView> {
  const p = await findOwned(b.projects, actor, ref, { ...opts, action: "project.read" });
  const enabled = !!b.projects.config.walArchive && !!b.provisioner.walArchive;
  const days = await retentionDays(b, p.ownerId);
  if (!enabled) return { enabled, days, ranges: [] };
  const { window } = await windowOf(b, p, days);
  return { enabled, days, ranges: window.ranges.map((r) => ({ from: r.from.toISOString(), to: r.to.toISOString() })) };
}

export async function pitrPreview(b: BackupContext, actor: SessionUser, input: { ref: string; targetTime: string }): Promise<PitrPreview> {
  const p = await findOwned(b.projects, actor, input.ref, { action: "project.read" });
  if (!b.projects.config.walArchive) throw new InvalidStateError("Point-in-time recovery is not enabled on this installation.");
  const asked = new Date(input.targetTime);
  const { reaches } = await windowOf(b, p, await retentionDays(b, p.ownerId));
  const plan = planRestore(reaches, asked);
  if (plan.kind === "none")
    return { asked: asked.toISOString(), target: null, exact: false, backupId: null, loses: "Nothing can be restored yet: no backup with archived WAL." };
  return {
    asked: asked.toISOString(),
    target: plan.target.toISOString(),
    exact: plan.kind === "exact",
    backupId: plan.reach.backup.id,
    loses: `Every change committed after ${plan.target.toISOString()} is lost; storage files come from the backup of ${plan.reach.backup.consistentAt.toISOString()}.`,
  };
}

/**
 * Restores the project to `targetTime`, which must be inside its window (the
 * page shows the nearest possible point first). With the database running,
 * the segment being written is closed and shipped first (flushAndShip).
 */
export async function requestPitrRestore(b: BackupContext, actor: SessionUser, input: { ref: string; targetTime: string }): Promise<ProjectSummary> {
  const found = await findOwned(b.projects, actor, input.ref);
  if (!b.projects.config.walArchive) throw new InvalidStateError("Point-in-time recovery is not enabled on this installation.");
  const asked = new Date(input.targetTime);
  if (asked.getTime() > Date.now()) throw new InvalidStateError("The point in time is in the future.");
  const days = await retentionDays(b, found.ownerId);
  // What was committed until now goes to the store first, with a commit after any earlier target (flushAndShip).
  if (b.provisioner.walArchive && (await b.provisioner.walArchive.list(found.ref)) !== null) {
    await flushAndShip(b, await b.db.project.findUniqueOrThrow({ where: { id: found.id }, include: PROJECT_FOR_SPEC }));
  }
  const { reaches } = await windowOf(b, found, days);
  const plan = planRestore(reaches, asked);
  if (plan.kind === "none") throw new InvalidStateError("Nothing can be restored to a point in time yet: no backup with archived WAL.");
  if (plan.kind === "nearest") throw new InvalidStateError(`That instant cannot be restored; the nearest possible is ${plan.target.toISOString()}.`);
  return requestRestore(b, actor, { ref: input.ref, backupId: plan.reach.backup.id, targetTime: asked });
}
