// GET /v1/profile (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.getProfile, async ({ api, principal }) => api.settings.profile(principal));
