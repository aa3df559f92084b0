// The Edge Functions and secrets operations' shapes, as upstream's OpenAPI
// document has them (supabase/cli packages/api/src/generated/openapi.json,
// commit 627e534b4f2b5f2f367e7e9a46fc4a0975a92ebe; excerpt in
// test/fixtures/upstream-openapi-functions.json): SecretResponse,
// CreateSecretBody, DeleteSecretsBody, FunctionResponse, FunctionSlugResponse,
// DeployFunctionResponse, FunctionDeployBody's metadata, BulkUpdateFunctionBody
// and BulkUpdateFunctionResponse. Where Supafleet is stricter, the field says so.
import { z } from "zod";
import { apiRegistry, projectRefSchema } from "@/lib/api/schemas";
import { MAX_FUNCTION_SECRETS } from "@/lib/functions/secrets";

// ---- secrets --------------------------------------------------------------------

export const secretResponseSchema = z
  .object({
    name: z.string(),
    value: z.string().register(apiRegistry, { description: "A digest of the value (hex SHA-256), never the value." }),
    updated_at: z.string().optional(),
  })
  .register(apiRegistry, { id: "SecretResponse" });

const secretName = z
  .string()
  .max(256)
  .regex(/^(?!SUPABASE_)/, "Secret names must not start with SUPABASE_.")
  // Stricter than upstream's "^(?!SUPABASE_).*": each secret is an environment variable of the functions container.
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "Use letters, digits and _ (not first): the name of an environment variable.")
  .register(apiRegistry, { description: "Must not start with SUPABASE_ (nor SUPAFLEET_); an environment variable name." });

export const createSecretBodySchema = z
  .array(
    z.strictObject({
      name: secretName,
      value: z
        .string()
        .max(24576)
        .regex(/^[^\0]*$/, "A value cannot contain NUL characters (environment variables cannot)."),
    }),
  )
  .max(MAX_FUNCTION_SECRETS)
  .register(apiRegistry, { id: "CreateSecretBody" });

export const deleteSecretsBodySchema = z.array(z.string().max(256)).max(1000).register(apiRegistry, { id: "DeleteSecretsBody" });

// ---- functions ------------------------------------------------------------------

export const functionSlugSchema = z
  .string()
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, "Not a valid function slug.")
  .register(apiRegistry, { description: "Function slug" });
export const functionSlugParams = z.strictObject({ ref: projectRefSchema, function_slug: functionSlugSchema });

const functionStatus = z.enum(["ACTIVE", "REMOVED", "THROTTLED"]);

function functionFields() {
  return {
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    status: functionStatus,
    version: z.int(),
    created_at: z.int().register(apiRegistry, { description: "Milliseconds since the epoch (the CLI reads time.UnixMilli)." }),
    updated_at: z.int().register(apiRegistry, { description: "Milliseconds since the epoch." }),
    verify_jwt: z.boolean().optional(),
    import_map: z.boolean().optional(),
    entrypoint_path: z.string().optional(),
    import_map_path: z.string().optional(),
    ezbr_sha256: z.string().optional().register(apiRegistry, { description: "SHA-256 of the deployed files (Supafleet keeps files, not an eszip bundle)." }),
  };
}

export const functionResponseSchema = z.object(functionFields()).register(apiRegistry, { id: "FunctionResponse" });
export const functionSlugResponseSchema = z.object(functionFields()).register(apiRegistry, { id: "FunctionSlugResponse" });
export const deployFunctionResponseSchema = z.object(functionFields()).register(apiRegistry, { id: "DeployFunctionResponse" });
export const bulkUpdateFunctionResponseSchema = z
  .object({ functions: z.array(z.object(functionFields())) })
  .register(apiRegistry, { id: "BulkUpdateFunctionResponse" });

const booleanString = z
  .enum(["true", "false"])
  .transform((v) => v === "true")
  .register(apiRegistry, { description: "Boolean string, true or false" });

export const deployQuerySchema = z.strictObject({
  slug: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, "Use a letter, then letters, digits, _ or -.")
    .optional(),
  bundleOnly: booleanString.optional().register(apiRegistry, {
    description: "Accepted; Supafleet has no separate activation step, so the function is served at once either way.",
  }),
});

/** FunctionDeployBody.metadata; `sha256` is what the CLI's FunctionDeployMetadata may add (apps/cli-go/pkg/function/api.go). */
export const deployMetadataSchema = z.strictObject({
  entrypoint_path: z.string().min(1).max(512),
  import_map_path: z.string().max(512).optional(),
  static_patterns: z.array(z.string().max(512)).max(100).optional(),
  verify_jwt: z.boolean().optional(),
  name: z.string().max(256).optional(),
  sha256: z.string().max(128).optional(),
});

export const updateFunctionQuerySchema = z.strictObject({
  name: z.string().max(256).optional(),
  verify_jwt: booleanString.optional(),
});

/** V1UpdateFunctionBody without `body`: code changes go through deploy. */
export const updateFunctionBodySchema = z
  .strictObject({
    name: z.string().min(1).max(256).optional(),
    verify_jwt: z.boolean().optional(),
  })
  .register(apiRegistry, { id: "V1UpdateFunctionBody", description: "name and verify_jwt; send code with POST /functions/deploy." });

export const bulkUpdateFunctionBodySchema = z
  .array(
    z.object({
      id: z.string(),
      slug: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/),
      name: z.string().max(256),
      status: functionStatus,
      version: z.int(),
      created_at: z.int().optional(),
      verify_jwt: z.boolean().optional(),
      import_map: z.boolean().optional(),
      entrypoint_path: z.string().optional(),
      import_map_path: z.string().optional(),
      ezbr_sha256: z.string().optional(),
    }),
  )
  .max(100)
  .register(apiRegistry, { id: "BulkUpdateFunctionBody" });

export type CreateSecretBody = z.output<typeof createSecretBodySchema>;
export type DeployMetadata = z.output<typeof deployMetadataSchema>;
export type BulkUpdateFunctionBody = z.output<typeof bulkUpdateFunctionBodySchema>;
export type V1Function = z.output<typeof functionResponseSchema>;
export type V1Secret = z.output<typeof secretResponseSchema>;
