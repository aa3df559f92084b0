// The Management API operations that change a project's database access and
// configuration, in upstream's shapes (lib/api/config-write-schemas.ts): the
// CLI's temporary login role (create, delete all), Storage's file size limit
// and the allow-listed Postgres settings. Owner only (the project service
// scopes by owner; admins get 404), like SQL through the API; the database
// work runs under the same per-user SQL gate as POST …/database/query.
import type { z } from "zod";
import { ValidationError } from "@/lib/errors";
import { tenantSettingValue, type PostgresTenantSetting } from "@/lib/projects/postgres-settings";
import type { ProjectService } from "@/lib/projects/service";
import type { TokenPrincipal } from "@/lib/tokens/service";
import type { SettingsApi } from "@/lib/api/settings-api";
import type { postgresConfigSchema } from "@/lib/api/settings-schemas";
import type { UpdatePostgresConfigBody, UpdateStorageConfigBody } from "@/lib/api/config-write-schemas";

export type ConfigWriteProjects = Pick<ProjectService, "createLoginRole" | "deleteLoginRoles" | "setFileSizeLimit" | "applyPostgresSettings">;
/** Runs fn under the caller's share of the SQL gate. */
export type SqlGate = <T>(userId: string, fn: () => Promise<T>) => Promise<T>;

/** What GET …/config/storage reports as running; PATCH accepts these only as they are. */
const STORAGE_FEATURES_RUNNING: Record<string, Record<string, unknown>> = {
  imageTransformation: { enabled: true },
  s3Protocol: { enabled: false },
  icebergCatalog: { enabled: false, maxNamespaces: 0, maxTables: 0, maxCatalogs: 0 },
  vectorBuckets: { enabled: false, maxBuckets: 0, maxIndexes: 0 },
};

export class ConfigWriteApi {
  constructor(
    private readonly projects: ConfigWriteProjects,
    private readonly deps: { gate: SqlGate; settings: Pick<SettingsApi, "postgresConfig"> },
  ) {}

  async createLoginRole(p: TokenPrincipal, ref: string, readOnly: boolean): Promise<{ role: string; password: string; ttl_seconds: number }> {
    const r = await this.deps.gate(p.user.id, () => this.projects.createLoginRole(p.user, ref, readOnly));
    return { role: r.role, password: r.password, ttl_seconds: r.ttlSeconds };
  }

  async deleteLoginRoles(p: TokenPrincipal, ref: string): Promise<{ message: "ok" }> {
    await this.deps.gate(p.user.id, () => this.projects.deleteLoginRoles(p.user, ref));
    return { message: "ok" };
  }

  /** PATCH …/config/storage: 200 without a body, as upstream's document says. */
  async updateStorageConfig(p: TokenPrincipal, ref: string, body: UpdateStorageConfigBody): Promise<void> {
    for (const [name, value] of Object.entries(body.features ?? {})) {
      if (value !== undefined && JSON.stringify(value) !== JSON.stringify(STORAGE_FEATURES_RUNNING[name]))
        throw new ValidationError("Unsupported Storage setting.", {
          [`body.features.${name}`]: [`cannot be changed on Supafleet: it stays ${JSON.stringify(STORAGE_FEATURES_RUNNING[name])}.`],
        });
    }
    if (body.external && body.external.upstreamTarget !== "main")
      throw new ValidationError("Unsupported Storage setting.", { "body.external.upstreamTarget": ["Supafleet runs one Storage release: main."] });
    if (body.fileSizeLimit !== undefined) await this.projects.setFileSizeLimit(p.user, ref, body.fileSizeLimit);
  }

  /** PUT …/config/database/postgres: the allow-listed settings (the schema refuses the others), then the settings as now read. */
  async updatePostgresConfig(p: TokenPrincipal, ref: string, body: UpdatePostgresConfigBody): Promise<z.output<typeof postgresConfigSchema>> {
    const values = { statement_timeout: body.statement_timeout, work_mem: body.work_mem, maintenance_work_mem: body.maintenance_work_mem };
    await this.deps.gate(p.user.id, () => this.projects.applyPostgresSettings(p.user, ref, values));
    // pg_reload_conf() only signals the server: a read right after may still see the old values for a moment.
    for (let attempt = 0; ; attempt++) {
      const now = await this.deps.settings.postgresConfig(p, ref);
      const applied = (Object.entries(values) as Array<[PostgresTenantSetting, string | undefined]>).every(
        ([k, v]) => v === undefined || tenantSettingValue(k, String(now[k] ?? "")) === tenantSettingValue(k, v),
      );
      if (applied || attempt >= 10) return now;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
