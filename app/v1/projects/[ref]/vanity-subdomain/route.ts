// GET /v1/projects/{ref}/vanity-subdomain (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { notServed } from "@/lib/api/not-served";

export const GET = apiRoute(operations.getVanitySubdomain, ({ api, principal, params }) => api.settings.vanitySubdomain(principal, params.ref));
// Upstream's other methods on this path, which Supafleet does not serve: a named 403.
export const DELETE = notServed;
