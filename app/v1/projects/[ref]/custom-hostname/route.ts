// GET and DELETE /v1/projects/{ref}/custom-hostname (Supabase Management API).
import { apiRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { v1CustomHostname } from "@/lib/api/custom-hostname";
import { getCustomDomainService } from "@/lib/services";

export const GET = apiRoute(operations.getCustomHostname, async ({ principal, params }) =>
  v1CustomHostname(await getCustomDomainService().get(principal.user, params.ref)),
);
export const DELETE = apiRoute(operations.deleteCustomHostname, ({ principal, params }) => getCustomDomainService().remove(principal.user, params.ref));
