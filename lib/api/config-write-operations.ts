// The operations that change a project's database access and configuration
// (lib/api/config-write-api.ts), spread into the one operation table
// (lib/api/operations.ts). Paths, operation ids, methods and success statuses
// are upstream's (supabase/cli packages/api/src/generated/openapi.json,
// commit 627e534b4f2b5f2f367e7e9a46fc4a0975a92ebe): upstream changes the
// Postgres settings with PUT, not PATCH, and answers a Storage update with
// 200 and no body. Owner only.
import { op } from "@/lib/api/operation";
import { noQuery, refParams } from "@/lib/api/schemas";
import { postgresConfigSchema } from "@/lib/api/settings-schemas";
import {
  analyticsResponseSchema,
  logsQuerySchema,
  createRoleBodySchema,
  createRoleResponseSchema,
  deleteRolesResponseSchema,
  updatePostgresConfigBodySchema,
  updateStorageConfigBodySchema,
} from "@/lib/api/config-write-schemas";

const OWNER_ONLY = "Owner only.";

export const configWriteOperations = {
  createLoginRole: op({
    method: "POST",
    path: "/v1/projects/{ref}/cli/login-role",
    operationId: "v1-create-login-role",
    summary: "[Beta] Create a login role for CLI with temporary password",
    description:
      "A new Postgres role (cli_login_…) that can log in for ttl_seconds (VALID UNTIL), with a random password shown once; " +
      "read_only false makes it a member of postgres (the CLI then runs SET SESSION ROLE postgres). Expired roles are dropped on the next create or delete; " +
      `at most 10 live per project (429 past that). The project must be active. ${OWNER_ONLY}`,
    tag: "Database",
    auth: true,
    params: refParams,
    query: noQuery,
    body: createRoleBodySchema,
    success: { status: 201, description: "The role and its password.", schema: createRoleResponseSchema },
    errors: [400, 404, 409],
  }),
  deleteLoginRoles: op({
    method: "DELETE",
    path: "/v1/projects/{ref}/cli/login-role",
    operationId: "v1-delete-login-roles",
    summary: "[Beta] Delete existing login roles used by CLI",
    description: `Drops every cli_login_ role of the project (objects they own go to postgres). Idempotent. ${OWNER_ONLY}`,
    tag: "Database",
    auth: true,
    params: refParams,
    query: noQuery,
    success: { status: 200, description: "Done.", schema: deleteRolesResponseSchema },
    errors: [400, 404, 409],
  }),
  updateStorageConfig: op({
    method: "PATCH",
    path: "/v1/projects/{ref}/config/storage",
    operationId: "v1-update-storage-config",
    summary: "Updates project's storage config",
    description:
      "Sets the largest upload (fileSizeLimit, a whole number of MiB up to the plan's limit); restarts only Storage. " +
      `The features and external target are accepted only as GET reports them (400 naming the field otherwise). ${OWNER_ONLY}`,
    tag: "Storage",
    auth: true,
    params: refParams,
    query: noQuery,
    body: updateStorageConfigBodySchema,
    success: { status: 200, description: "Saved (no body, as upstream)." },
    errors: [400, 404, 409],
  }),
  updatePostgresConfig: op({
    method: "PUT",
    path: "/v1/projects/{ref}/config/database/postgres",
    operationId: "v1-update-postgres-config",
    summary: "Updates project's Postgres config",
    description:
      "Changes statement_timeout (100 ms–1 h), work_mem (64kB–256MB) and maintenance_work_mem (1MB–1GB) with ALTER SYSTEM and a reload; nothing restarts. " +
      `Every other field of upstream's body is refused with 400 naming it. The project must be active. ${OWNER_ONLY}`,
    tag: "Database",
    auth: true,
    params: refParams,
    query: noQuery,
    body: updatePostgresConfigBodySchema,
    success: { status: 200, description: "The settings as the database now reports them.", schema: postgresConfigSchema },
    errors: [400, 404, 409],
  }),
  getProjectLogs: op({
    method: "GET",
    path: "/v1/projects/{ref}/analytics/endpoints/logs.all",
    operationId: "v1-get-project-logs",
    summary: "Gets project's logs",
    description:
      "The project's containers' own logs for simple queries (see sql): the rows carry id, timestamp (microseconds) and event_message. " +
      "Supafleet does not query Logflare, with analytics on or off. The range is at most 24 hours (the last minute by default); at most 5000 lines per container are read. " +
      OWNER_ONLY,
    tag: "Analytics",
    auth: true,
    params: refParams,
    query: logsQuerySchema,
    success: { status: 200, description: "The rows.", schema: analyticsResponseSchema },
    errors: [400, 404],
  }),
};
