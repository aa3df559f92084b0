// POST /v1/projects/{ref}/custom-hostname/activate (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { v1CustomHostname } from "@/lib/api/custom-hostname";
import { getCustomDomainService } from "@/lib/services";

export const POST = apiRoute(operations.activateCustomHostname, async ({ principal, params }) =>
  v1CustomHostname(await getCustomDomainService().activate(principal.user, params.ref)),
);
