// POST/DELETE /v1/projects/{ref}/cli/login-role (Supabase Management API): the CLI's temporary login role.
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const POST = apiRoute(operations.createLoginRole, ({ api, principal, params, body }) =>
  api.writes.createLoginRole(principal, params.ref, body.read_only),
);
export const DELETE = apiRoute(operations.deleteLoginRoles, ({ api, principal, params }) => api.writes.deleteLoginRoles(principal, params.ref));
