// GET/DELETE/PATCH /v1/projects/{ref} (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.getProject, ({ api, principal, params }) => api.getProject(principal, params.ref));
export const DELETE = apiRoute(operations.deleteProject, ({ api, principal, params }) => api.deleteProject(principal, params.ref));
export const PATCH = apiRoute(operations.updateProject, ({ api, principal, params, body }) => api.settings.rename(principal, params.ref, body.name));
