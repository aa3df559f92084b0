// GET /v1/projects/{ref}/billing/addons (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.listAddons, ({ api, principal, params }) => api.settings.addons(principal, params.ref));
