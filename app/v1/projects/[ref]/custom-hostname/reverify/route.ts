// POST /v1/projects/{ref}/custom-hostname/reverify (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { v1CustomHostname } from "@/lib/api/custom-hostname";
import { getCustomDomainService } from "@/lib/services";

export const POST = apiRoute(operations.reverifyCustomHostname, async ({ principal, params }) =>
  v1CustomHostname(await getCustomDomainService().reverify(principal.user, params.ref)),
);
