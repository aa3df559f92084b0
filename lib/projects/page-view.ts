// What a section of the project page shows, behind one ownership check: the
// summary always, and on request the usage series and the idle setting (the
// project's own timeout beside the installation's default).
import { getSystemSettings } from "@/lib/settings/service";
import type { SessionUser } from "@/lib/auth/actor";
import type { ProjectContext } from "@/lib/projects/context";
import { findOwned, summary, type ProjectSummary } from "@/lib/projects/queries";
import { usageSeries, type UsagePoint } from "@/lib/projects/usage";
import { DEFAULT_FROZEN_STOP_MIN } from "@/lib/projects/sleep-tier";
import { roleIn } from "@/lib/orgs/membership";
import { projectCapabilities, type ProjectCapabilities } from "@/lib/orgs/capabilities";
import { organizationOf } from "@/lib/orgs/access";

export interface ProjectPageView {
  project: ProjectSummary;
  /** What the viewer's role lets them do here: the page hides the rest (the server checks each action anyway). */
  can: ProjectCapabilities;
  usage?: UsagePoint[];
  /**
   * minutes: the project's own timeout (null: the default); defaultMinutes: the installation's.
   * frozen: the same for its frozen time (lib/projects/sleep-tier.ts); null when the engine cannot freeze.
   */
  idle?: { minutes: number | null; defaultMinutes: number; frozen: { minutes: number | null; defaultMinutes: number } | null };
}

export async function projectPageView(
  ctx: ProjectContext,
  actor: SessionUser,
  ref: string,
  want: { usage?: boolean; idle?: boolean } = {},
): Promise<ProjectPageView> {
  const row = await findOwned(ctx, actor, ref, { action: "project.read" });
  const [role, usage, settings] = await Promise.all([
    roleIn(ctx.db, organizationOf(row), actor.id),
    want.usage ? usageSeries(ctx, row.id) : undefined,
    want.idle ? getSystemSettings(ctx.db) : undefined,
  ]);
  const frozen = ctx.provisioner.freezer ? { minutes: row.frozenStopMin, defaultMinutes: ctx.config.frozenStopMin ?? DEFAULT_FROZEN_STOP_MIN } : null;
  // findOwned found it through a membership, so a role exists; if a removal raced it, offer nothing.
  const can = projectCapabilities(role ?? "READ_ONLY");
  return { project: summary(ctx, row), can, usage, idle: settings && { minutes: row.idleTimeoutMin, defaultMinutes: settings.idleTimeoutMin, frozen } };
}
