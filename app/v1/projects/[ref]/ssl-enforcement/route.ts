// GET /v1/projects/{ref}/ssl-enforcement (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.getSslEnforcement, ({ api, principal, params }) => api.settings.sslEnforcement(principal, params.ref));
