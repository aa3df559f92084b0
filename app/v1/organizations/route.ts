// GET /v1/organizations (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { notServed } from "@/lib/api/not-served";

export const GET = apiRoute(operations.listOrganizations, async ({ api, principal }) => api.listOrganizations(principal));
// Upstream's other methods on this path, which Supafleet does not serve: a named 403.
export const POST = notServed;
