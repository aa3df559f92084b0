// GET /v1/organizations/{slug}/members (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.listOrganizationMembers, async ({ api, principal, params }) => api.listOrganizationMembers(principal, params.slug));
