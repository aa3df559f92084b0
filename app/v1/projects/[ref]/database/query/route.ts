// POST /v1/projects/{ref}/database/query (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const POST = apiRoute(operations.runQuery, ({ api, principal, params, body }) => api.runQuery(principal, params.ref, body));
