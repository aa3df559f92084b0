// GET /v1/openapi.json: the API's OpenAPI document, generated from the
// schemas that validate its requests. Public, like Supabase's own.
import { errorResponse } from "@/lib/api/handler";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { getEnv, publicAppUrl } from "@/lib/env";

// The public URL, not the request's: behind nginx the app sees its own
// internal origin (http://localhost:3000), which no client can reach.
export function GET(): Response {
  try {
    return Response.json(buildOpenApiDocument({ serverUrl: publicAppUrl(getEnv()) }));
  } catch (err) {
    return errorResponse(err);
  }
}
