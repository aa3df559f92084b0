// Shapes of the Management API reads the Supabase CLI makes on `link`,
// `config push`, `backups list` and `migration list`, and of the profile,
// organization, rename and migration operations. Names, fields and enums are
// upstream's (supabase/cli packages/api/src/generated/openapi.json, commit
// 627e534b4f2b5f2f367e7e9a46fc4a0975a92ebe); test/unit/api/settings-contract.test.ts
// checks every response Supafleet builds against that document.
import { z } from "zod";
import { apiRegistry, organizationSlugSchema } from "@/lib/api/schemas";

export const slugParams = z.strictObject({ slug: organizationSlugSchema });

export const profileSchema = z
  .object({
    gotrue_id: z.string().register(apiRegistry, { description: "The user's id." }),
    primary_email: z.string(),
    username: z.string().register(apiRegistry, { description: "The user's name, or the email address when none is set." }),
  })
  .register(apiRegistry, { id: "V1ProfileResponse" });

export const organizationSlugResponseSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    opt_in_tags: z.array(z.enum(["AI_SQL_GENERATOR_OPT_IN", "AI_DATA_GENERATOR_OPT_IN", "AI_LOG_GENERATOR_OPT_IN"])),
    allowed_release_channels: z.array(z.enum(["internal", "alpha", "beta", "ga", "withdrawn", "preview"])),
  })
  .register(apiRegistry, { id: "V1OrganizationSlugResponse" });

export const updateProjectBodySchema = z.strictObject({ name: z.string().min(1).max(256) }).register(apiRegistry, { id: "V1UpdateProjectBody" });

export const backupsResponseSchema = z
  .object({
    region: z.string(),
    walg_enabled: z.boolean().register(apiRegistry, { description: "false: Supafleet keeps whole-volume backups, not WAL-G." }),
    pitr_enabled: z.boolean(),
    backups: z.array(
      z.object({
        id: z.int().register(apiRegistry, { description: "The backup's start time in milliseconds since 1970 (Supafleet's backup ids are strings)." }),
        is_physical_backup: z.boolean(),
        status: z.enum(["COMPLETED", "FAILED", "PENDING", "REMOVED", "ARCHIVED", "CANCELLED"]),
        inserted_at: z.string(),
      }),
    ),
    physical_backup_data: z.object({
      earliest_physical_backup_date_unix: z.int().optional(),
      latest_physical_backup_date_unix: z.int().optional(),
    }),
  })
  .register(apiRegistry, { id: "V1BackupsResponse" });

export const addonsResponseSchema = z
  .object({
    selected_addons: z.array(z.object({ type: z.string(), variant: z.object({ id: z.string(), name: z.string() }) })),
    available_addons: z.array(z.object({ type: z.string(), name: z.string() })),
  })
  .register(apiRegistry, { id: "ListProjectAddonsResponse", description: "Supafleet sells no add-ons: both lists are empty." });

export const poolerConfigSchema = z
  .object({
    identifier: z.string(),
    database_type: z.enum(["PRIMARY", "READ_REPLICA"]),
    is_using_scram_auth: z.boolean(),
    db_user: z.string(),
    db_host: z.string(),
    db_port: z.int(),
    db_name: z.string(),
    connection_string: z.string().register(apiRegistry, { description: "With the placeholder [YOUR-PASSWORD], as upstream." }),
    connectionString: z.string().register(apiRegistry, { description: "Use connection_string instead", deprecated: true }),
    default_pool_size: z.int().nullable(),
    max_client_conn: z.int().nullable(),
    pool_mode: z.enum(["transaction", "session"]),
  })
  .register(apiRegistry, { id: "SupavisorConfigResponse" });

export const storageConfigSchema = z
  .object({
    fileSizeLimit: z.int().register(apiRegistry, { description: "Largest upload in bytes: the owner's plan when the project was made." }),
    features: z.object({
      imageTransformation: z.object({ enabled: z.boolean() }),
      s3Protocol: z.object({ enabled: z.boolean() }),
      icebergCatalog: z.object({ enabled: z.boolean(), maxNamespaces: z.int(), maxTables: z.int(), maxCatalogs: z.int() }),
      vectorBuckets: z.object({ enabled: z.boolean(), maxBuckets: z.int(), maxIndexes: z.int() }),
    }),
    capabilities: z.object({ list_v2: z.boolean(), iceberg_catalog: z.boolean() }),
    external: z.object({ upstreamTarget: z.enum(["main", "canary"]) }),
    migrationVersion: z.string(),
    databasePoolMode: z.string(),
  })
  .register(apiRegistry, { id: "StorageConfigResponse" });

/** The settings a tenant may read; values as Postgres reports them (SHOW). */
export const POSTGRES_CONFIG_STRING_KEYS = [
  "effective_cache_size",
  "maintenance_work_mem",
  "shared_buffers",
  "statement_timeout",
  "work_mem",
  "max_wal_size",
  "checkpoint_timeout",
  "wal_keep_size",
] as const;
export const POSTGRES_CONFIG_INT_KEYS = [
  "max_connections",
  "max_locks_per_transaction",
  "max_parallel_workers",
  "max_parallel_workers_per_gather",
  "max_worker_processes",
] as const;

export const postgresConfigSchema = z
  .object({
    ...Object.fromEntries(POSTGRES_CONFIG_STRING_KEYS.map((k) => [k, z.string().optional()])),
    ...Object.fromEntries(POSTGRES_CONFIG_INT_KEYS.map((k) => [k, z.int().optional()])),
  })
  .register(apiRegistry, {
    id: "PostgresConfigResponse",
    description:
      "The settings a new session of the running database starts with (pg_settings.reset_val, with its unit); PUT changes statement_timeout, work_mem and maintenance_work_mem.",
  });

export const migrationListSchema = z
  .array(z.object({ version: z.string().min(1), name: z.string().optional() }))
  .register(apiRegistry, { id: "V1ListMigrationsResponse" });

export const createMigrationBodySchema = z
  .strictObject({
    query: z
      .string()
      .min(1)
      .max(1024 * 1024),
    name: z
      .string()
      .max(255)
      .optional()
      .register(apiRegistry, { description: "Kept in supabase_migrations.schema_migrations.name, as `supabase db push` does." }),
    rollback: z
      .string()
      .max(1024 * 1024)
      .optional()
      .register(apiRegistry, { description: "Accepted; Supafleet does not keep rollback scripts." }),
  })
  .register(apiRegistry, { id: "V1CreateMigrationBody" });
export type CreateMigrationBody = z.output<typeof createMigrationBodySchema>;

// ---- features Supafleet does not offer: answered as upstream answers a project without them ----

export const sslEnforcementSchema = z
  .object({ currentConfig: z.object({ database: z.boolean() }), appliedSuccessfully: z.boolean() })
  .register(apiRegistry, { id: "SslEnforcementResponse", description: "Supafleet does not enforce TLS to Postgres: false." });

export const networkRestrictionsSchema = z
  .object({
    entitlement: z.enum(["disallowed", "allowed"]),
    config: z.object({ dbAllowedCidrs: z.array(z.string()).optional(), dbAllowedCidrsV6: z.array(z.string()).optional() }),
    status: z.enum(["stored", "applied"]),
  })
  .register(apiRegistry, { id: "NetworkRestrictionsResponse", description: "Not offered (disallowed): every address may connect, as the config says." });

export const postgrestConfigSchema = z
  .object({ db_schema: z.string(), max_rows: z.int(), db_extra_search_path: z.string(), db_pool: z.int().nullable() })
  .register(apiRegistry, { id: "PostgrestConfigWithJWTSecretResponse", description: "The template's PostgREST settings (read only)." });

export const vanitySubdomainSchema = z
  .object({ status: z.enum(["not-used", "custom-domain-used", "active"]) })
  .register(apiRegistry, { id: "VanitySubdomainConfigResponse", description: "Not offered: not-used." });

export const readOnlyStatusSchema = z.object({ enabled: z.boolean(), override_enabled: z.boolean(), override_active_until: z.string() }).register(apiRegistry, {
  id: "ReadOnlyStatusResponse",
  description: "enabled: the database is read-only because its disk is past the plan's line (lib/projects/disk-guard.ts). No override.",
});

export const branchListSchema = z.array(z.object({ id: z.string() })).register(apiRegistry, { description: "Supafleet has no branches: always empty." });

export const typesQuerySchema = z.strictObject({
  included_schemas: z
    .string()
    .max(2048)
    .regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}(,[A-Za-z_][A-Za-z0-9_$]{0,62}){0,31}$/, "A comma-separated list of schema names (at most 32).")
    .default("public")
    .register(apiRegistry, { description: "Schemas to generate types for, comma-separated (default public)." }),
});

export const typescriptResponseSchema = z.object({ types: z.string() }).register(apiRegistry, { id: "TypescriptResponse" });

/** POST …/database/backups/restore-pitr (upstream's V1RestorePitrBody; the CLI's `backups restore --timestamp` sends it and expects 201: supabase/cli internal/backups/restore/restore.go). */
export const restorePitrBodySchema = z
  .strictObject({ recovery_time_target_unix: z.int().min(0).max(9007199254740991) })
  .register(apiRegistry, { id: "V1RestorePitrBody" });
