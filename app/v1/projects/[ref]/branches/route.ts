// GET /v1/projects/{ref}/branches (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.listBranches, ({ api, principal, params }) => api.settings.branches(principal, params.ref));
