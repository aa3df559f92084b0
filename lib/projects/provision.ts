// Starting a project's stack (create, resume, restart) as a background job,
// and undoing a failed create. The one rule about data lives here too:
// volumes go only with an explicit delete, or with the rollback of a create
// that never became active (checked against the database AND the sealed
// metadata on the engine, so a restored database cannot make a live project
// look like a failed create).
import { EVENT, startEvent } from "@/lib/domain";
import { InvalidStateError, describeError } from "@/lib/errors";
import { eventBus, projectEventSink, recordEvent } from "@/lib/projects/events";
import { applyProxy, PROJECT_FOR_SPEC, sealedMetadataOf, setStatus, specFor, type ProjectContext } from "@/lib/projects/context";
import { unsealNewest } from "@/lib/projects/metadata";
import type { Release } from "@/lib/concurrency";
import type { StackSpec } from "@/lib/stack/types";

export type StartMode = "create" | "resume" | "restart";

export function startProvision(ctx: ProjectContext, p: { id: string; ref: string }, mode: StartMode): void {
  ctx.jobs.start(p.ref, (signal) => runProvision(ctx, p.id, mode, signal));
}

async function runProvision(ctx: ProjectContext, projectId: string, mode: StartMode, signal: AbortSignal): Promise<void> {
  const p = await ctx.db.project.findUniqueOrThrow({ where: { id: projectId }, include: PROJECT_FOR_SPEC });
  const starts = ctx.jobs.starts;
  let started = Date.now();
  let release: Release | undefined;
  try {
    if (starts.running >= starts.size) {
      await recordEvent(
        ctx.db,
        p,
        "INFO",
        startEvent(mode, "queued"),
        `Queued: ${starts.running} stacks are starting on this host (${starts.waiting} waiting before this one); it starts when one finishes`,
      );
    }
    release = await starts.acquire(signal);
    started = Date.now();
    await recordEvent(
      ctx.db,
      p,
      "INFO",
      startEvent(mode, "started"),
      mode === "create" ? "Provisioning: images, network, volumes, services" : mode === "resume" ? "Starting services" : "Restarting services",
    );
    const spec = await placed(ctx, p, specFor(ctx, p));
    const onEvent = projectEventSink(ctx.db, p);
    if (mode === "restart") await ctx.provisioner.restart(spec, { onEvent, signal });
    else await ctx.provisioner.up(spec, { onEvent, signal });
    if (signal.aborted) throw new InvalidStateError("Cancelled.");
    if (!p.activatedAt) {
      // The engine learns first: if the app dies between these two writes the
      // metadata says "was active" and the project's data is never discarded.
      const activatedAt = new Date();
      await ctx.provisioner.writeMetadata(p.ref, sealedMetadataOf(ctx, { ...p, activatedAt }));
      await ctx.db.project.update({ where: { id: p.id }, data: { activatedAt } });
    }
    // A start counts as activity: the idle clock begins now. A wake is over.
    await ctx.db.project.update({ where: { id: p.id }, data: { lastActivityAt: new Date(), pausedBy: null, pausedAt: null } });
    await setStatus(ctx, p.id, "ACTIVE_HEALTHY", null);
    await recordEvent(ctx.db, p, "INFO", startEvent(mode, "succeeded"), `All services healthy in ${((Date.now() - started) / 1000).toFixed(1)} s`, {
      durationMs: Date.now() - started,
    });
  } catch (err) {
    const reason = signal.aborted ? "Cancelled by delete." : describeError(err);
    await recordEvent(ctx.db, p, "ERROR", startEvent(mode, "failed"), reason);
    if (mode === "create") {
      // Undo everything the create made; keep the row (and its secrets) for a retry.
      try {
        const outcome = await discardFailedCreate(ctx, p);
        if (outcome === "discarded") await recordEvent(ctx.db, p, "INFO", EVENT.createRolledBack, "Removed everything the failed create made");
        else await recordEvent(ctx.db, p, "WARN", EVENT.createRolledBack, `Removed the containers; kept the volumes: ${outcome.kept}`);
      } catch (cleanupErr) {
        // Leases stay so the ports are not handed out while containers may
        // still hold them; start-up reconcile finishes the cleanup.
        await recordEvent(ctx.db, p, "ERROR", EVENT.createRollbackFailed, describeError(cleanupErr));
      }
      await setStatus(ctx, p.id, "INIT_FAILED", reason);
    } else {
      // Data stays: a failed resume/restart leaves the project running what it can.
      await ctx.db.project.update({ where: { id: p.id }, data: { pausedBy: null, pausedAt: null } });
      await setStatus(ctx, p.id, "ACTIVE_UNHEALTHY", reason);
    }
  } finally {
    release?.();
    eventBus.clear(p.ref);
    await applyProxy(ctx);
  }
}

/**
 * On a multi-node runtime, a project without a node gets one now, before
 * anything is made: the node with the most free memory (lib/swarm/nodes.ts).
 * It stays there for good (its volumes are that node's).
 */
async function placed(ctx: ProjectContext, p: { id: string; ref: string; nodeId: string | null }, spec: StackSpec): Promise<StackSpec> {
  const placement = ctx.provisioner.placement;
  if (!placement || spec.placement) return spec;
  const memoryBytes = spec.services.reduce((sum, s) => sum + s.limits.memoryBytes, 0);
  const where = await placement.place({ ref: p.ref, memoryBytes });
  await ctx.db.project.update({ where: { id: p.id }, data: { nodeId: where.nodeId, nodeAddress: where.address } });
  await recordEvent(ctx.db, p, "INFO", EVENT.nodePlaced, `Placed on Swarm node ${where.nodeId}${where.address ? ` (${where.address})` : " (this host)"}`);
  return { ...spec, placement: { nodeId: where.nodeId } };
}

/** Whether a project that is not known to be active may hold data. */
export type DataState = { kind: "none" } | { kind: "active"; why: string } | { kind: "unknown"; why: string };

/** Asks the database, then the sealed metadata on the engine (which a restored database cannot roll back). */
export async function dataState(ctx: ProjectContext, p: { ref: string; activatedAt: Date | null }): Promise<DataState> {
  if (p.activatedAt) return { kind: "active", why: `the project was active since ${p.activatedAt.toISOString()}` };
  const files = await ctx.provisioner.readMetadata(p.ref);
  if (!files.length) return { kind: "none" };
  const sealed = unsealNewest(ctx.config.masterKey, p.ref, files);
  if (!sealed.ok) return { kind: "unknown", why: `${sealed.reason}, so whether it holds data is unknown` };
  if (sealed.meta.activatedAt) return { kind: "active", why: `its metadata on the engine says it was active since ${sealed.meta.activatedAt}` };
  return { kind: "none" };
}

/**
 * Takes a failed create's stack away and frees its leases. Volumes go too only
 * when neither the database nor the sealed metadata says the project may hold
 * data; otherwise only the containers go, and the reason is returned.
 */
export async function discardFailedCreate(
  ctx: ProjectContext,
  p: { id: string; ref: string; activatedAt: Date | null },
  known?: DataState,
): Promise<"discarded" | { kept: string }> {
  const data = known ?? (await dataState(ctx, p));
  if (data.kind !== "none") {
    await ctx.provisioner.removeContainers(p.ref);
    await ctx.db.portLease.deleteMany({ where: { projectId: p.id } });
    return { kept: data.why };
  }
  await ctx.provisioner.destroy(p.ref);
  await ctx.db.portLease.deleteMany({ where: { projectId: p.id } });
  await ctx.db.subnetLease.deleteMany({ where: { projectId: p.id } });
  return "discarded";
}
