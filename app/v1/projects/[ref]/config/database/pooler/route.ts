// GET /v1/projects/{ref}/config/database/pooler (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.getPoolerConfig, ({ api, principal, params }) => api.settings.poolerConfig(principal, params.ref));
