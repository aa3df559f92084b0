// GET/POST /v1/projects/{ref}/database/migrations (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { notServed } from "@/lib/api/not-served";

export const GET = apiRoute(operations.listMigrations, ({ api, principal, params }) => api.settings.migrations(principal, params.ref));
export const POST = apiRoute(operations.applyMigration, ({ api, principal, params, body }) => api.settings.applyMigration(principal, params.ref, body));
// Upstream's other methods on this path, which Supafleet does not serve: a named 403.
export const DELETE = notServed;
export const PUT = notServed;
