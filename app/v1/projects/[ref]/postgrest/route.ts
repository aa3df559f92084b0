// GET /v1/projects/{ref}/postgrest (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.getPostgrestConfig, ({ api, principal, params }) => api.settings.postgrestConfig(principal, params.ref));
