// The answer to an upstream Management API operation Supafleet does not
// serve: 403 naming the operation once the token is checked (so a stranger
// learns nothing without one), or a JSON 404 for a path upstream lacks too.
// The catch-all route uses it, and so does every route file for the methods
// upstream has on its path that Supafleet does not serve (Next would
// otherwise answer them with a bare 405).
import { authenticateCaller, errorResponse } from "@/lib/api/handler";
import { unsupportedMessage, upstreamOperationFor } from "@/lib/api/unsupported";
import { FeatureUnavailableError, NotFoundError } from "@/lib/errors";

export async function notServed(req: Request): Promise<Response> {
  const op = upstreamOperationFor(req.method, new URL(req.url).pathname);
  if (!op) return errorResponse(new NotFoundError("Supafleet does not serve this Management API endpoint. See /v1/openapi.json for the ones it does."));
  try {
    await authenticateCaller(req);
  } catch (err) {
    return errorResponse(err);
  }
  return errorResponse(new FeatureUnavailableError(unsupportedMessage(op)));
}
