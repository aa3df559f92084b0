// Any other /v1 path: a JSON 404 in Supabase's error shape (not the HTML
// page), so a client calling an endpoint Supafleet lacks gets a clear answer.
// Not an operation: test/unit/api/openapi-routes.test.ts knows this file.
import { errorResponse } from "@/lib/api/handler";
import { NotFoundError } from "@/lib/errors";

function notSupported(): Response {
  return errorResponse(new NotFoundError("Supafleet does not serve this Management API endpoint. See /v1/openapi.json for the ones it does."));
}

export const GET = notSupported;
export const POST = notSupported;
export const PUT = notSupported;
export const PATCH = notSupported;
export const DELETE = notSupported;
