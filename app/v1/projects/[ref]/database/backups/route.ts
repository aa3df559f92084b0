// GET /v1/projects/{ref}/database/backups (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.listBackups, ({ api, principal, params }) => api.settings.backups(principal, params.ref));
