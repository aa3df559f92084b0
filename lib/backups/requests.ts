// The owner's (or admin's) requests that start a restore: checked, recorded
// (a Restore row RUNNING, the project RESTORING or COMING_UP), then handed to
// a background job under the project's lock, like a create.
import { randomUUID } from "node:crypto";
import { EVENT, isStatusIn, RESTORABLE_STATUSES, STATUS } from "@/lib/domain";
import { stopFrozen } from "@/lib/projects/sleep-tier";
import { InvalidStateError, NotFoundError } from "@/lib/errors";
import { getSystemSettings } from "@/lib/settings/service";
import type { SessionUser } from "@/lib/auth/actor";
import { admit, budgetOf, hostResources } from "@/lib/projects/admission";
import { eventBus, recordEvent } from "@/lib/projects/events";
import { leasePorts, retryOnUnique } from "@/lib/projects/leases";
import { findOwned, scopeWhere, summary, type ProjectSummary, type ScopeOptions } from "@/lib/projects/queries";
import { insertNewProject } from "@/lib/projects/new-project";
import { assertOrgQuota } from "@/lib/projects/org-quota";
import { ensurePersonalOrganization } from "@/lib/orgs/membership";
import { leaseSubnet } from "@/lib/projects/subnets";
import type { BackupContext } from "@/lib/backups/context";
import { runClone, runRestore } from "@/lib/backups/restore";
import { isTemplateVersion, templateImage } from "@/lib/stack/template";
import { organizationOf } from "@/lib/orgs/access";

/**
 * Whether a backup can go back into a stack of the given template version: a
 * physical copy of a cluster starts only under the Postgres it was taken with,
 * so the version and its db image must both match (an upgrade since, or an
 * image override changed, makes older backups unrestorable here).
 */
export function restorableInto(backup: { stackVersion: string; dbImage: string }, stackVersion: string, imageOverrides: Record<string, string>): boolean {
  return backup.stackVersion === stackVersion && isTemplateVersion(stackVersion) && backup.dbImage === templateImage(stackVersion, "db", imageOverrides);
}

/** A finished backup of the project that restores into a stack of `stackVersion`. */
async function restorableBackup(b: BackupContext, projectId: string, backupId: string, stackVersion: string) {
  const backup = await b.db.backup.findFirst({ where: { id: backupId, projectId } });
  if (!backup) throw new NotFoundError("Backup not found.");
  if (backup.status !== "SUCCEEDED") throw new InvalidStateError("Only a finished backup can be restored.");
  if (!restorableInto(backup, stackVersion, b.projects.config.imageOverrides)) {
    const now = isTemplateVersion(stackVersion)
      ? `${stackVersion} (${templateImage(stackVersion, "db", b.projects.config.imageOverrides)})`
      : `${stackVersion}, which this installation no longer has`;
    throw new InvalidStateError(
      `This backup was taken with template ${backup.stackVersion} (${backup.dbImage}); it restores only into that template, and the project runs ${now}.`,
    );
  }
  return backup;
}

/** Replaces a project's data with a backup of it, after the typed confirmation. */
export async function requestRestore(
  b: BackupContext,
  actor: SessionUser,
  input: { ref: string; backupId: string; targetTime?: Date },
  opts: ScopeOptions = {},
): Promise<ProjectSummary> {
  const { db } = b;
  const { jobs } = b.projects;
  return jobs.withLock(input.ref, async () => {
    const p = await findOwned(b.projects, actor, input.ref, opts);
    if (!isStatusIn(p.status, RESTORABLE_STATUSES)) throw new InvalidStateError(`A project that is ${p.status} cannot be restored now.`);
    if (jobs.has(p.ref)) throw new InvalidStateError("Something else is running for this project; try again when it is done.");
    await restorableBackup(b, p.id, input.backupId, p.stackVersion);
    // A restore starts the stack on new volumes: a frozen one is stopped first (we hold its lock).
    if (p.frozenAt) await stopFrozen(b.projects, p, "Stopped from its frozen sleep for a restore");
    const host = p.status === STATUS.INACTIVE ? await hostResources(b.projects.config.diskPath) : null;
    const id = randomUUID();
    await db.$transaction(async (tx) => {
      // A paused project starts again: it must fit like a resume.
      if (host) await admit(tx, host, budgetOf(p).memoryMb, p.id);
      await tx.restore.create({
        data: {
          id,
          projectId: p.id,
          backupId: input.backupId,
          kind: "RESTORE",
          fromGeneration: p.dataGeneration,
          toGeneration: p.dataGeneration + 1,
          previousStatus: p.status,
          targetTime: input.targetTime ?? null,
        },
      });
      await tx.project.update({ where: { id: p.id }, data: { status: "RESTORING", statusReason: null } });
    });
    eventBus.publishStatus(p.ref, { status: "RESTORING", statusReason: null });
    const what = input.targetTime ? `Restoring to ${input.targetTime.toISOString()}` : "Restoring a backup";
    await recordEvent(db, p, "INFO", EVENT.restoreStarted, `${what}: its data will replace the project's once the restored stack is healthy`, {
      backupId: input.backupId,
    });
    jobs.start(p.ref, (signal) => runRestore(b, id, signal));
    return summary(b.projects, { ...p, status: "RESTORING", statusReason: null });
  });
}

/** A new project (new ref, new secrets) with the data of a backup of one of the actor's projects. */
export async function requestClone(b: BackupContext, actor: SessionUser, input: { ref: string; backupId: string; name: string }): Promise<ProjectSummary> {
  const { db } = b;
  const source = await findOwned(b.projects, actor, input.ref);
  // The clone runs the template the backup was taken with (upgradable afterwards like any project).
  const taken = await db.backup.findFirst({ where: { id: input.backupId, projectId: source.id }, select: { stackVersion: true } });
  if (!taken) throw new NotFoundError("Backup not found.");
  const backupRow = await restorableBackup(b, source.id, input.backupId, taken.stackVersion);
  const restoreId = randomUUID();
  // As a create (lib/projects/lifecycle.ts), with the restore that fills it in the same transaction.
  const project = await insertNewProject(
    b.projects,
    actor.id,
    // In the source's organization, if the actor may create projects there.
    { name: input.name, region: source.region, stackVersion: backupRow.stackVersion, organizationId: organizationOf(source) },
    {
      alsoWrite: async (tx, projectId) => {
        await tx.restore.create({
          data: { id: restoreId, projectId, backupId: input.backupId, kind: "CLONE", fromGeneration: 0, toGeneration: 0, previousStatus: "COMING_UP" },
        });
      },
    },
  );
  await recordEvent(db, project, "INFO", EVENT.createRequested, `Project “${project.name}” requested: a clone of ${source.ref}`, { backupId: input.backupId });
  b.projects.jobs.start(project.ref, (signal) => runClone(b, restoreId, signal));
  return summary(b.projects, project);
}

/** A deleted project within its soft-delete days, for its owner (or an admin). */
export async function findDeleted(b: BackupContext, actor: SessionUser, ref: string, opts: ScopeOptions = {}) {
  const settings = await getSystemSettings(b.db);
  const p = await b.db.project.findFirst({ where: { ...scopeWhere(actor, ref, opts), status: "REMOVED" } });
  if (!p || !p.removedAt) throw new NotFoundError("Project not found.");
  if (p.removedAt.getTime() + settings.softDeleteDays * 86_400_000 < Date.now())
    throw new NotFoundError("This project was deleted too long ago; its backups are gone.");
  return p;
}

/** Brings a deleted project back from its final backup: same ref, same secrets, new ports. */
export async function requestUndelete(
  b: BackupContext,
  actor: SessionUser,
  input: { ref: string; backupId?: string },
  opts: ScopeOptions = {},
): Promise<ProjectSummary> {
  const { db, provisioner } = b;
  const { config, jobs } = b.projects;
  return jobs.withLock(input.ref, async () => {
    const p = await findDeleted(b, actor, input.ref, opts);
    // The one asked for, else the final backup the delete took, else the newest good one.
    const backup = input.backupId
      ? await db.backup.findFirst({ where: { id: input.backupId, projectId: p.id, status: "SUCCEEDED" } })
      : ((await db.backup.findFirst({ where: { projectId: p.id, status: "SUCCEEDED", kind: "FINAL" }, orderBy: { startedAt: "desc" } })) ??
        (await db.backup.findFirst({ where: { projectId: p.id, status: "SUCCEEDED" }, orderBy: { startedAt: "desc" } })));
    if (!backup) throw new NotFoundError("This project has no backup to bring it back from.");
    // Back on the template the backup was taken with (the project may have been upgraded after it).
    await restorableBackup(b, p.id, backup.id, backup.stackVersion);
    const [held, subnetsInUse, host] = await Promise.all([
      provisioner.usedHostPorts(),
      config.subnetPool ? provisioner.usedSubnets() : [],
      hostResources(config.diskPath),
    ]);
    const id = randomUUID();
    await retryOnUnique(() =>
      db.$transaction(async (tx) => {
        const owner = await tx.user.update({ where: { id: p.ownerId }, data: { quotaVersion: { increment: 1 } } });
        // Back in its organization, within that organization's quota (lib/projects/org-quota.ts).
        const organizationId = organizationOf(p);
        if (organizationId === p.ownerId) await ensurePersonalOrganization(tx, owner);
        await assertOrgQuota(tx, organizationId, p.ownerId);
        await admit(tx, host, budgetOf(p).memoryMb, p.id);
        await leasePorts(tx, p.id, config.portRange, held);
        if (config.subnetPool) await leaseSubnet(tx, p.id, config.subnetPool, subnetsInUse);
        await tx.restore.create({
          data: {
            id,
            projectId: p.id,
            backupId: backup.id,
            kind: "UNDELETE",
            fromGeneration: p.dataGeneration,
            toGeneration: p.dataGeneration + 1,
            previousStatus: "REMOVED",
          },
        });
        await tx.project.update({
          where: { id: p.id },
          data: { status: "RESTORING", statusReason: null, removedAt: null, secrets: backup.secrets, stackVersion: backup.stackVersion },
        });
      }),
    );
    eventBus.publishStatus(p.ref, { status: "RESTORING", statusReason: null });
    await recordEvent(db, p, "INFO", EVENT.restoreStarted, "Bringing the deleted project back from its backup", { backupId: backup.id });
    jobs.start(p.ref, (signal) => runRestore(b, id, signal));
    return summary(b.projects, { ...p, status: "RESTORING", statusReason: null });
  });
}
