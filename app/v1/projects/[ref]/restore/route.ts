// POST /v1/projects/{ref}/restore (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { notServed } from "@/lib/api/not-served";

export const POST = apiRoute(operations.restoreProject, ({ api, principal, params }) => api.restoreProject(principal, params.ref));
// Upstream's other methods on this path, which Supafleet does not serve: a named 403.
export const GET = notServed;
