// A custom hostname in upstream's UpdateCustomHostnameResponse shape (the
// fields Supabase fills from its certificate provider, filled from ours). Pure.
// The Supabase CLI's `domains` commands print from it (supabase/cli
// apps/cli-go/internal/hostnames/common.go PrintStatus, @1d1e7191): for
// 2_initiated and 3_challenge_verified they show the ONE record in
// ssl.validation_records as the TXT record to create (a list of another length
// is an error to them), and ssl.status "initializing" as "request
// re-verification in a few seconds", which is what 3_challenge_verified means
// here (the certificate is being issued).
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
          status: certified ? "active" : v.status === HOSTNAME_STATUS.verified ? "initializing" : "pending_validation",
          // Our ownership record, where the CLI looks; once verified there is nothing outstanding.
          validation_records: v.status === HOSTNAME_STATUS.initiated ? [{ txt_name: txt.name, txt_value: txt.value }] : [],
        },
        ownership_verification: { type: "txt", name: txt.name, value: txt.value },
        custom_origin_server: v.target,
        ...(v.lastError ? { verification_errors: [v.lastError] } : {}),
        status: v.status === HOSTNAME_STATUS.active ? "active" : "pending",
      },
    },
  };
}
