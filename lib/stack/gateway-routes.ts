// The project gateway's API routes, as the templates' gateways define them
// (Kong's routes in templates/supabase/2026.02-r1/volumes/api/kong.yml,
// Envoy's in templates/supabase/2026.09-r1/volumes/api/envoy/lds.template.yaml):
// every path that does not start with one of these prefixes falls through to
// the gateway's catch-all `/` route, which is Studio behind basic auth.
// nginx (lib/proxy/nginx-studio-blocks.ts) sends these straight to the
// gateway and puts only the rest behind the Studio gate, so API calls never
// pay the gate's subrequest. test/unit/stack/gateway-routes.test.ts reads both
// templates and fails if a gateway API route is not covered here, or if a
// prefix here would take a Studio route away from the gate.
export const GATEWAY_API_PREFIXES = [
  "/auth/v1/",
  "/rest/v1/",
  // Kong and Envoy both match it without a trailing slash.
  "/graphql/v1",
  "/realtime/v1/",
  "/storage/v1/",
  "/functions/v1/",
  "/pg/",
  // Envoy only (WELL_KNOWN_OAUTH_PATH, lib/stack/build-stack-spec.ts): Auth's RFC 8414 metadata.
  "/.well-known/oauth-authorization-server/auth/v1",
] as const;

/** Is `path` (a request's path) one of the gateway's API routes? */
export function isGatewayApiPath(path: string): boolean {
  return GATEWAY_API_PREFIXES.some((p) => path.startsWith(p));
}

/**
 * May the Studio gate hand the gateway's credential to a request whose raw
 * target (nginx's $request_uri) is this? nginx picks the location on the
 * decoded, normalised path; a gateway might route the raw one. So the raw
 * path must be plain: no dot segments, doubled slashes, backslashes or
 * encoded dots, slashes or backslashes, and not an API route in any letter
 * case. Studio's own paths are all plain; anything else goes on without the
 * credential (the gateway's basic auth still applies).
 */
export function isPlainStudioTarget(rawTarget: string): boolean {
  const path = rawTarget.split("?", 1)[0] ?? "";
  if (!path.startsWith("/") || path.includes("//") || path.includes("\\")) return false;
  if (/%(?:2e|2f|5c)/i.test(path)) return false;
  if (path.split("/").some((seg) => seg === "." || seg === "..")) return false;
  const lower = path.toLowerCase();
  return !GATEWAY_API_PREFIXES.some((p) => lower.startsWith(p.toLowerCase()));
}
