// A custom hostname in upstream's UpdateCustomHostnameResponse shape (the
// fields Supabase fills from its certificate provider, filled from ours). Pure.
import type { z } from "zod";
import type { updateCustomHostnameResponseSchema } from "@/lib/api/custom-hostname-operations";
import { HOSTNAME_STATUS } from "@/lib/domains/status";
import type { CustomDomainView } from "@/lib/domains/service";

export type V1CustomHostname = z.infer<typeof updateCustomHostnameResponseSchema>;

export function v1CustomHostname(v: CustomDomainView): V1CustomHostname {
  const txt = v.records.find((r) => r.type === "TXT")!;
  const certified = v.status === HOSTNAME_STATUS.originReady || v.status === HOSTNAME_STATUS.active;
  return {
    status: v.status,
    custom_hostname: v.hostname,
    data: {
      success: true,
      errors: [],
      messages: [],
      result: {
        id: v.ref,
        hostname: v.hostname,
        ssl: {
          status: certified ? "active" : v.status === HOSTNAME_STATUS.verified ? "pending_issuance" : "pending_validation",
          // The certificate is validated by HTTP-01 through the CNAME: no TXT record of the CA's to create.
          validation_records: [],
        },
        ownership_verification: { type: "txt", name: txt.name, value: txt.value },
        custom_origin_server: v.target,
        ...(v.lastError ? { verification_errors: [v.lastError] } : {}),
        status: v.status === HOSTNAME_STATUS.active ? "active" : "pending",
      },
    },
  };
}
