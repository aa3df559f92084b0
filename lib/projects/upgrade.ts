// Moving a project to the newest template version, on its owner's (or an
// admin's) request. A project never changes version by itself: pause, resume,
// restart and reconcile all build the version it records. An upgrade takes a
// backup first (when Supafleet has backups: see backupBeforeUpgrade), makes
// the containers again from the new version's spec on the same volumes, and
// when that stack does not come up healthy makes them again from the old spec.
// Only a healthy new stack moves the project's recorded version.
import { stopFrozen } from "@/lib/projects/sleep-tier";
import { ACTIVE_STATUSES, EVENT, isStatusIn, PAUSED_STATUSES, STATUS, UPGRADABLE_STATUSES } from "@/lib/domain";
import { InvalidStateError, describeError } from "@/lib/errors";
import type { ProjectStatus } from "@/lib/domain";
import { encryptSecrets } from "@/lib/crypto/secret-box";
import { generateApiKeys, type ProjectSecrets } from "@/lib/stack/secrets";
import { LATEST_STACK_VERSION, postgresMajorChange } from "@/lib/stack/template";
import { assertAdmin, type SessionUser } from "@/lib/auth/actor";
import {
  applyProxy,
  PROJECT_FOR_SPEC,
  sealedMetadataOf,
  secretsOf,
  setStatus,
  specFor,
  type ProjectContext,
  type ProjectForSpec,
} from "@/lib/projects/context";
import { dataUpgradePrecheck, upgradeToNewMajor, type UpgradeAttempt } from "@/lib/projects/data-upgrade";
import { eventBus, projectEventSink, recordEvent } from "@/lib/projects/events";
import type { ProvisionEvent } from "@/lib/projects/provisioner";
import { findOwned, summary, type ProjectSummary, type ScopeOptions } from "@/lib/projects/queries";
import { upgradeBlocked, upgradeTarget } from "@/lib/projects/upgrade-plan";
import type { Release } from "@/lib/concurrency";

export type BackupOutcome = { kind: "taken"; id: string } | { kind: "unavailable"; why: string };

/**
 * A backup of the project on its old template before anything changes
 * (lib/backups sets ctx.beforeUpgrade): a failed backup throws, and the
 * upgrade does not start. Without backups the upgrade records that none was taken.
 */
export async function backupBeforeUpgrade(ctx: ProjectContext, p: { id: string; ref: string }): Promise<BackupOutcome> {
  return ctx.beforeUpgrade ? ctx.beforeUpgrade(p) : { kind: "unavailable", why: "this Supafleet runs without project backups" };
}

export async function upgradeProject(ctx: ProjectContext, actor: SessionUser, ref: string, opts: ScopeOptions = {}): Promise<ProjectSummary> {
  return ctx.jobs.withLock(ref, async () => {
    const p = await findOwned(ctx, actor, ref, opts);
    if (!isStatusIn(p.status, UPGRADABLE_STATUSES))
      throw new InvalidStateError(`A project that is ${p.status} cannot be upgraded; it must be running or paused.`);
    const target = upgradeTarget(p.stackVersion);
    if (!target) throw new InvalidStateError(`The project already runs the newest template (${p.stackVersion}).`);
    const blocked = upgradeBlocked(ctx, p.stackVersion);
    if (blocked) throw new InvalidStateError(blocked);
    // The upgrade reads a stopped stack's files: a frozen one is stopped first (we hold its lock).
    if (p.frozenAt) await stopFrozen(ctx, p, "Stopped from its frozen sleep to be upgraded");
    const before = p.status;
    await setStatus(ctx, p.id, "RESTORING", null);
    await recordEvent(ctx.db, p, "INFO", EVENT.upgradeRequested, `Upgrading from template ${p.stackVersion} to ${target}`, {
      from: p.stackVersion,
      to: target,
    });
    ctx.jobs.start(p.ref, (signal) => runUpgrade(ctx, p.id, target, before, signal));
    return summary(ctx, { ...p, status: "RESTORING", statusReason: null });
  });
}

/** Admin: starts the upgrade of every running or paused project not on the newest template; returns their refs. */
export async function upgradeAllProjects(ctx: ProjectContext, actor: SessionUser): Promise<string[]> {
  assertAdmin(actor);
  const rows = await ctx.db.project.findMany({
    where: { stackVersion: { not: LATEST_STACK_VERSION }, status: { in: [...UPGRADABLE_STATUSES] } },
    select: { ref: true },
    orderBy: { createdAt: "asc" },
  });
  const started: string[] = [];
  for (const r of rows) {
    try {
      await upgradeProject(ctx, actor, r.ref, { asAdmin: true });
      started.push(r.ref);
    } catch (err) {
      // Its state changed meanwhile (a delete, a pause in progress): the others go on.
      console.warn(`[supafleet] upgrade of ${r.ref} not started: ${describeError(err)}`);
    }
  }
  return started;
}

/** Old projects get the new API keys the moment a version that uses them is built for them. */
function withApiKeys(secrets: ProjectSecrets): { secrets: ProjectSecrets; added: boolean } {
  if (secrets.apiKeys) return { secrets, added: false };
  return { secrets: { ...secrets, apiKeys: generateApiKeys(secrets.jwtSecret) }, added: true };
}

async function runUpgrade(ctx: ProjectContext, projectId: string, target: string, before: ProjectStatus, signal: AbortSignal): Promise<void> {
  const p = await ctx.db.project.findUniqueOrThrow({ where: { id: projectId }, include: PROJECT_FOR_SPEC });
  const from = p.stackVersion;
  const onEvent = projectEventSink(ctx.db, p);
  const started = Date.now();
  let release: Release | undefined;
  let finalStatus: ProjectStatus = before;
  let finalReason: string | null = null;
  try {
    release = await ctx.jobs.starts.acquire(signal);
    const backup = await backupBeforeUpgrade(ctx, p);
    await recordEvent(
      ctx.db,
      p,
      backup.kind === "taken" ? "INFO" : "WARN",
      EVENT.upgradeBackup,
      backup.kind === "taken" ? `Backup ${backup.id} taken` : `No backup taken: ${backup.why}`,
    );

    const { secrets, added } = withApiKeys(secretsOf(ctx, p));
    let current: ProjectForSpec = p;
    if (added) {
      const envelope = encryptSecrets(ctx.config.masterKey, p.ref, JSON.stringify(secrets));
      await ctx.db.project.update({ where: { id: p.id }, data: { secrets: envelope } });
      current = { ...p, secrets: envelope };
    }
    const change = postgresMajorChange(from, target, ctx.config.imageOverrides);
    if (change) {
      const refused = await dataUpgradePrecheck(ctx, current, isStatusIn(before, ACTIVE_STATUSES));
      if (refused) throw new InvalidStateError(refused);
    }
    let outcome: UpgradeAttempt;
    try {
      outcome = change
        ? await upgradeToNewMajor(ctx, current, target, { onEvent, signal, keepOld: backup.kind !== "taken" })
        : await upgradeInPlace(ctx, current, target, { onEvent, signal });
    } catch (rollbackErr) {
      finalStatus = "ACTIVE_UNHEALTHY";
      finalReason = `Upgrade to ${target} failed and so did going back to ${from}: ${describeError(rollbackErr)}`;
      await recordEvent(ctx.db, p, "ERROR", EVENT.upgradeRollbackFailed, finalReason);
      return;
    }
    await settle(ctx, p, before);
    finalStatus = before === STATUS.INACTIVE ? "INACTIVE" : "ACTIVE_HEALTHY";
    if (outcome.kind === "rolled-back") {
      await recordEvent(ctx.db, p, "WARN", EVENT.upgradeRolledBack, `Back on template ${from}${change ? " and its data" : ""}; nothing changed`);
      return;
    }
    await recordEvent(ctx.db, p, "INFO", EVENT.upgradeSucceeded, `Now on template ${target} (${((Date.now() - started) / 1000).toFixed(1)} s)`, {
      from,
      to: target,
      durationMs: Date.now() - started,
    });
  } catch (err) {
    // Before anything on the engine changed (slots, backup, secrets): the project is as it was.
    finalStatus = before;
    await recordEvent(ctx.db, p, "ERROR", EVENT.upgradeFailed, `Upgrade not started: ${describeError(err)}`);
  } finally {
    release?.();
    await setStatus(ctx, p.id, finalStatus, finalReason);
    eventBus.clear(p.ref);
    await applyProxy(ctx);
  }
}

/**
 * The same Postgres major: the containers are made again from the target's
 * spec on the same volumes; when that stack is not healthy, again from the
 * old spec (a failure there throws). Only a healthy new stack moves the
 * project's recorded version.
 */
async function upgradeInPlace(
  ctx: ProjectContext,
  p: ProjectForSpec,
  target: string,
  o: { onEvent: (e: ProvisionEvent) => void; signal: AbortSignal },
): Promise<UpgradeAttempt> {
  const oldSpec = specFor(ctx, p);
  const newSpec = specFor(ctx, p, { stackVersion: target });
  await recordEvent(ctx.db, p, "INFO", EVENT.upgradeStarted, `Making the containers again from template ${target}; data volumes stay`);
  try {
    await ctx.provisioner.removeContainers(p.ref);
    await ctx.provisioner.up(newSpec, o);
    if (o.signal.aborted) throw new InvalidStateError("Cancelled.");
  } catch (err) {
    const reason = o.signal.aborted ? "Cancelled." : describeError(err);
    await recordEvent(ctx.db, p, "ERROR", EVENT.upgradeFailed, `Template ${target} did not come up healthy: ${reason}`);
    await ctx.provisioner.removeContainers(p.ref);
    await ctx.provisioner.up(oldSpec, o);
    return { kind: "rolled-back", reason };
  }
  // Healthy on the new version: only now does the project record it, on the engine first (recovery reads it there).
  await ctx.provisioner.writeMetadata(p.ref, sealedMetadataOf(ctx, { ...p, stackVersion: target }));
  await ctx.db.project.update({ where: { id: p.id }, data: { stackVersion: target } });
  return { kind: "upgraded" };
}

/** A project that was paused is paused again once its upgrade (or rollback) has been seen healthy. */
async function settle(ctx: ProjectContext, p: { ref: string }, before: ProjectStatus): Promise<void> {
  if (isStatusIn(before, PAUSED_STATUSES)) await ctx.provisioner.pause(p.ref);
}
