// The upgrade on offer for a project: the newest template, the Postgres major
// change it brings, and why it cannot run. Read by the project views
// (queries.ts) and checked again by the upgrade itself (upgrade.ts), so it
// sits below both.
import type { ProjectContext } from "@/lib/projects/context";
import { LATEST_STACK_VERSION, postgresMajorChange } from "@/lib/stack/template";

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
