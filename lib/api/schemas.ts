// The Management API's request and response shapes, as zod schemas: the same
// objects validate requests (lib/api/handler.ts) and generate the OpenAPI
// document (lib/api/openapi.ts). Names, fields and status words follow
// Supabase's published spec (https://api.supabase.com/api/v1-json, as
// vendored in supabase-community/supabase-management-js openapi/v1.json,
// commit e8943b6); test/unit/api/upstream-types.test.ts checks them against
// the types supabase-management-js generates from that spec.
import { z } from "zod";
import { SERVICE_NAMES } from "@/lib/stack/types";
import { LATEST_STACK_VERSION, postgresMajor, templateImage } from "@/lib/stack/template";
import { REF_PATTERN } from "@/lib/validations/project";
import { PROJECT_STATUSES } from "@/lib/domain";

/** The Postgres major of a new project: the newest template's pinned db image (overrides are a test matter, not the API's). */
const NEW_PROJECT_ENGINE = String(postgresMajor(templateImage(LATEST_STACK_VERSION, "db", {})) ?? "17");

/** Schemas with an id become components (#/components/schemas/<id>) of the document. */
export const apiRegistry = z.registry<{ id?: string; description?: string; deprecated?: boolean }>();
// Descriptions go into this registry too (.register, not .meta: .meta writes
// to zod's global registry, which the document does not read).

// ---- shared ---------------------------------------------------------------------

export const projectRefSchema = z
  .string()
  .regex(REF_PATTERN, "Not a valid project ref.")
  .register(apiRegistry, { description: "Project ref: 20 lowercase letters." });
export const refParams = z.strictObject({ ref: projectRefSchema });

/** One organization per user: its slug is the user's id (letters, digits, -). */
export const organizationSlugSchema = z
  .string()
  .max(64)
  .regex(/^[\w-]+$/, "Not a valid organization slug.")
  .register(apiRegistry, { description: "Organization slug (GET /v1/organizations). Each Supafleet user has exactly one organization." });

// Supafleet's project statuses, Supabase's own words: defined once in lib/domain.ts.
export { PROJECT_STATUSES };
export const projectStatusSchema = z.enum(PROJECT_STATUSES).register(apiRegistry, { id: "ProjectStatus", description: "Supabase's project status words." });

export const errorSchema = z
  .object({ message: z.string() })
  .register(apiRegistry, { id: "ErrorResponse", description: "Every error: HTTP status plus a message, as Supabase's API answers." });

// ---- organizations --------------------------------------------------------------

export const organizationSchema = z
  .object({
    id: z.string().register(apiRegistry, { description: "Deprecated: use slug. Same value.", deprecated: true }),
    slug: organizationSlugSchema,
    name: z.string(),
  })
  .register(apiRegistry, { id: "OrganizationResponseV1" });

// Upstream's CreateOrganizationV1: a name of up to 256 characters; Supafleet's rule for names is lib/validations/organization.ts.
export const createOrganizationBodySchema = z
  .strictObject({ name: z.string().max(256) })
  .register(apiRegistry, { id: "CreateOrganizationV1", description: "The new organization's name (2–64 letters, digits, spaces and . _ ' & @ -)." });
export type CreateOrganizationBody = z.output<typeof createOrganizationBodySchema>;

export const organizationMemberSchema = z
  .object({
    user_id: z.string(),
    user_name: z.string().register(apiRegistry, { description: "The member's name, or the email address when none is set." }),
    email: z.string().optional(),
    role_name: z.string().register(apiRegistry, { description: "Owner, Administrator, Developer or Read-only." }),
    mfa_enabled: z.boolean(),
  })
  .register(apiRegistry, { id: "V1OrganizationMemberResponse" });

// ---- projects -------------------------------------------------------------------

const projectFields = {
  id: z.string().register(apiRegistry, { description: "Deprecated: use ref. Same value.", deprecated: true }),
  ref: projectRefSchema,
  organization_id: z.string().register(apiRegistry, { description: "Deprecated: use organization_slug. Same value.", deprecated: true }),
  organization_slug: organizationSlugSchema,
  name: z.string(),
  region: z.string().register(apiRegistry, { description: 'The project\'s region label; "default" when none was given.' }),
  created_at: z.string().register(apiRegistry, { description: "Creation time, ISO 8601." }),
  status: projectStatusSchema,
};

export const projectSchema = z.object(projectFields).register(apiRegistry, { id: "V1ProjectResponse" });

export const projectWithDatabaseSchema = z
  .object({
    ...projectFields,
    database: z.object({
      host: z
        .string()
        .register(apiRegistry, { description: "The project's host name; Postgres answers there on the project's own port (see the project page)." }),
      version: z.string().register(apiRegistry, { description: "Postgres version, from the image tag the project runs." }),
      postgres_engine: z.string(),
      release_channel: z.string(),
    }),
  })
  .register(apiRegistry, { id: "V1ProjectWithDatabaseResponse" });

export const projectRefResponseSchema = z
  .object({
    id: z.int().register(apiRegistry, { description: "Supafleet has no numeric project ids: a stable number derived from the ref." }),
    ref: projectRefSchema,
    name: z.string(),
  })
  .register(apiRegistry, { id: "V1ProjectRefResponse" });

const REGION_LABEL = z
  .string()
  .max(32)
  .regex(/^[a-z0-9-]+$/, "Use lowercase letters, digits and - only.")
  .register(apiRegistry, {
    description:
      "A region label. Every Supafleet project runs on this server; the label is kept for your bookkeeping. Supabase's region codes (us-east-1, …) are valid labels.",
  });

export const createProjectBodySchema = z
  .strictObject({
    db_pass: z.string().min(1).max(1024).register(apiRegistry, {
      description:
        "Required as in Supabase's API, but not applied: Supafleet generates a strong database password for every project. Read it on the project page.",
    }),
    name: z.string().max(256).register(apiRegistry, { description: "Name of your project (Supafleet: 2–64 letters, digits, spaces and . _ ' -)." }),
    organization_slug: organizationSlugSchema,
    organization_id: z.string().max(64).optional().register(apiRegistry, { description: "Deprecated: use organization_slug.", deprecated: true }),
    region: REGION_LABEL.optional(),
    region_selection: z
      .discriminatedUnion("type", [
        z.object({ type: z.literal("specific"), code: REGION_LABEL }),
        z.object({ type: z.literal("smartGroup"), code: z.enum(["americas", "emea", "apac"]) }),
      ])
      .optional()
      .register(apiRegistry, { description: "Region selection; its code becomes the region label. Only one of region or region_selection." }),
    plan: z.enum(["free", "pro"]).optional().register(apiRegistry, { description: "Ignored, as in Supabase's API.", deprecated: true }),
    kps_enabled: z.boolean().optional().register(apiRegistry, { description: "Ignored, as in Supabase's API.", deprecated: true }),
    desired_instance_size: z
      .enum(["pico", "nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"])
      .optional()
      .register(apiRegistry, { description: "Accepted and ignored: every Supafleet project gets the same resources." }),
    release_channel: z.enum(["ga"]).optional().register(apiRegistry, { description: "Supafleet runs one release: ga.", deprecated: true }),
    postgres_engine: z
      .enum([NEW_PROJECT_ENGINE])
      .optional()
      .register(apiRegistry, {
        description: `New Supafleet projects run Postgres ${NEW_PROJECT_ENGINE} (template ${LATEST_STACK_VERSION}).`,
        deprecated: true,
      }),
  })
  .refine((b) => !(b.region && b.region_selection), { message: "Only one of region or region_selection can be specified.", path: ["region_selection"] })
  .register(apiRegistry, { id: "V1CreateProjectBody" });
export type CreateProjectBody = z.output<typeof createProjectBodySchema>;

// ---- health -----------------------------------------------------------------------

export const HEALTH_SERVICES = ["auth", "db", "db_postgres_user", "pooler", "realtime", "rest", "storage", "pg_bouncer"] as const;
export type HealthServiceName = (typeof HEALTH_SERVICES)[number];
export const SERVICE_HEALTH_STATUSES = ["COMING_UP", "ACTIVE_HEALTHY", "UNHEALTHY"] as const;

export const healthQuerySchema = z.strictObject({
  services: z
    .array(z.enum(HEALTH_SERVICES))
    .min(1)
    .max(HEALTH_SERVICES.length * 2)
    .register(apiRegistry, { description: "Services to check: repeat the parameter or separate names with commas." }),
  timeout_ms: z.coerce
    .number()
    .int()
    .min(0)
    .max(10_000)
    .optional()
    .register(apiRegistry, { description: "Accepted for compatibility; Supafleet reads container state and does not wait." }),
});

export const serviceHealthSchema = z
  .object({
    name: z.enum(HEALTH_SERVICES),
    healthy: z.boolean().register(apiRegistry, { description: "Deprecated: use status.", deprecated: true }),
    status: z.enum(SERVICE_HEALTH_STATUSES),
    error: z.string().optional(),
  })
  .register(apiRegistry, { id: "V1ServiceHealthResponse" });

/** Which Supafleet container answers for each name Supabase's API knows. */
export const HEALTH_SERVICE_CONTAINERS: Record<HealthServiceName, (typeof SERVICE_NAMES)[number] | null> = {
  auth: "auth",
  db: "db",
  db_postgres_user: "db",
  pooler: "supavisor",
  realtime: "realtime",
  rest: "rest",
  storage: "storage",
  pg_bouncer: null,
};

// ---- API keys ---------------------------------------------------------------------

export const apiKeysQuerySchema = z.strictObject({
  reveal: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => v === "true")
    .register(apiRegistry, {
      description: "Boolean string, true or false. Legacy and publishable keys are always returned in full (as Supabase does); true unmasks the secret key.",
    }),
});

export const apiKeySchema = z
  .object({
    api_key: z.string().nullable(),
    id: z.string().nullable(),
    type: z.enum(["legacy", "publishable", "secret"]).nullable(),
    prefix: z.string().nullable(),
    name: z.string(),
    description: z.string().nullable(),
    hash: z.string().nullable(),
    secret_jwt_template: z.record(z.string(), z.unknown()).nullable(),
    inserted_at: z.string().nullable(),
    updated_at: z.string().nullable(),
  })
  .register(apiRegistry, { id: "ApiKeyResponse" });

// ---- database ------------------------------------------------------------------------

/** Largest SQL text accepted (bytes of the JSON body bound it too). */
export const MAX_QUERY_LENGTH = 1_000_000;

export const runQueryBodySchema = z
  .strictObject({
    query: z.string().min(1).max(MAX_QUERY_LENGTH),
    parameters: z
      .array(z.unknown())
      .max(1000)
      .optional()
      .register(apiRegistry, { description: "Values for $1, $2, … (then the query must be one statement)." }),
    read_only: z.boolean().optional().register(apiRegistry, { description: "Run in a READ ONLY transaction that is rolled back (one statement)." }),
  })
  .register(apiRegistry, { id: "V1RunQueryBody" });
export type RunQueryBody = z.output<typeof runQueryBodySchema>;

export const queryResultSchema = z
  .array(z.record(z.string(), z.unknown()))
  .register(apiRegistry, { id: "V1RunQueryResponse", description: "The rows of the last statement that returned any, as Supabase's API answers." });

// ---- the empty ones -------------------------------------------------------------------

export const noParams = z.strictObject({});
export const noQuery = z.strictObject({});
