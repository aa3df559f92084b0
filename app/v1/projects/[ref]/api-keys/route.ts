// GET /v1/projects/{ref}/api-keys (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { notServed } from "@/lib/api/not-served";

export const GET = apiRoute(operations.getProjectApiKeys, ({ api, principal, params, query }) => api.apiKeys(principal, params.ref, query.reveal));
// Upstream's other methods on this path, which Supafleet does not serve: a named 403.
export const POST = notServed;
