// GET /v1/openapi.json: the API's OpenAPI document, generated from the
// schemas that validate its requests. Public, like Supabase's own.
import { errorResponse } from "@/lib/api/handler";
import { buildOpenApiDocument } from "@/lib/api/openapi";

export function GET(req: Request): Response {
  try {
    return Response.json(buildOpenApiDocument({ serverUrl: new URL(req.url).origin }));
  } catch (err) {
    return errorResponse(err);
  }
}
