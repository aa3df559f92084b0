// GET /v1/projects/{ref}/ssl-enforcement (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { notServed } from "@/lib/api/not-served";

export const GET = apiRoute(operations.getSslEnforcement, ({ api, principal, params }) => api.settings.sslEnforcement(principal, params.ref));
// Upstream's other methods on this path, which Supafleet does not serve: a named 403.
export const PUT = notServed;
