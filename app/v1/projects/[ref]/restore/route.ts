// POST /v1/projects/{ref}/restore (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const POST = apiRoute(operations.restoreProject, ({ api, principal, params }) => api.restoreProject(principal, params.ref));
