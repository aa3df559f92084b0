// GET and PUT /v1/projects/{ref}/config/database/postgres (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.getPostgresConfig, ({ api, principal, params }) => api.settings.postgresConfig(principal, params.ref));
export const PUT = apiRoute(operations.updatePostgresConfig, ({ api, principal, params, body }) =>
  api.writes.updatePostgresConfig(principal, params.ref, body),
);
