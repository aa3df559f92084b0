// GET /v1/projects/{ref}/types/typescript (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

export const GET = apiRoute(operations.generateTypescriptTypes, ({ api, principal, params, query }) =>
  api.settings.typescriptTypes(principal, params.ref, query.included_schemas),
);
