// POST /v1/projects/{ref}/custom-hostname/initialize (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { v1CustomHostname } from "@/lib/api/custom-hostname";
import { getCustomDomainService } from "@/lib/services";

export const POST = apiRoute(operations.initializeCustomHostname, async ({ principal, params, body }) =>
  v1CustomHostname(await getCustomDomainService().initialize(principal.user, params.ref, body)),
);
