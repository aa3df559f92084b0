// GET /v1/projects/{ref}/network-restrictions (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.getNetworkRestrictions, ({ api, principal, params }) => api.settings.networkRestrictions(principal, params.ref));
