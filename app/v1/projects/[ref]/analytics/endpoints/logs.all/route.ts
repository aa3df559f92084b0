// GET /v1/projects/{ref}/analytics/endpoints/logs.all (Supabase Management API): logs, from the containers' own.
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.getProjectLogs, ({ api, principal, params, query }) => api.logs.logs(principal, params.ref, query));
