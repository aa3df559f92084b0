// GET/PUT /v1/projects/{ref}/functions (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.listFunctions, ({ api, principal, params }) => api.listFunctions(principal, params.ref));
export const PUT = apiRoute(operations.bulkUpdateFunctions, ({ api, principal, params, body }) => api.bulkUpdateFunctions(principal, params.ref, body));
