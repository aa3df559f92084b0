// GET /v1/organizations/{slug} (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.getOrganization, async ({ api, principal, params }) => api.getOrganization(principal, params.slug));
