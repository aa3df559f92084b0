// Upstream operations for features Supafleet does not offer, answered as
// upstream answers a project without the feature (so `supabase
// ssl-enforcement get`, `network-restrictions get`, `branches list`, … tell
// the truth instead of failing), plus the PostgREST settings the template
// fixes and the disk's read-only state. Paths, ids and shapes are upstream's
// (supabase/cli packages/api/src/generated/openapi.json, commit
// 627e534b4f2b5f2f367e7e9a46fc4a0975a92ebe). Owner only.
import { op } from "@/lib/api/operation";
import { noQuery, refParams } from "@/lib/api/schemas";
import {
  branchListSchema,
  networkRestrictionsSchema,
  postgrestConfigSchema,
  readOnlyStatusSchema,
  sslEnforcementSchema,
  vanitySubdomainSchema,
} from "@/lib/api/settings-schemas";

const read = <S extends Parameters<typeof op>[0]["success"]["schema"]>(o: {
  path: string;
  operationId: string;
  summary: string;
  description: string;
  tag: "Database" | "Projects" | "Secrets";
  schema: S;
}) =>
  op({
    method: "GET",
    path: o.path,
    operationId: o.operationId,
    summary: o.summary,
    description: `${o.description} Owner only.`,
    tag: o.tag,
    auth: true,
    params: refParams,
    query: noQuery,
    success: { status: 200, description: o.summary, schema: o.schema },
    errors: [400, 404],
  });

export const featureOperations = {
  getSslEnforcement: read({
    path: "/v1/projects/{ref}/ssl-enforcement",
    operationId: "v1-get-ssl-enforcement-config",
    summary: "[Beta] Get project's SSL enforcement configuration.",
    description: "Supafleet does not enforce TLS to Postgres (the pooler offers it when the installation has a pooler certificate).",
    tag: "Database",
    schema: sslEnforcementSchema,
  }),
  getNetworkRestrictions: read({
    path: "/v1/projects/{ref}/network-restrictions",
    operationId: "v1-get-network-restrictions",
    summary: "[Beta] Gets project's network restrictions",
    description: "Not offered: every address may connect to the database port.",
    tag: "Database",
    schema: networkRestrictionsSchema,
  }),
  getPostgrestConfig: read({
    path: "/v1/projects/{ref}/postgrest",
    operationId: "v1-get-postgrest-service-config",
    summary: "Gets project's postgrest config",
    description: "The template's PostgREST settings; they cannot be changed per project.",
    tag: "Projects",
    schema: postgrestConfigSchema,
  }),
  getVanitySubdomain: read({
    path: "/v1/projects/{ref}/vanity-subdomain",
    operationId: "v1-get-vanity-subdomain-config",
    summary: "[Beta] Gets current vanity subdomain config",
    description: "Not offered: not-used.",
    tag: "Projects",
    schema: vanitySubdomainSchema,
  }),
  getReadOnlyMode: read({
    path: "/v1/projects/{ref}/readonly",
    operationId: "v1-get-readonly-mode-status",
    summary: "Returns project's readonly mode status",
    description: "Read-only when the database's disk passed the plan's line; writable again under it.",
    tag: "Database",
    schema: readOnlyStatusSchema,
  }),
  listBranches: read({
    path: "/v1/projects/{ref}/branches",
    operationId: "v1-list-all-branches",
    summary: "List all database branches",
    description: "Supafleet has no branching: always empty.",
    tag: "Projects",
    schema: branchListSchema,
  }),
};
