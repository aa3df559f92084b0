// Shapes of the Management API operations that change a project's database
// access and configuration: the CLI's temporary login role, Storage's file
// size limit and the Postgres settings a tenant may change. Names, fields and
// bounds are upstream's (supabase/cli packages/api/src/generated/openapi.json,
// commit 627e534b4f2b5f2f367e7e9a46fc4a0975a92ebe: CreateRoleBody,
// CreateRoleResponse, DeleteRolesResponse, UpdateStorageConfigBody,
// UpdatePostgresConfigBody); what Supafleet accepts within them is narrower
// and each refusal names the field.
import { z } from "zod";
import { apiRegistry } from "@/lib/api/schemas";
import { DURATION, MEMORY } from "@/lib/projects/postgres-settings";

export const createRoleBodySchema = z
  .strictObject({
    read_only: z.boolean().register(apiRegistry, {
      description: "true: the role reads every table (pg_read_all_data) and its transactions are read-only; false: a member of postgres, as the CLI asks.",
    }),
  })
  .register(apiRegistry, { id: "CreateRoleBody" });

export const createRoleResponseSchema = z
  .object({
    role: z.string().min(1).register(apiRegistry, { description: "cli_login_ and 16 hex digits. Through Supavisor, log in as <role>.<ref>." }),
    password: z.string().min(1).register(apiRegistry, { description: "Shown once; never stored by Supafleet (Postgres keeps only its SCRAM verifier)." }),
    ttl_seconds: z.int().min(1).register(apiRegistry, { description: "The role can log in for this long (VALID UNTIL)." }),
  })
  .register(apiRegistry, { id: "CreateRoleResponse" });

export const deleteRolesResponseSchema = z.object({ message: z.literal("ok") }).register(apiRegistry, { id: "DeleteRolesResponse" });

/** Upstream's body; Supafleet changes fileSizeLimit, and accepts the features only as they are (anything else is refused naming it). */
export const updateStorageConfigBodySchema = z
  .strictObject({
    fileSizeLimit: z.int().min(0).max(536_870_912_000).optional().register(apiRegistry, {
      description: "Largest upload in bytes: a whole number of MiB, at least 1 MiB and at most the owner's plan's limit. Restarts only Storage.",
    }),
    features: z
      .strictObject({
        imageTransformation: z.strictObject({ enabled: z.boolean() }).optional(),
        s3Protocol: z.strictObject({ enabled: z.boolean() }).optional(),
        icebergCatalog: z
          .strictObject({ enabled: z.boolean(), maxNamespaces: z.int().min(0), maxTables: z.int().min(0), maxCatalogs: z.int().min(0) })
          .optional(),
        vectorBuckets: z.strictObject({ enabled: z.boolean(), maxBuckets: z.int().min(0), maxIndexes: z.int().min(0) }).optional(),
      })
      .optional()
      .register(apiRegistry, { description: "Accepted only as GET reports them (image transformation on, the rest off)." }),
    external: z
      .strictObject({ upstreamTarget: z.enum(["main", "canary"]) })
      .optional()
      .register(apiRegistry, { description: "main only." }),
  })
  .register(apiRegistry, { id: "UpdateStorageConfigBody" });
export type UpdateStorageConfigBody = z.output<typeof updateStorageConfigBodySchema>;

/** Every field of upstream's UpdatePostgresConfigBody; Supafleet changes the first three (POSTGRES_TENANT_SETTINGS). */
export const UPSTREAM_POSTGRES_FIELDS = [
  "statement_timeout",
  "work_mem",
  "maintenance_work_mem",
  "effective_cache_size",
  "logical_decoding_work_mem",
  "track_activity_query_size",
  "max_connections",
  "max_locks_per_transaction",
  "max_parallel_maintenance_workers",
  "max_parallel_workers",
  "max_parallel_workers_per_gather",
  "max_replication_slots",
  "max_slot_wal_keep_size",
  "max_standby_archive_delay",
  "max_standby_streaming_delay",
  "max_wal_size",
  "max_wal_senders",
  "max_worker_processes",
  "session_replication_role",
  "shared_buffers",
  "track_commit_timestamp",
  "wal_keep_size",
  "wal_sender_timeout",
  "checkpoint_timeout",
  "hot_standby_feedback",
  "restart_database",
] as const;

const notChangeable = (name: string) =>
  z
    .unknown()
    .refine(() => false, `${name} cannot be changed on Supafleet; only statement_timeout, work_mem and maintenance_work_mem can.`)
    .optional()
    .register(apiRegistry, { description: "Upstream's; refused (400) on Supafleet." });

export const updatePostgresConfigBodySchema = z
  .strictObject({
    ...Object.fromEntries(UPSTREAM_POSTGRES_FIELDS.map((k) => [k, notChangeable(k)])),
    statement_timeout: z.string().regex(DURATION, "A duration such as 60000ms, 60s or 2min.").optional().register(apiRegistry, {
      description: "100 ms to 1 h (default unit ms). Applied with ALTER SYSTEM and a reload: new and idle sessions get it, nothing restarts.",
    }),
    work_mem: z.string().regex(MEMORY, "A size such as 4MB or 4096kB.").optional().register(apiRegistry, { description: "64kB to 256MB (default unit kB)." }),
    maintenance_work_mem: z.string().regex(MEMORY, "A size such as 64MB.").optional().register(apiRegistry, { description: "1MB to 1GB (default unit kB)." }),
    restart_database: z.literal(false, "Supafleet applies these settings with a reload; it does not restart the database through the API.").optional(),
  })
  .register(apiRegistry, { id: "UpdatePostgresConfigBody" });
export type UpdatePostgresConfigBody = z.output<typeof updatePostgresConfigBodySchema>;

export const logsQuerySchema = z.strictObject({
  sql: z
    .string()
    .max(4096)
    .optional()
    .register(apiRegistry, {
      description:
        "One simple select over one source (edge_logs, postgres_logs, auth_logs, postgrest_logs, storage_logs, realtime_logs, function_logs, function_edge_logs, supavisor_logs): " +
        "columns id, timestamp, event_message; where only on timestamp; order by timestamp; limit ≤ 1000. Anything else is a 400 naming it. Default: edge_logs.",
    }),
  iso_timestamp_start: z.string().max(40).optional(),
  iso_timestamp_end: z.string().max(40).optional(),
});

export const analyticsResponseSchema = z
  .object({ result: z.array(z.unknown()), error: z.string().optional() })
  .register(apiRegistry, { id: "AnalyticsResponse" });
