// GET /v1/projects/{ref}/api-keys (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.getProjectApiKeys, ({ api, principal, params, query }) => api.apiKeys(principal, params.ref, query.reveal));
