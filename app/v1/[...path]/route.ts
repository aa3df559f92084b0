// Any other /v1 path. An operation of Supabase's Management API that
// Supafleet does not serve answers, once the token is checked, with a 403
// naming the operation and its feature (lib/api/unsupported.ts); a path
// upstream does not have either gets a JSON 404 in Supabase's error shape
// (not the HTML page).
// Not an operation: test/unit/api/openapi-routes.test.ts knows this file.
import { authenticateCaller, errorResponse } from "@/lib/api/handler";
import { unsupportedMessage, upstreamOperationFor } from "@/lib/api/unsupported";
import { FeatureUnavailableError, NotFoundError } from "@/lib/errors";

async function notServed(req: Request): Promise<Response> {
  const op = upstreamOperationFor(req.method, new URL(req.url).pathname);
  if (!op) return errorResponse(new NotFoundError("Supafleet does not serve this Management API endpoint. See /v1/openapi.json for the ones it does."));
  try {
    await authenticateCaller(req);
  } catch (err) {
    return errorResponse(err);
  }
  return errorResponse(new FeatureUnavailableError(unsupportedMessage(op)));
}

export const GET = notServed;
export const HEAD = notServed;
export const POST = notServed;
export const PUT = notServed;
export const PATCH = notServed;
export const DELETE = notServed;
