// A project's custom hostname, through upstream's operations and shapes
// (supabase/cli packages/api/src/generated/openapi.json, commit
// 627e534b4f2b5f2f367e7e9a46fc4a0975a92ebe: v1-get-hostname-config,
// v1-update-hostname-config, v1-verify-dns-config, v1-activate-custom-hostname,
// "v1-Delete hostname config"; UpdateCustomHostnameBody and
// UpdateCustomHostnameResponse). Owner only. The flow is lib/domains/service.ts.
import { z } from "zod";
import { op } from "@/lib/api/operation";
import { apiRegistry, noQuery, refParams } from "@/lib/api/schemas";
import { CUSTOM_HOSTNAME_STATUSES } from "@/lib/domains/status";

export const updateCustomHostnameBodySchema = z
  .object({ custom_hostname: z.string().min(1).max(253) })
  .register(apiRegistry, { id: "UpdateCustomHostnameBody", description: "The hostname to serve the project at, e.g. api.example.com." });

export const updateCustomHostnameResponseSchema = z
  .object({
    status: z.enum(CUSTOM_HOSTNAME_STATUSES),
    custom_hostname: z.string(),
    data: z.object({
      success: z.boolean(),
      errors: z.array(z.unknown()),
      messages: z.array(z.unknown()),
      result: z.object({
        id: z.string(),
        hostname: z.string(),
        ssl: z.object({
          status: z.string(),
          validation_records: z.array(z.object({ txt_name: z.string(), txt_value: z.string() })),
          validation_errors: z.array(z.object({ message: z.string() })).optional(),
        }),
        ownership_verification: z.object({ type: z.string(), name: z.string(), value: z.string() }),
        custom_origin_server: z.string(),
        verification_errors: z.array(z.string()).optional(),
        status: z.string(),
      }),
    }),
  })
  .register(apiRegistry, {
    id: "UpdateCustomHostnameResponse",
    description:
      "Upstream's shape. ownership_verification is the TXT record to create; custom_origin_server is what the hostname's CNAME points at (<ref>.<domain>).",
  });

const flow = (o: { method: "GET" | "POST" | "DELETE"; path: string; operationId: string; summary: string; description: string; status: 200 | 201 }) =>
  op({
    method: o.method,
    path: o.path,
    operationId: o.operationId,
    summary: o.summary,
    description: `${o.description} Owner only.`,
    tag: "Domains",
    auth: true,
    params: refParams,
    query: noQuery,
    success: { status: o.status, description: o.summary, schema: updateCustomHostnameResponseSchema },
    errors: [400, 404, 409],
  });

export const customHostnameOperations = {
  getCustomHostname: flow({
    method: "GET",
    path: "/v1/projects/{ref}/custom-hostname",
    operationId: "v1-get-hostname-config",
    summary: "[Beta] Gets project's custom hostname config",
    description: "The hostname, the DNS records to create and where it is in the flow.",
    status: 200,
  }),
  initializeCustomHostname: op({
    method: "POST",
    path: "/v1/projects/{ref}/custom-hostname/initialize",
    operationId: "v1-update-hostname-config",
    summary: "[Beta] Updates project's custom hostname configuration",
    description:
      "Names the hostname (no wildcard, no IP, nothing under this server's domain; one project per hostname) and answers with the CNAME and TXT records to create. Owner only.",
    tag: "Domains",
    auth: true,
    params: refParams,
    query: noQuery,
    body: updateCustomHostnameBodySchema,
    success: { status: 201, description: "The records to create; status 2_initiated.", schema: updateCustomHostnameResponseSchema },
    errors: [400, 404, 409],
  }),
  reverifyCustomHostname: flow({
    method: "POST",
    path: "/v1/projects/{ref}/custom-hostname/reverify",
    operationId: "v1-verify-dns-config",
    summary: "[Beta] Attempts to verify the DNS configuration for project's custom hostname configuration",
    description:
      "Looks the records up with the server's resolver. Found: 3_challenge_verified, then 4_origin_setup_completed once the certificate is issued. Not found: 409 naming what is missing, nothing changed.",
    status: 201,
  }),
  activateCustomHostname: flow({
    method: "POST",
    path: "/v1/projects/{ref}/custom-hostname/activate",
    operationId: "v1-activate-custom-hostname",
    summary: "[Beta] Activates a custom hostname for a project.",
    description: "Serves the project at the hostname; Auth and Storage restart with it as their public URL. Status 5_services_reconfigured.",
    status: 201,
  }),
  deleteCustomHostname: op({
    method: "DELETE",
    path: "/v1/projects/{ref}/custom-hostname",
    operationId: "v1-Delete hostname config",
    summary: "[Beta] Deletes a project's custom hostname configuration",
    description: "Removes the route, the certificate and the public URL change (Auth and Storage restart when it was active). Owner only.",
    tag: "Domains",
    auth: true,
    params: refParams,
    query: noQuery,
    success: { status: 200, description: "Deleted." },
    errors: [400, 404, 409],
  }),
};
