// GET /v1/projects/{ref}/analytics/endpoints/logs.all (Supabase Management API): logs, from the containers' own.
import { apiRoute, type RouteContext } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

const get = apiRoute(operations.getProjectLogs, ({ api, principal, params, query }) => api.logs.logs(principal, params.ref, query));
// Next types this folder's params as unknown (the dot in "logs.all"); the operation's schema validates them.
export const GET = (req: Request, ctx: { params: Promise<unknown> }) => get(req, ctx as RouteContext);
