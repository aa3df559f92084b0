// GET/POST/DELETE /v1/projects/{ref}/secrets (Supabase Management API): the Edge Functions' secrets.
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.listSecrets, ({ api, principal, params }) => api.listSecrets(principal, params.ref));
export const POST = apiRoute(operations.createSecrets, ({ api, principal, params, body }) => api.createSecrets(principal, params.ref, body));
export const DELETE = apiRoute(operations.deleteSecrets, ({ api, principal, params, body }) => api.deleteSecrets(principal, params.ref, body));
