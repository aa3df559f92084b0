// GET/POST /v1/organizations (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.listOrganizations, async ({ api, principal }) => api.listOrganizations(principal));
export const POST = apiRoute(operations.createOrganization, async ({ api, principal, body }) => api.createOrganization(principal, body));
