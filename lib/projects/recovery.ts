// Stacks of this installation that its database does not know: a restored
// backup from before they were made, a lost row. They are rebuilt from their
// sealed metadata (lib/projects/metadata.ts) when it can be read and their
// owner exists; otherwise they are quarantined: containers stopped, volumes
// kept, shown to the admin with "adopt" and "delete for good". Nothing here
// removes a volume except an admin's explicit "delete for good".
import { EVENT, STATUS } from "@/lib/domain";
import { randomUUID } from "node:crypto";
import { decryptSecrets } from "@/lib/crypto/secret-box";
import { isUniqueViolation } from "@/lib/db/errors";
import type { ProjectStatus } from "@/lib/domain";
import { InvalidStateError, NotFoundError, describeError } from "@/lib/errors";
import { recordEvent } from "@/lib/projects/events";
import { type ProjectContext } from "@/lib/projects/context";
import { leaseExactPorts, leasePorts } from "@/lib/projects/leases";
import { leaseExactSubnet, leaseSubnet } from "@/lib/projects/subnets";
import { unsealNewest, type ProjectMetadata } from "@/lib/projects/metadata";
import { startProvision } from "@/lib/projects/provision";
import type { EngineStack } from "@/lib/projects/provisioner";

export type RecoveryOutcome = { kind: "recovered"; status: ProjectStatus; note: string } | { kind: "quarantined"; reason: string };

/** Rebuilds the project of an unknown stack of this installation, or quarantines the stack. */
export async function recoverOrQuarantine(ctx: ProjectContext, stack: EngineStack): Promise<RecoveryOutcome> {
  const removed = await ctx.db.project.findUnique({ where: { ref: stack.ref }, select: { status: true } });
  if (removed) {
    // Only a REMOVED row reaches here: the owner deleted it, yet resources stayed.
    return quarantine(ctx, stack, "the project was deleted, but these resources are still on the engine", null);
  }
  const sealed = unsealNewest(ctx.config.masterKey, stack.ref, await ctx.provisioner.readMetadata(stack.ref));
  if (!sealed.ok) return quarantine(ctx, stack, sealed.reason, null);
  const meta = sealed.meta;
  // By account id only, never by email: after a database restore an email may
  // belong to someone else now (anyone can sign up with an address), and a
  // stack with its keys and data must not go to them by itself. An admin
  // decides (adoptQuarantined).
  const owner = await ctx.db.user.findUnique({ where: { id: meta.ownerId } });
  if (!owner) return quarantine(ctx, stack, `its owner ${meta.ownerEmail} has no account in this database`, meta);
  return rebuild(
    ctx,
    stack,
    meta,
    owner.id,
    "Rebuilt from its metadata on the engine: the database did not have it (restored from a backup, or the row was lost)",
  );
}

async function rebuild(ctx: ProjectContext, stack: EngineStack, meta: ProjectMetadata, ownerId: string, why: string): Promise<RecoveryOutcome> {
  if (meta.installationId !== ctx.provisioner.installationId)
    throw new InvalidStateError(`${stack.ref}'s metadata belongs to installation ${meta.installationId}.`);
  // The secrets must open before the project is handed back to anyone.
  decryptSecrets(ctx.config.masterKey, meta.ref, meta.secrets);
  const running = stack.containers.some((c) => c.running && c.role === null);
  const activated = meta.activatedAt !== null;
  // Never active: the create was cut short and it holds no data; the owner retries or deletes it.
  const status: ProjectStatus = !activated ? "INIT_FAILED" : running ? "RESTORING" : "INACTIVE";
  const [held, subnetsInUse] = await Promise.all([ctx.provisioner.usedHostPorts(), ctx.provisioner.usedSubnets()]);
  const { project, portsKept } = await ctx.db.$transaction(async (tx) => {
    const idTaken = await tx.project.findUnique({ where: { id: meta.projectId }, select: { id: true } });
    const project = await tx.project.create({
      data: {
        id: idTaken ? randomUUID() : meta.projectId,
        ref: meta.ref,
        name: meta.name,
        region: meta.region,
        ownerId,
        status,
        statusReason: !activated ? "Its creation had not finished when it was rebuilt from the engine. Retry or delete it." : null,
        stackVersion: meta.stackVersion,
        secrets: meta.secrets,
        authSettings: meta.authSettings ?? null,
        createdAt: new Date(meta.createdAt),
        activatedAt: meta.activatedAt ? new Date(meta.activatedAt) : null,
        dataGeneration: meta.dataGeneration ?? 0,
      },
    });
    // The ports its containers are bound to are its own, unless another
    // project has leased one since: then it gets new ones, and its
    // containers are made again with them (its data stays).
    let portsKept = await leaseExactPorts(tx, project.id, meta.ports);
    if (!portsKept) {
      const ownPorts = new Set(Object.values(meta.ports));
      await leasePorts(tx, project.id, ctx.config.portRange, new Set([...held].filter((p) => !ownPorts.has(p))));
    }
    // Its subnet too; a new one means its network (and so its containers) are made again.
    if (meta.subnet && !(await leaseExactSubnet(tx, project.id, meta.subnet))) {
      portsKept = false;
      if (ctx.config.subnetPool)
        await leaseSubnet(
          tx,
          project.id,
          ctx.config.subnetPool,
          subnetsInUse.filter((s) => s !== meta.subnet),
        );
    }
    await tx.quarantinedStack.deleteMany({ where: { ref: meta.ref } });
    return { project, portsKept };
  });
  let note = why;
  if (!portsKept) {
    await ctx.provisioner.removeContainers(project.ref);
    note += "; its ports or subnet had been leased to another project, so it got new ones and its containers will be made again";
    if (status === STATUS.RESTORING) await ctx.db.project.update({ where: { id: project.id }, data: { status: "INACTIVE" } });
  }
  await recordEvent(ctx.db, project, "WARN", EVENT.recoveryRebuilt, note);
  if (portsKept && status === STATUS.RESTORING) startProvision(ctx, project, "resume");
  return { kind: "recovered", status: !portsKept && status === STATUS.RESTORING ? "INACTIVE" : status, note };
}

async function quarantine(ctx: ProjectContext, stack: EngineStack, reason: string, meta: ProjectMetadata | null): Promise<RecoveryOutcome> {
  // Stopped, not removed: the admin decides. Its volumes are never touched here.
  if (stack.containers.some((c) => c.running)) await ctx.provisioner.pause(stack.ref);
  const data = { reason, name: meta?.name ?? null, ownerEmail: meta?.ownerEmail ?? null };
  await ctx.db.quarantinedStack.upsert({ where: { ref: stack.ref }, create: { ref: stack.ref, ...data }, update: data });
  return { kind: "quarantined", reason };
}

export interface EngineView {
  /** This installation's stacks that its database does not know and could not rebuild. */
  quarantined: Array<{
    ref: string;
    reason: string;
    detectedAt: string;
    name: string | null;
    ownerEmail: string | null;
    containers: number;
    running: number;
    volumes: number;
  }>;
  /** Stacks of other installations (or made before installation ids by a Supafleet whose database does not know them). Never touched. */
  foreign: Array<{ ref: string; installation: string | null; containers: number; running: number; volumes: number; networks: number }>;
}

/** What is on the engine besides this installation's known projects. Reads only. */
export async function engineView(ctx: ProjectContext): Promise<EngineView> {
  const [stacks, known, quarantined] = await Promise.all([
    ctx.provisioner.listStacks(),
    ctx.db.project.findMany({ where: { status: { not: STATUS.REMOVED } }, select: { ref: true } }),
    ctx.db.quarantinedStack.findMany({ orderBy: { detectedAt: "asc" } }),
  ]);
  const knownRefs = new Set(known.map((p) => p.ref));
  const mine = ctx.provisioner.installationId;
  const count = (s: EngineStack) => ({
    containers: s.containers.filter((c) => c.role === null).length,
    running: s.containers.filter((c) => c.running).length,
    volumes: s.volumes.length,
  });
  return {
    quarantined: quarantined
      .map((q) => {
        const s = stacks.find((x) => x.ref === q.ref && x.installation === mine);
        return s ? { ref: q.ref, reason: q.reason, detectedAt: q.detectedAt.toISOString(), name: q.name, ownerEmail: q.ownerEmail, ...count(s) } : null;
      })
      .filter((q): q is NonNullable<typeof q> => q !== null),
    foreign: stacks
      .filter((s) => s.installation !== mine && !(s.installation === null && knownRefs.has(s.ref)))
      .map((s) => ({ ref: s.ref, installation: s.installation, ...count(s), networks: s.networks.length })),
  };
}

async function quarantinedStack(ctx: ProjectContext, ref: string): Promise<EngineStack> {
  const row = await ctx.db.quarantinedStack.findUnique({ where: { ref } });
  const stack = (await ctx.provisioner.listStacks()).find((s) => s.ref === ref && s.installation === ctx.provisioner.installationId);
  if (!row || !stack) throw new NotFoundError("No quarantined stack with that ref.");
  return stack;
}

/** The account an admin found by email for a quarantined stack, shown before they give it away. */
export interface AdoptionCandidate {
  id: string;
  email: string;
  createdAt: string;
  disabled: boolean;
  /** The very account the stack was sealed for (same id), not only the same email. */
  isSealedOwner: boolean;
}

/** Admin: the account with this email, to show before an adoption for it (nothing changes). */
export async function adoptionCandidate(ctx: ProjectContext, ref: string, email: string): Promise<AdoptionCandidate> {
  await quarantinedStack(ctx, ref);
  const sealed = unsealNewest(ctx.config.masterKey, ref, await ctx.provisioner.readMetadata(ref));
  if (!sealed.ok) throw new InvalidStateError(`It cannot be adopted: ${sealed.reason}. Keep it, or delete it for good.`);
  const user = await ctx.db.user.findUnique({ where: { email: email.toLowerCase() } });
  if (!user) throw new NotFoundError(`No account with the email ${email}.`);
  return { id: user.id, email: user.email, createdAt: user.createdAt.toISOString(), disabled: user.disabled, isSealedOwner: user.id === sealed.meta.ownerId };
}

/**
 * Admin: gives a quarantined stack back to an owner, rebuilt from its sealed
 * metadata: to the account id the admin names (found by email and shown
 * first), or, without one, to the sealed owner's own account id. Never to
 * whoever holds the sealed email now.
 */
export async function adoptQuarantined(ctx: ProjectContext, ref: string, ownerId: string | undefined): Promise<RecoveryOutcome> {
  const stack = await quarantinedStack(ctx, ref);
  const sealed = unsealNewest(ctx.config.masterKey, ref, await ctx.provisioner.readMetadata(ref));
  if (!sealed.ok) throw new InvalidStateError(`It cannot be adopted: ${sealed.reason}. Keep it, or delete it for good.`);
  const owner = await ctx.db.user.findUnique({ where: { id: ownerId ?? sealed.meta.ownerId } });
  if (!owner) {
    throw ownerId
      ? new NotFoundError("No such account.")
      : new NotFoundError(`Its owner ${sealed.meta.ownerEmail} has no account here: find the account to give it to by email first.`);
  }
  // Quarantine stopped it: it comes back paused, and its owner resumes it.
  const stopped = { ...stack, containers: stack.containers.map((c) => ({ ...c, running: false })) };
  try {
    return await rebuild(ctx, stopped, sealed.meta, owner.id, `Adopted by an administrator for ${owner.email}`);
  } catch (err) {
    if (isUniqueViolation(err)) throw new InvalidStateError(`A project with the ref ${ref} already exists in the database.`);
    throw new InvalidStateError(`It could not be adopted: ${describeError(err)}`);
  }
}

/** Admin: removes a quarantined stack and its data, for good. */
export async function purgeQuarantined(ctx: ProjectContext, ref: string): Promise<void> {
  await quarantinedStack(ctx, ref);
  if (await ctx.db.project.findFirst({ where: { ref, status: { not: STATUS.REMOVED } } }))
    throw new InvalidStateError("That ref belongs to a live project; delete the project instead.");
  await ctx.provisioner.destroy(ref);
  await ctx.db.quarantinedStack.delete({ where: { ref } });
}
