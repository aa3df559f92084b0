// GET/POST /v1/projects (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.listProjects, ({ api, principal }) => api.listProjects(principal));
export const POST = apiRoute(operations.createProject, ({ api, principal, body }) => api.createProject(principal, body));
