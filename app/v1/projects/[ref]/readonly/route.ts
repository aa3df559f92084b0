// GET /v1/projects/{ref}/readonly (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.getReadOnlyMode, ({ api, principal, params }) => api.settings.readOnlyMode(principal, params.ref));
