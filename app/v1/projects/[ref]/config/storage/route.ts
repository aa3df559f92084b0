// GET and PATCH /v1/projects/{ref}/config/storage (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.getStorageConfig, ({ api, principal, params }) => api.settings.storageConfig(principal, params.ref));
export const PATCH = apiRoute(operations.updateStorageConfig, ({ api, principal, params, body }) =>
  api.writes.updateStorageConfig(principal, params.ref, body),
);
