// Moving a project to the newest template version, on its owner's (or an
// admin's) request. A project never changes version by itself: pause, resume,
// restart and reconcile all build the version it records. An upgrade takes a
// backup first (when Supafleet has backups: see backupBeforeUpgrade), makes
// the containers again from the new version's spec on the same volumes, and
// when that stack does not come up healthy makes them again from the old spec.
// Only a healthy new stack moves the project's recorded version.
import { ACTIVE_STATUSES, EVENT, isStatusIn, PAUSED_STATUSES } from "@/lib/domain";
import { ForbiddenError, InvalidStateError } from "@/lib/errors";
import type { ProjectStatus } from "@/lib/generated/prisma-sqlite/enums";
import { encryptSecrets } from "@/lib/crypto/secret-box";
import { generateApiKeys, type ProjectSecrets } from "@/lib/stack/secrets";
import { LATEST_STACK_VERSION, postgresMajorChange } from "@/lib/stack/template";
import type { SessionUser } from "@/lib/users/service";
import {
  applyProxy,
  describeError,
  PROJECT_FOR_SPEC,
  sealedMetadataOf,
  secretsOf,
  setStatus,
  specFor,
  type ProjectContext,
  type ProjectForSpec,
} from "@/lib/projects/context";
import { dataUpgradePrecheck, upgradeToNewMajor, type UpgradeAttempt } from "@/lib/projects/data-upgrade";
import { eventBus, recordEvent } from "@/lib/projects/events";
import type { ProvisionEvent } from "@/lib/projects/provisioner";
import { findOwned, summary, type ProjectSummary, type ScopeOptions } from "@/lib/projects/queries";
import type { Release } from "@/lib/projects/slots";

/** Upgrades may start from a running or a paused project (a paused one is paused again afterwards). */
function upgradable(status: ProjectStatus): boolean {
  return isStatusIn(status, ACTIVE_STATUSES) || status === "INACTIVE";
}

export type BackupOutcome = { kind: "taken"; id: string } | { kind: "unavailable"; why: string };

/**
 * A backup of the project on its old template before anything changes
 * (lib/backups sets ctx.beforeUpgrade): a failed backup throws, and the
 * upgrade does not start. Without backups the upgrade records that none was taken.
 */
export async function backupBeforeUpgrade(ctx: ProjectContext, p: { id: string; ref: string }): Promise<BackupOutcome> {
  return ctx.beforeUpgrade ? ctx.beforeUpgrade(p) : { kind: "unavailable", why: "this Supafleet runs without project backups" };
}

/** The newest template version, or null when the project already runs it. */
export function upgradeTarget(stackVersion: string): string | null {
  return stackVersion === LATEST_STACK_VERSION ? null : LATEST_STACK_VERSION;
}

/** The upgrade on offer: its target, the Postgres major change it makes, and why it cannot run (null: it can). */
function upgradePlan(ctx: ProjectContext, stackVersion: string) {
  const target = upgradeTarget(stackVersion);
  const change = target ? postgresMajorChange(stackVersion, target, ctx.config.imageOverrides) : null;
  let blocked: string | null = null;
  // A new Postgres major needs the data carried over, which only some runtimes do (not Swarm yet), and never backwards.
  if (target && change && change.to < change.from)
    blocked = `Template ${target} runs Postgres ${change.to}, older than this project's Postgres ${change.from}; a database cannot go back a major version.`;
  else if (target && change && !ctx.provisioner.data)
    blocked = `Template ${target} runs Postgres ${change.to} and this project's data is Postgres ${change.from}: carrying it over is not available on this engine yet. The project stays on ${stackVersion}, unchanged.`;
  return { target, change, blocked };
}

/** Why the upgrade to upgradeTarget cannot run, before anything is touched; null: it can. */
export function upgradeBlocked(ctx: ProjectContext, stackVersion: string): string | null {
  return upgradePlan(ctx, stackVersion).blocked;
}

/** What the upgrade will do beyond making the containers again (shown before it starts); null: nothing more. */
export function upgradeNote(ctx: ProjectContext, stackVersion: string): string | null {
  const { change, blocked } = upgradePlan(ctx, stackVersion);
  if (!change || blocked) return null;
  return `This upgrade moves the database from Postgres ${change.from} to ${change.to}: the project stops while every role, database and row is copied into a new database (minutes for a large one). If anything fails, it starts again on its old data.`;
}

export async function upgradeProject(ctx: ProjectContext, actor: SessionUser, ref: string, opts: ScopeOptions = {}): Promise<ProjectSummary> {
  return ctx.jobs.withLock(ref, async () => {
    const p = await findOwned(ctx, actor, ref, opts);
    if (!upgradable(p.status)) throw new InvalidStateError(`A project that is ${p.status} cannot be upgraded; it must be running or paused.`);
    const target = upgradeTarget(p.stackVersion);
    if (!target) throw new InvalidStateError(`The project already runs the newest template (${p.stackVersion}).`);
    const blocked = upgradeBlocked(ctx, p.stackVersion);
    if (blocked) throw new InvalidStateError(blocked);
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
  if (actor.role !== "ADMIN") throw new ForbiddenError("Administrators only.");
  const rows = await ctx.db.project.findMany({
    where: { stackVersion: { not: LATEST_STACK_VERSION }, status: { in: [...ACTIVE_STATUSES, "INACTIVE"] } },
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
  const onEvent = (e: ProvisionEvent) => {
    if (e.kind !== "image.pull")
      void recordEvent(
        ctx.db,
        p,
        e.kind.endsWith("failed") ? "ERROR" : "INFO",
        e.kind,
        e.message ?? e.kind,
        e.service ? { service: e.service } : undefined,
      ).catch(() => undefined);
  };
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
    finalStatus = before === "INACTIVE" ? "INACTIVE" : "ACTIVE_HEALTHY";
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
