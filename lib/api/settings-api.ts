// The Management API's profile, organization, rename, backups, connection and
// configuration reads, and migrations: what the Supabase CLI calls on
// `link`, `config push`, `backups list` and `migration list`/`db push`, in
// upstream's shapes (lib/api/settings-schemas.ts). Owner only for everything
// about a project, as its keys.
import { FeatureUnavailableError, InvalidStateError, NotFoundError, PayloadTooLargeError, UpstreamServiceError } from "@/lib/errors";
import { readBoundedBody } from "@/lib/api/request";
import type { ProjectService } from "@/lib/projects/service";
import type { TokenPrincipal } from "@/lib/tokens/service";
import type { SessionUser } from "@/lib/auth/actor";
import type { BackupView } from "@/lib/backups/view";
import type { PitrView } from "@/lib/backups/pitr/request";
import type { QueryLimits, QueryTarget } from "@/lib/api/database-query";
import { runSql } from "@/lib/api/database-query";
import { applyMigration, listMigrations } from "@/lib/api/migrations";
import { numericProjectId, organizationOf } from "@/lib/api/views";
import { POOLER_DEFAULT_POOL_SIZE, POOLER_MAX_CLIENT_CONN, POSTGREST_DB_SCHEMAS } from "@/lib/stack/build-stack-spec";
import {
  POSTGRES_CONFIG_INT_KEYS,
  POSTGRES_CONFIG_STRING_KEYS,
  type CreateMigrationBody,
  type addonsResponseSchema,
  type backupsResponseSchema,
  type organizationSlugResponseSchema,
  type poolerConfigSchema,
  type postgresConfigSchema,
  type profileSchema,
  type storageConfigSchema,
  type networkRestrictionsSchema,
  type postgrestConfigSchema,
  type readOnlyStatusSchema,
} from "@/lib/api/settings-schemas";
import type { z } from "zod";
import { ACTIVE_STATUSES, isStatusIn } from "@/lib/domain";

export interface BackupLister {
  listBackups(actor: SessionUser, ref: string): Promise<BackupView[]>;
  pitrWindow(actor: SessionUser, ref: string): Promise<PitrView>;
  restoreToPoint(actor: SessionUser, input: unknown): Promise<unknown>;
}

/** What this part of the API needs of the project service. */
export type SettingsProjects = Pick<ProjectService, "getProjectDetails" | "renameProject" | "storageLimits">;

export type WithDatabase = <T>(p: TokenPrincipal, ref: string, fn: (target: QueryTarget, limits: QueryLimits) => Promise<T>) => Promise<T>;

const TYPES_TIMEOUT_MS = 60_000;
/** Larger than any schema's types a tenant could want; past it the call fails rather than holding more in memory. */
const TYPES_MAX_BYTES = 16 * 1024 * 1024;

const BACKUP_STATUS = { RUNNING: "PENDING", SUCCEEDED: "COMPLETED", FAILED: "FAILED" } as const;

/** A pg_settings value with its unit, as Postgres accepts it back: "90000" ms → "90000ms", "16384" 8kB → "131072kB" (pure). */
export function settingText(value: string, unit: string | null): string {
  if (!unit || !/^-?\d+$/.test(value)) return value;
  const m = /^(\d+)(kB|MB)$/.exec(unit);
  if (m && m[1] !== "1") return `${Number(value) * Number(m[1])}${m[2]}`;
  return `${value}${m ? m[2] : unit}`;
}

export class SettingsApi {
  constructor(
    private readonly projects: SettingsProjects,
    private readonly deps: { backups?: BackupLister; withDatabase: WithDatabase },
  ) {}

  profile(p: TokenPrincipal): z.output<typeof profileSchema> {
    return { gotrue_id: p.user.id, primary_email: p.user.email, username: p.user.name?.trim() || p.user.email };
  }

  /** The caller's personal organization only (the route serves every organization: ManagementApi.getOrganization). */
  organization(p: TokenPrincipal, slug: string): z.output<typeof organizationSlugResponseSchema> {
    const own = organizationOf(p.user);
    if (slug !== own.slug) throw new NotFoundError("Organization not found.");
    return { id: own.id, name: own.name, opt_in_tags: [], allowed_release_channels: ["ga"] };
  }

  async rename(p: TokenPrincipal, ref: string, name: string): Promise<{ id: number; ref: string; name: string }> {
    const renamed = await this.projects.renameProject(p.user, { ref, name });
    return { id: numericProjectId(renamed.ref), ref: renamed.ref, name: renamed.name };
  }

  async backups(p: TokenPrincipal, ref: string): Promise<z.output<typeof backupsResponseSchema>> {
    const project = await this.projects.getProjectDetails(p.user, ref);
    if (!this.deps.backups) throw new FeatureUnavailableError("Backups are not available on this server.");
    const list = await this.deps.backups.listBackups(p.user, ref);
    const pitr = await this.deps.backups.pitrWindow(p.user, ref);
    const done = list.filter((b) => b.status === "SUCCEEDED").map((b) => Math.floor(Date.parse(b.finishedAt ?? b.startedAt) / 1000));
    const unix = (iso: string) => Math.floor(Date.parse(iso) / 1000);
    // With archiving on, the dates upstream's dashboard reads as the PITR window are the window's bounds.
    const range = pitr.ranges.length
      ? {
          earliest_physical_backup_date_unix: Math.ceil(Date.parse(pitr.ranges[0]!.from) / 1000),
          latest_physical_backup_date_unix: unix(pitr.ranges.at(-1)!.to),
        }
      : null;
    return {
      region: project.region ?? "default",
      walg_enabled: false,
      pitr_enabled: pitr.enabled,
      // Supafleet's backups copy the database's files (hot or cold): physical, in upstream's words.
      backups: list.map((b) => ({ id: Date.parse(b.startedAt), is_physical_backup: true, status: BACKUP_STATUS[b.status], inserted_at: b.startedAt })),
      physical_backup_data:
        range ?? (done.length ? { earliest_physical_backup_date_unix: Math.min(...done), latest_physical_backup_date_unix: Math.max(...done) } : {}),
    };
  }

  /** Upstream's body is whole seconds; the restore goes through the owner's own checks (window, confirmation by ref). */
  async restorePitr(p: TokenPrincipal, ref: string, body: { recovery_time_target_unix: number }): Promise<void> {
    if (!this.deps.backups) throw new FeatureUnavailableError("Backups are not available on this server.");
    await this.deps.backups.restoreToPoint(p.user, { ref, confirmRef: ref, targetTime: new Date(body.recovery_time_target_unix * 1000).toISOString() });
  }

  async addons(p: TokenPrincipal, ref: string): Promise<z.output<typeof addonsResponseSchema>> {
    await this.projects.getProjectDetails(p.user, ref);
    return { selected_addons: [], available_addons: [] };
  }

  async poolerConfig(p: TokenPrincipal, ref: string): Promise<Array<z.output<typeof poolerConfigSchema>>> {
    const d = await this.projects.getProjectDetails(p.user, ref);
    const user = `postgres.${d.ref}`;
    const entry = (port: number, mode: "session" | "transaction") => {
      const url = `postgresql://${user}:[YOUR-PASSWORD]@${d.dbHost}:${port}/postgres`;
      return {
        identifier: d.ref,
        database_type: "PRIMARY" as const,
        is_using_scram_auth: true,
        db_user: user,
        db_host: d.dbHost,
        db_port: port,
        db_name: "postgres",
        connection_string: url,
        connectionString: url,
        default_pool_size: POOLER_DEFAULT_POOL_SIZE,
        max_client_conn: POOLER_MAX_CLIENT_CONN,
        pool_mode: mode,
      };
    };
    // Session mode first: the CLI caches the first PRIMARY entry's URL for migrations, which it
    // runs in session mode (apps/cli-go/internal/link/link.go updatePoolerConfig rewrites upstream's
    // :6543 to :5432; Supafleet's ports are per project, so the session entry must come first).
    // With the shared Postgres port on, the session entry is <ref>.<domain>:5432, where the CLI dials
    // whatever the URL says (apps/cli-go/internal/utils/connect.go GetPoolerConfig sets Port = 5432).
    // Upstream's strings carry no sslmode: the CLI insists on TLS itself (ConnectByUrl drops non-TLS fallbacks).
    const out = [];
    if (d.publicDbPort) out.push(entry(d.publicDbPort, "session"));
    if (d.poolerPort) out.push(entry(d.poolerPort, "transaction"));
    return out;
  }

  async storageConfig(p: TokenPrincipal, ref: string): Promise<z.output<typeof storageConfigSchema>> {
    const { fileSizeLimitBytes } = await this.projects.storageLimits(p.user, ref);
    return {
      fileSizeLimit: fileSizeLimitBytes,
      features: {
        // imgproxy runs in every stack (ENABLE_IMAGE_TRANSFORMATION=true in the template).
        imageTransformation: { enabled: true },
        s3Protocol: { enabled: false },
        icebergCatalog: { enabled: false, maxNamespaces: 0, maxTables: 0, maxCatalogs: 0 },
        vectorBuckets: { enabled: false, maxBuckets: 0, maxIndexes: 0 },
      },
      capabilities: { list_v2: true, iceberg_catalog: false },
      external: { upstreamTarget: "main" },
      // Not tracked by Supafleet: Storage runs its own migrations when it starts.
      migrationVersion: "",
      // Storage connects to the database directly (DATABASE_URL to db:5432), not through a pool mode of Supavisor.
      databasePoolMode: "direct",
    };
  }

  async postgresConfig(p: TokenPrincipal, ref: string): Promise<z.output<typeof postgresConfigSchema>> {
    const names = [...POSTGRES_CONFIG_STRING_KEYS, ...POSTGRES_CONFIG_INT_KEYS];
    // reset_val: the value a session starts with (the server's, the database's or the role's), not the
    // SQL runner's own SET statement_timeout for this session, so a change through PUT shows here.
    const rows = await this.deps.withDatabase(p, ref, (target, limits) =>
      runSql(target, { query: "SELECT name, reset_val, unit FROM pg_settings WHERE name = ANY($1::text[])", parameters: [names] }, limits),
    );
    const out: Record<string, string | number> = {};
    for (const r of rows) {
      const name = String(r.name);
      const value = settingText(String(r.reset_val), r.unit == null ? null : String(r.unit));
      if ((POSTGRES_CONFIG_INT_KEYS as readonly string[]).includes(name)) out[name] = Number.parseInt(value, 10);
      else out[name] = value;
    }
    return out;
  }

  migrations(p: TokenPrincipal, ref: string): Promise<Array<{ version: string; name?: string }>> {
    return this.deps.withDatabase(p, ref, (target, limits) => listMigrations(target, limits));
  }

  applyMigration(p: TokenPrincipal, ref: string, body: CreateMigrationBody): Promise<void> {
    return this.deps.withDatabase(p, ref, (target, limits) => applyMigration(target, body, limits));
  }

  /**
   * The project's postgres-meta generates the types, as upstream's API does:
   * through the project's gateway (/pg/ is admitted with the service key
   * only), bounded in time and size.
   */
  async typescriptTypes(p: TokenPrincipal, ref: string, includedSchemas: string): Promise<{ types: string }> {
    const d = await this.projects.getProjectDetails(p.user, ref);
    if (!isStatusIn(d.status, ACTIVE_STATUSES)) throw new InvalidStateError(`The project is ${d.status}; its database runs only while it is active.`);
    if (!d.gatewayPort) throw new InvalidStateError("The project has no gateway port.");
    const url = `http://127.0.0.1:${d.gatewayPort}/pg/generators/typescript?included_schemas=${encodeURIComponent(includedSchemas)}`;
    const res = await fetch(url, {
      headers: { apikey: d.serviceRoleKey, authorization: `Bearer ${d.serviceRoleKey}` },
      signal: AbortSignal.timeout(TYPES_TIMEOUT_MS),
    }).catch((err: unknown) => {
      throw new UpstreamServiceError("postgres-meta", err instanceof Error ? err.message : String(err));
    });
    const text = await readBoundedBody(res, TYPES_MAX_BYTES).then(
      (b) => b.toString("utf8"),
      (err: unknown) => {
        throw err instanceof PayloadTooLargeError ? new UpstreamServiceError("postgres-meta", `the types are larger than ${TYPES_MAX_BYTES} bytes`) : err;
      },
    );
    if (!res.ok) throw new UpstreamServiceError("postgres-meta", `HTTP ${res.status}: ${text.slice(0, 300)}`);
    return { types: text };
  }

  // ---- features Supafleet does not offer, answered as upstream answers a project without them ----

  async sslEnforcement(p: TokenPrincipal, ref: string) {
    await this.projects.getProjectDetails(p.user, ref);
    return { currentConfig: { database: false }, appliedSuccessfully: true };
  }

  async networkRestrictions(p: TokenPrincipal, ref: string): Promise<z.output<typeof networkRestrictionsSchema>> {
    await this.projects.getProjectDetails(p.user, ref);
    return { entitlement: "disallowed", config: { dbAllowedCidrs: ["0.0.0.0/0"], dbAllowedCidrsV6: ["::/0"] }, status: "applied" };
  }

  async postgrestConfig(p: TokenPrincipal, ref: string): Promise<z.output<typeof postgrestConfigSchema>> {
    await this.projects.getProjectDetails(p.user, ref);
    // PGRST_DB_MAX_ROWS and PGRST_DB_EXTRA_SEARCH_PATH are the templates' compose defaults (docker-compose.yml: :-1000, :-public); Supafleet sets neither.
    return { db_schema: POSTGREST_DB_SCHEMAS, max_rows: 1000, db_extra_search_path: "public", db_pool: null };
  }

  async vanitySubdomain(p: TokenPrincipal, ref: string) {
    await this.projects.getProjectDetails(p.user, ref);
    return { status: "not-used" as const };
  }

  async readOnlyMode(p: TokenPrincipal, ref: string): Promise<z.output<typeof readOnlyStatusSchema>> {
    const d = await this.projects.getProjectDetails(p.user, ref);
    return { enabled: d.dbDisk?.readOnly ?? false, override_enabled: false, override_active_until: "" };
  }

  async branches(p: TokenPrincipal, ref: string): Promise<Array<{ id: string }>> {
    await this.projects.getProjectDetails(p.user, ref);
    return [];
  }
}
