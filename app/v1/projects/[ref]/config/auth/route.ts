// GET and PATCH /v1/projects/{ref}/config/auth (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.getAuthConfig, ({ api, principal, params }) => api.authConfig(principal, params.ref));
export const PATCH = apiRoute(operations.updateAuthConfig, ({ api, principal, params, body }) => api.updateAuthConfig(principal, params.ref, body));
