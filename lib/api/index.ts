// Process-wide wiring of the Management API: the project service, the
// database (tokens), the request limiter. On globalThis because Next's route
// bundles are separate module graphs: one limiter must count every route's
// requests.
import { getDb, type Db } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { getProjectService } from "@/lib/projects";
import { getBackupService } from "@/lib/backups";
import { LATEST_STACK_VERSION, templateImage } from "@/lib/stack/template";
import { ManagementApi } from "@/lib/api/management-api";
import { MemoryWindowLimiter, type RequestLimiter } from "@/lib/api/rate-limit";

export interface ApiRuntime {
  db: Db;
  api: ManagementApi;
  /** Per access token: SUPAFLEET_API_RATE_LIMIT requests a minute. */
  limiter: RequestLimiter;
}

const g = globalThis as unknown as { supafleetApi?: ApiRuntime };

export function getApiRuntime(): ApiRuntime {
  if (!g.supafleetApi) {
    const env = getEnv();
    g.supafleetApi = {
      db: getDb(),
      api: new ManagementApi(getProjectService(), {
        dbImage: templateImage(LATEST_STACK_VERSION, "db", env.imageOverrides),
        // Each project's Supavisor publishes its POSTGRES port on the host (lib/docker).
        databaseHost: "127.0.0.1",
        functionMaxBytes: env.functionMaxBytes,
        backups: getBackupService(),
      }),
      limiter: new MemoryWindowLimiter({ points: env.apiRateLimit, windowMs: 60_000 }),
    };
  }
  return g.supafleetApi;
}
