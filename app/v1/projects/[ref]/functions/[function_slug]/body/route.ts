// GET /v1/projects/{ref}/functions/{function_slug}/body (Supabase Management API): the function's files, multipart.
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.getFunctionBody, ({ api, principal, params }) => api.functionBody(principal, params.ref, params.function_slug));
