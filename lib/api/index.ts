// The Management API's process-wide parts, built by the composition root
// (lib/services.ts getApiRuntime): the project service behind the API, the
// database (tokens), the request limiter. One limiter must count every
// route's requests, and Next's route bundles are separate module graphs.
import type { Db } from "@/lib/db/client";
import type { ManagementApi } from "@/lib/api/management-api";
import type { RequestLimiter } from "@/lib/api/rate-limit";

export interface ApiRuntime {
  db: Db;
  api: ManagementApi;
  /** Per access token: SUPAFLEET_API_RATE_LIMIT requests a minute. */
  limiter: RequestLimiter;
}
