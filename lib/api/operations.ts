// Every Management API operation Supafleet serves, described once: the route
// files (app/v1/**/route.ts) validate with these schemas, and the OpenAPI
// document (lib/api/openapi.ts) is generated from the same objects. Paths and
// operationIds are Supabase's, so generated clients find them.
import { z } from "zod";
import {
  apiKeySchema,
  apiKeysQuerySchema,
  authConfigSchema,
  createProjectBodySchema,
  healthQuerySchema,
  noParams,
  noQuery,
  organizationSchema,
  projectRefResponseSchema,
  projectSchema,
  projectWithDatabaseSchema,
  queryResultSchema,
  refParams,
  runQueryBodySchema,
  serviceHealthSchema,
  updateAuthConfigBodySchema,
} from "@/lib/api/schemas";

export type HttpMethod = "GET" | "POST" | "DELETE" | "PATCH";

export interface ApiOperation<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType | undefined = z.ZodType | undefined> {
  method: HttpMethod;
  /** OpenAPI form: /v1/projects/{ref}. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: "Projects" | "Organizations" | "Database" | "Secrets" | "Auth" | "Meta";
  /** false only for the document itself. */
  auth: boolean;
  params: P;
  query: Q;
  body: B;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  success: { status: 200 | 201; description: string; schema?: z.ZodType };
  /** Error statuses this operation can answer with (401 and 429 come with auth). */
  errors: number[];
}

function op<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType | undefined = undefined>(
  o: Omit<ApiOperation<P, Q, B>, "maxBodyBytes" | "body"> & { body?: B; maxBodyBytes?: number },
): ApiOperation<P, Q, B> {
  return { ...o, body: o.body as B, maxBodyBytes: o.maxBodyBytes ?? 64 * 1024 };
}

export const operations = {
  listProjects: op({
    method: "GET",
    path: "/v1/projects",
    operationId: "v1-list-all-projects",
    summary: "List all projects",
    description: "Your projects; with an admin token, every project on this server.",
    tag: "Projects",
    auth: true,
    params: noParams,
    query: noQuery,
    success: { status: 200, description: "The projects, newest first.", schema: z.array(projectWithDatabaseSchema) },
    errors: [],
  }),
  createProject: op({
    method: "POST",
    path: "/v1/projects",
    operationId: "v1-create-a-project",
    summary: "Create a project",
    description: "Starts a new stack, as the dashboard's New project does: same quota, same checks. The project is COMING_UP until healthy.",
    tag: "Projects",
    auth: true,
    params: noParams,
    query: noQuery,
    body: createProjectBodySchema,
    success: { status: 201, description: "The project, COMING_UP.", schema: projectSchema },
    errors: [400, 403, 404, 503],
  }),
  getProject: op({
    method: "GET",
    path: "/v1/projects/{ref}",
    operationId: "v1-get-project",
    summary: "Gets a specific project that belongs to the authenticated user",
    tag: "Projects",
    auth: true,
    params: refParams,
    query: noQuery,
    success: { status: 200, description: "The project.", schema: projectWithDatabaseSchema },
    errors: [400, 404],
  }),
  deleteProject: op({
    method: "DELETE",
    path: "/v1/projects/{ref}",
    operationId: "v1-delete-a-project",
    summary: "Deletes the given project",
    description: "Removes the stack and its data for good, as the dashboard's delete does.",
    tag: "Projects",
    auth: true,
    params: refParams,
    query: noQuery,
    success: { status: 200, description: "The deleted project.", schema: projectRefResponseSchema },
    errors: [400, 404, 409],
  }),
  pauseProject: op({
    method: "POST",
    path: "/v1/projects/{ref}/pause",
    operationId: "v1-pause-a-project",
    summary: "Pauses the given project",
    description: "Stops the containers and keeps the data; answers when the project is INACTIVE.",
    tag: "Projects",
    auth: true,
    params: refParams,
    query: noQuery,
    success: { status: 200, description: "Paused (no body, as in Supabase's API)." },
    errors: [400, 404, 409],
  }),
  restoreProject: op({
    method: "POST",
    path: "/v1/projects/{ref}/restore",
    operationId: "v1-restore-a-project",
    summary: "Restores the given project",
    description: "Starts a paused project again; it is RESTORING until healthy. A project an administrator paused is resumed only by an administrator (403).",
    tag: "Projects",
    auth: true,
    params: refParams,
    query: noQuery,
    success: { status: 200, description: "Restoring (no body, as in Supabase's API)." },
    errors: [400, 403, 404, 409],
  }),
  getServicesHealth: op({
    method: "GET",
    path: "/v1/projects/{ref}/health",
    operationId: "v1-get-services-health",
    summary: "Gets project's service health status",
    tag: "Projects",
    auth: true,
    params: refParams,
    query: healthQuerySchema,
    success: { status: 200, description: "One entry per requested service.", schema: z.array(serviceHealthSchema) },
    errors: [400, 404],
  }),
  getProjectApiKeys: op({
    method: "GET",
    path: "/v1/projects/{ref}/api-keys",
    operationId: "v1-get-project-api-keys",
    summary: "Get project api keys",
    description:
      "The legacy anon and service_role keys, and on projects with the new keys (template 2026.09-r1, or upgraded to it) the publishable and secret keys. " +
      "The secret key's api_key is its 15-character prefix unless reveal=true. Owner only: an admin token does not read other users' keys (the admin console does not show them either).",
    tag: "Secrets",
    auth: true,
    params: refParams,
    query: apiKeysQuerySchema,
    success: { status: 200, description: "The project's API keys.", schema: z.array(apiKeySchema) },
    errors: [400, 404],
  }),
  getAuthConfig: op({
    method: "GET",
    path: "/v1/projects/{ref}/config/auth",
    operationId: "v1-get-auth-service-config",
    summary: "Gets project's auth config",
    description:
      "The project's Auth settings, as on the project page: site_url, uri_allow_list, mailer_autoconfirm and the smtp_ fields (smtp_pass always null). " +
      "Supabase's other Auth fields are not part of the answer: Supafleet does not have them. Owner only.",
    tag: "Auth",
    auth: true,
    params: refParams,
    query: noQuery,
    success: { status: 200, description: "The supported subset of Supabase's AuthConfigResponse.", schema: authConfigSchema },
    errors: [400, 404],
  }),
  updateAuthConfig: op({
    method: "PATCH",
    path: "/v1/projects/{ref}/config/auth",
    operationId: "v1-update-auth-service-config",
    summary: "Updates a project's auth config",
    description:
      "Changes the given Auth settings and keeps the others. Only site_url, uri_allow_list, mailer_autoconfirm and the smtp_ fields (admin_email, host, port, user, pass, sender_name) are supported; " +
      "any other field of Supabase's UpdateAuthConfigBody is refused with 400 naming it. Saving makes only the project's auth container again (a paused project gets the settings when it starts). Owner only.",
    tag: "Auth",
    auth: true,
    params: refParams,
    query: noQuery,
    body: updateAuthConfigBodySchema,
    success: { status: 200, description: "The settings now stored (auth may still be restarting with them).", schema: authConfigSchema },
    errors: [400, 404, 409, 413],
  }),
  runQuery: op({
    method: "POST",
    path: "/v1/projects/{ref}/database/query",
    operationId: "v1-run-a-query",
    summary: "[Beta] Run sql query",
    description: "Runs SQL in the project's Postgres as the postgres role. Owner only.",
    tag: "Database",
    auth: true,
    params: refParams,
    query: noQuery,
    body: runQueryBodySchema,
    maxBodyBytes: 1_100_000,
    success: { status: 201, description: "The rows of the last statement that returned any.", schema: queryResultSchema },
    errors: [400, 404, 409, 413],
  }),
  listOrganizations: op({
    method: "GET",
    path: "/v1/organizations",
    operationId: "v1-list-all-organizations",
    summary: "List all organizations",
    description: "Every Supafleet user has one organization: its own projects.",
    tag: "Organizations",
    auth: true,
    params: noParams,
    query: noQuery,
    success: { status: 200, description: "Your organization.", schema: z.array(organizationSchema) },
    errors: [],
  }),
  openApiDocument: op({
    method: "GET",
    path: "/v1/openapi.json",
    operationId: "supafleet-get-openapi-document",
    summary: "This document",
    description: "The OpenAPI 3.0 description of Supafleet's Management API. No token needed.",
    tag: "Meta",
    auth: false,
    params: noParams,
    query: noQuery,
    success: { status: 200, description: "The OpenAPI document." },
    errors: [],
  }),
} as const;

export type OperationName = keyof typeof operations;
export const allOperations: ApiOperation[] = Object.values(operations);
