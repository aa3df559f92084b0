// POST /v1/projects/{ref}/functions/deploy (Supabase Management API): multipart, as `supabase functions deploy --use-api` sends it.
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const POST = apiRoute(operations.deployFunction, ({ api, principal, params, query, request }) =>
  api.deployFunction(principal, params.ref, query.slug, request),
);
