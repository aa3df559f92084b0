// POST /v1/projects/{ref}/pause (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const POST = apiRoute(operations.pauseProject, ({ api, principal, params }) => api.pauseProject(principal, params.ref));
