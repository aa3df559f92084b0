// GET /v1/projects/{ref}/branches (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { notServed } from "@/lib/api/not-served";

export const GET = apiRoute(operations.listBranches, ({ api, principal, params }) => api.settings.branches(principal, params.ref));
// Upstream's other methods on this path, which Supafleet does not serve: a named 403.
export const DELETE = notServed;
export const POST = notServed;
