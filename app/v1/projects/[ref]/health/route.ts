// GET /v1/projects/{ref}/health (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.getServicesHealth, ({ api, principal, params, query }) => api.servicesHealth(principal, params.ref, query.services));
