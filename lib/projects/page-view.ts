// What a section of the project page shows, behind one ownership check: the
// summary always, and on request the usage series and the idle setting (the
// project's own timeout beside the installation's default).
import { getSystemSettings } from "@/lib/settings/service";
import type { SessionUser } from "@/lib/auth/actor";
import type { ProjectContext } from "@/lib/projects/context";
import { findOwned, summary, type ProjectSummary } from "@/lib/projects/queries";
import { usageSeries, type UsagePoint } from "@/lib/projects/usage";

export interface ProjectPageView {
  project: ProjectSummary;
  usage?: UsagePoint[];
  /** minutes: the project's own timeout (null: the default); defaultMinutes: the installation's. */
  idle?: { minutes: number | null; defaultMinutes: number };
}

export async function projectPageView(
  ctx: ProjectContext,
  actor: SessionUser,
  ref: string,
  want: { usage?: boolean; idle?: boolean } = {},
): Promise<ProjectPageView> {
  const row = await findOwned(ctx, actor, ref);
  const [usage, settings] = await Promise.all([want.usage ? usageSeries(ctx, row.id) : undefined, want.idle ? getSystemSettings(ctx.db) : undefined]);
  return { project: summary(ctx, row), usage, idle: settings && { minutes: row.idleTimeoutMin, defaultMinutes: settings.idleTimeoutMin } };
}
