// A new project's row, for a create and for a clone of a backup
// (lib/backups/requests.ts): fresh secrets and ref, the organization's quota
// (lib/projects/org-quota.ts) and the host's admission checked, ports and subnet leased, all in one transaction.
import { randomUUID } from "node:crypto";
import { AccountDisabledError } from "@/lib/errors";
import { encryptSecrets } from "@/lib/crypto/secret-box";
import type { Prisma } from "@/lib/generated/prisma-sqlite/client";
import { generateProjectSecrets } from "@/lib/stack/secrets";
import type { ProjectCore } from "@/lib/projects/context";
import { admit, hostResources } from "@/lib/projects/admission";
import { assertOrgQuota, budgetForOrganization } from "@/lib/projects/org-quota";
import { makeRoom } from "@/lib/projects/sleep-tier";
import { leasePorts, retryOnUnique } from "@/lib/projects/leases";
import { leaseSubnet } from "@/lib/projects/subnets";
import { generateRef } from "@/lib/projects/ref";
import { ensurePersonalOrganization, requireRole } from "@/lib/orgs/membership";

export interface NewProject {
  name: string;
  region: string | null;
  stackVersion: string;
  /** The organization it goes in (its slug, which is its id); unsaid: the owner's personal one. */
  organizationId?: string;
}

export interface NewProjectOptions {
  /** Ask the runtime's placement whether any node takes a new project (a create does, before anything is made). */
  checkPlacement?: boolean;
  /** More rows the same transaction writes for the new project (a clone's restore). */
  alsoWrite?: (tx: Prisma.TransactionClient, projectId: string) => Promise<void>;
}

export async function insertNewProject(ctx: ProjectCore, ownerId: string, row: NewProject, opts: NewProjectOptions = {}) {
  const organizationId = row.organizationId ?? ownerId;
  // Frozen projects hold memory the new one may need: the longest-frozen are stopped first (lib/projects/sleep-tier.ts).
  await makeRoom(ctx, (await ctx.db.$transaction((tx) => budgetForOrganization(tx, organizationId))).memoryMb);
  const secrets = await generateProjectSecrets();
  // Ports and subnets the engine's containers and networks hold, running or not, of any installation.
  const [held, subnetsInUse, host] = await Promise.all([
    ctx.provisioner.usedHostPorts(),
    ctx.config.subnetPool ? ctx.provisioner.usedSubnets() : [],
    hostResources(ctx.config.diskPath),
    // On a multi-node runtime, a create no node takes (all drained or down) is refused now, before
    // anything is made; the project's own node is chosen when it starts, with its real budget.
    opts.checkPlacement ? ctx.provisioner.placement?.checkOpen() : undefined,
  ]);
  // A ref or port taken by a parallel create: try again with fresh ones.
  return retryOnUnique(() => {
    const ref = generateRef();
    return ctx.db.$transaction(async (tx) => {
      const user = await tx.user.update({ where: { id: ownerId }, data: { quotaVersion: { increment: 1 } } });
      if (user.disabled) throw new AccountDisabledError();
      // The organization's members act on it: the creator must be one who may create projects there.
      if (organizationId === ownerId) await ensurePersonalOrganization(tx, user);
      else await requireRole(tx, organizationId, ownerId, "project.create");
      // Bumping the organization's row takes its write lock: a second create
      // in it, by anyone, waits here, then counts this project.
      await assertOrgQuota(tx, organizationId, ownerId);
      const budget = await budgetForOrganization(tx, organizationId);
      await admit(tx, host, budget.memoryMb);
      const created = await tx.project.create({
        data: {
          id: randomUUID(),
          ref,
          name: row.name,
          region: row.region,
          ownerId,
          organizationId,
          status: "COMING_UP",
          stackVersion: row.stackVersion,
          secrets: encryptSecrets(ctx.config.masterKey, ref, JSON.stringify(secrets)),
          memoryMb: budget.memoryMb,
          milliCpus: budget.milliCpus,
          fileSizeLimitMb: budget.fileSizeLimitMb,
        },
      });
      await leasePorts(tx, created.id, ctx.config.portRange, held);
      if (ctx.config.subnetPool) await leaseSubnet(tx, created.id, ctx.config.subnetPool, subnetsInUse);
      await opts.alsoWrite?.(tx, created.id);
      return created;
    });
  });
}
