// Making only the functions container again (new secrets in its
// environment), as Auth settings make only auth again
// (lib/projects/auth-settings.ts): the same applySettings, under
// the project's job lock. Several saves in a row share one restart: while a
// restart is queued and has not begun, another save adds nothing (the restart
// reads the settings when it begins).
import type { ProjectContext } from "@/lib/projects/context";
import { applySettings, FUNCTION_SECRETS } from "@/lib/projects/service-settings";
import type { JobRunner } from "@/lib/projects/jobs";

interface PendingRestart {
  begun: boolean;
}

// Per job runner (one per ProjectService), per ref.
const pending = new WeakMap<JobRunner, Map<string, PendingRestart>>();

function pendingOf(jobs: JobRunner): Map<string, PendingRestart> {
  let m = pending.get(jobs);
  if (!m) pending.set(jobs, (m = new Map()));
  return m;
}

/** The project's running job, if any, is a functions restart (so another save may queue behind it). */
export function onlyFunctionsRestartRuns(ctx: ProjectContext, ref: string): boolean {
  return pendingOf(ctx.jobs).has(ref);
}

export function scheduleFunctionsRestart(ctx: ProjectContext, p: { id: string; ref: string }): void {
  const map = pendingOf(ctx.jobs);
  const current = map.get(p.ref);
  if (current && !current.begun) return;
  const entry: PendingRestart = { begun: false };
  map.set(p.ref, entry);
  ctx.jobs.start(p.ref, async (signal) => {
    entry.begun = true;
    try {
      await applySettings(ctx, p.id, FUNCTION_SECRETS, signal);
    } finally {
      if (map.get(p.ref) === entry) map.delete(p.ref);
    }
  });
}
