// GET/PATCH/DELETE /v1/projects/{ref}/functions/{function_slug} (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.getFunction, ({ api, principal, params }) => api.getFunction(principal, params.ref, params.function_slug));
export const PATCH = apiRoute(operations.updateFunction, ({ api, principal, params, query, body }) =>
  api.updateFunction(principal, params.ref, params.function_slug, { ...query, ...body }),
);
export const DELETE = apiRoute(operations.deleteFunction, ({ api, principal, params }) => api.deleteFunction(principal, params.ref, params.function_slug));
