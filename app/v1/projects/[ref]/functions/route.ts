// GET/PUT /v1/projects/{ref}/functions (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { notServed } from "@/lib/api/not-served";

export const GET = apiRoute(operations.listFunctions, ({ api, principal, params }) => api.listFunctions(principal, params.ref));
export const PUT = apiRoute(operations.bulkUpdateFunctions, ({ api, principal, params, body }) => api.bulkUpdateFunctions(principal, params.ref, body));
// Upstream's other methods on this path, which Supafleet does not serve: a named 403.
export const POST = notServed;
