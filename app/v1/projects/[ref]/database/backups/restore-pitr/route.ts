// POST /v1/projects/{ref}/database/backups/restore-pitr (Supabase Management API): restore to a point in time.
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const POST = apiRoute(operations.restorePitr, ({ api, principal, params, body }) => api.settings.restorePitr(principal, params.ref, body));
