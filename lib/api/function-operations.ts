// The Edge Functions and secrets operations of the one operation table
// (lib/api/operations.ts spreads them in). Paths, operation ids, parameters
// and success statuses are upstream's (supabase/cli
// packages/api/src/generated/openapi.json, commit
// 627e534b4f2b5f2f367e7e9a46fc4a0975a92ebe). All are owner only, as the
// project's API keys: an admin token does not read or change another user's
// functions or secrets.
import { z } from "zod";
import {
  bulkUpdateFunctionBodySchema,
  bulkUpdateFunctionResponseSchema,
  createSecretBodySchema,
  deleteSecretsBodySchema,
  deployFunctionResponseSchema,
  deployMetadataSchema,
  deployQuerySchema,
  functionResponseSchema,
  functionSlugParams,
  functionSlugResponseSchema,
  secretResponseSchema,
  updateFunctionBodySchema,
  updateFunctionQuerySchema,
} from "@/lib/api/function-schemas";
import { noQuery, refParams } from "@/lib/api/schemas";
import { op } from "@/lib/api/operation";

const OWNER_ONLY = "Owner only.";

export const functionOperations = {
  listSecrets: op({
    method: "GET",
    path: "/v1/projects/{ref}/secrets",
    operationId: "v1-list-all-secrets",
    summary: "List all secrets",
    description: `The Edge Functions' secrets: names and a digest (hex SHA-256) of each value, never the value. ${OWNER_ONLY}`,
    tag: "Secrets",
    auth: true,
    params: refParams,
    query: noQuery,
    success: { status: 200, description: "The secrets, by name.", schema: z.array(secretResponseSchema) },
    errors: [400, 404],
  }),
  createSecrets: op({
    method: "POST",
    path: "/v1/projects/{ref}/secrets",
    operationId: "v1-bulk-create-secrets",
    summary: "Bulk create secrets",
    description:
      "Sets (adds or replaces) the given secrets; the others stay. They are environment variables of the functions container only: saving makes only that container again " +
      `(a paused project gets them when it starts). At most 100 per project. ${OWNER_ONLY}`,
    tag: "Secrets",
    auth: true,
    params: refParams,
    query: noQuery,
    body: createSecretBodySchema,
    maxBodyBytes: 4 * 1024 * 1024,
    success: { status: 201, description: "Saved (no body, as upstream)." },
    errors: [400, 404, 409, 413],
  }),
  deleteSecrets: op({
    method: "DELETE",
    path: "/v1/projects/{ref}/secrets",
    operationId: "v1-bulk-delete-secrets",
    summary: "Bulk delete secrets",
    description: `Removes the named secrets (names not set are ignored); functions is made again without them. ${OWNER_ONLY}`,
    tag: "Secrets",
    auth: true,
    params: refParams,
    query: noQuery,
    body: deleteSecretsBodySchema,
    success: { status: 200, description: "Deleted (no body, as upstream)." },
    errors: [400, 404, 409, 413],
  }),
  listFunctions: op({
    method: "GET",
    path: "/v1/projects/{ref}/functions",
    operationId: "v1-list-all-functions",
    summary: "List all functions",
    description: `The functions deployed through this API (the template's own main router and hello example are not listed). ${OWNER_ONLY}`,
    tag: "Edge Functions",
    auth: true,
    params: refParams,
    query: noQuery,
    success: { status: 200, description: "The functions, by slug.", schema: z.array(functionResponseSchema) },
    errors: [400, 404],
  }),
  bulkUpdateFunctions: op({
    method: "PUT",
    path: "/v1/projects/{ref}/functions",
    operationId: "v1-bulk-update-functions",
    summary: "Bulk update functions",
    description:
      "Sets the name and verify_jwt of functions already deployed (the CLI's last step of a deploy of several functions). Only status ACTIVE; a slug never deployed is a 404. " +
      OWNER_ONLY,
    tag: "Edge Functions",
    auth: true,
    params: refParams,
    query: noQuery,
    body: bulkUpdateFunctionBodySchema,
    success: { status: 200, description: "The functions as now stored.", schema: bulkUpdateFunctionResponseSchema },
    errors: [400, 404, 409],
  }),
  deployFunction: op({
    method: "POST",
    path: "/v1/projects/{ref}/functions/deploy",
    operationId: "v1-deploy-a-function",
    summary: "Deploy a function",
    description:
      "Creates or replaces a function from a multipart/form-data body, as `supabase functions deploy --use-api` sends it: a metadata field (JSON: entrypoint_path, import_map_path, " +
      "verify_jwt, name, static_patterns) and one file part per file, its filename the file's relative path. Served at once at /functions/v1/<slug>. " +
      "Refused: the slugs main (the router) and hello (the template's example), paths that are absolute or contain .., more than 1000 files, " +
      `and more bytes of files than the installation's per-function limit (SUPAFLEET_FUNCTION_MAX_MB, default 20). ${OWNER_ONLY}`,
    tag: "Edge Functions",
    auth: true,
    params: refParams,
    query: deployQuerySchema,
    multipartBody: z.object({ file: z.array(z.string()).optional(), metadata: deployMetadataSchema }),
    success: { status: 201, description: "The function as deployed.", schema: deployFunctionResponseSchema },
    errors: [400, 404, 409, 413],
  }),
  getFunction: op({
    method: "GET",
    path: "/v1/projects/{ref}/functions/{function_slug}",
    operationId: "v1-get-a-function",
    summary: "Retrieve a function",
    description: OWNER_ONLY,
    tag: "Edge Functions",
    auth: true,
    params: functionSlugParams,
    query: noQuery,
    success: { status: 200, description: "The function.", schema: functionSlugResponseSchema },
    errors: [400, 404],
  }),
  updateFunction: op({
    method: "PATCH",
    path: "/v1/projects/{ref}/functions/{function_slug}",
    operationId: "v1-update-a-function",
    summary: "Update a function",
    description:
      "Changes the name or verify_jwt (JSON body, or the name and verify_jwt query parameters; the body wins). Code is changed with POST …/functions/deploy: " +
      `a body field is refused, and so are upstream's eszip bodies. ${OWNER_ONLY}`,
    tag: "Edge Functions",
    auth: true,
    params: functionSlugParams,
    query: updateFunctionQuerySchema,
    body: updateFunctionBodySchema,
    success: { status: 200, description: "The function as now stored.", schema: functionResponseSchema },
    errors: [400, 404, 409, 413],
  }),
  deleteFunction: op({
    method: "DELETE",
    path: "/v1/projects/{ref}/functions/{function_slug}",
    operationId: "v1-delete-a-function",
    summary: "Delete a function",
    description: `Removes the function's files and record; it is no longer served. ${OWNER_ONLY}`,
    tag: "Edge Functions",
    auth: true,
    params: functionSlugParams,
    query: noQuery,
    success: { status: 200, description: "Deleted (no body, as upstream)." },
    errors: [400, 404, 409],
  }),
  getFunctionBody: op({
    method: "GET",
    path: "/v1/projects/{ref}/functions/{function_slug}/body",
    operationId: "v1-get-a-function-body",
    summary: "Retrieve a function body",
    description:
      "The function's files as multipart/form-data (a metadata part, then one file part per file named by its path), which `supabase functions download --use-api` reads. " +
      `Supafleet keeps files, not an eszip bundle, so it always answers multipart. ${OWNER_ONLY}`,
    tag: "Edge Functions",
    auth: true,
    params: functionSlugParams,
    query: noQuery,
    success: { status: 200, description: "The files.", schema: z.object({}), contentType: "multipart/form-data" },
    errors: [400, 404, 409],
  }),
};
