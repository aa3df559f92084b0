// Builds the parts the project service shares with its sibling services
// (lib/backups): see ProjectCore in lib/projects/context.ts. The composition
// root (lib/services.ts) builds them once; a service built alone gets its own.
import type { Db } from "@/lib/db/client";
import type { ActivitySource } from "@/lib/proxy/activity";
import type { RateLimiter } from "@/lib/rate-limit/limiter";
import type { ProjectCore, ProjectServiceConfig, ProxyNotifier } from "@/lib/projects/context";
import { JobRunner } from "@/lib/projects/jobs";
import type { Provisioner } from "@/lib/projects/provisioner";

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
