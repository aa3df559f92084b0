// Builds the parts the project service shares with its sibling services
// (lib/backups): see ProjectCore in lib/projects/context.ts. The composition
// root (lib/services.ts) builds them once; a service built alone gets its own.
import type { Db } from "@/lib/db/client";
import type { ActivitySource } from "@/lib/proxy/activity";
import type { RateLimiter } from "@/lib/rate-limit/limiter";
import type { ProjectCore, ProjectHooks, ProjectServiceConfig, ProxyNotifier } from "@/lib/projects/context";
import { JobRunner } from "@/lib/projects/jobs";
import type { Provisioner } from "@/lib/projects/provisioner";

/** What the ProjectService constructor takes besides its four parts; the composition root passes the shared job runner and the backup service's hooks. */
export interface ProjectServiceOptions {
  activity?: ActivitySource;
  limiter?: RateLimiter;
  /** The job runner (per-project locks, start slots) shared with sibling services; default one of its own. */
  jobs?: JobRunner;
  /** A sibling service's work inside deletes and upgrades (lib/backups). */
  hooks?: ProjectHooks;
}

/** The shared parts, with a job runner of their own unless one is given. */
export function projectCore(
  db: Db,
  provisioner: Provisioner,
  proxy: ProxyNotifier,
  config: ProjectServiceConfig,
  opts: { activity?: ActivitySource; limiter?: RateLimiter; jobs?: JobRunner } = {},
): ProjectCore {
  return { db, provisioner, proxy, config, jobs: opts.jobs ?? new JobRunner(config.maxParallelStarts), activity: opts.activity, limiter: opts.limiter };
}
