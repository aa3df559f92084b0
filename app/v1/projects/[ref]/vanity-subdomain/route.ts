// GET /v1/projects/{ref}/vanity-subdomain (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.getVanitySubdomain, ({ api, principal, params }) => api.settings.vanitySubdomain(principal, params.ref));
