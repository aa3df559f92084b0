// The profile, organization, rename, backups, add-ons, pooler, Storage and
// Postgres configuration and migrations operations (lib/api/settings-api.ts):
// each response Supafleet builds fits upstream's response schema with no
// field upstream lacks (the committed excerpt
// test/fixtures/upstream-openapi-settings.json of supabase/cli
// packages/api/src/generated/openapi.json, commit
// 627e534b4f2b5f2f367e7e9a46fc4a0975a92ebe), and the operations match
// upstream's paths, ids, statuses and parameters. Migrations and the Postgres
// settings run on a real PostgreSQL server, through the same SQL runner as
// POST …/database/query.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settingsOperations } from "@/lib/api/settings-operations";
import { featureOperations } from "@/lib/api/feature-operations";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { SettingsApi, type SettingsProjects, type WithDatabase } from "@/lib/api/settings-api";
import { DEFAULT_QUERY_LIMITS, runSql, type QueryTarget } from "@/lib/api/database-query";
import { migrationVersion } from "@/lib/api/migrations";
import type { ProjectDetails } from "@/lib/projects/queries";
import type { BackupView } from "@/lib/backups/view";
import type { TokenPrincipal } from "@/lib/tokens/service";
import { NotFoundError, QueryFailedError } from "@/lib/errors";
import { checkAgainst } from "@/test/support/json-schema-check";
import { startPostgres, type PgServer } from "@/test/support/postgres-server";

type Op = { operationId: string; parameters?: Array<{ name: string; in: string }>; responses: Record<string, unknown>; requestBody?: unknown };
type Upstream = { "x-source": { commit: string }; paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, Record<string, unknown>> } };
const upstream = JSON.parse(readFileSync("test/fixtures/upstream-openapi-settings.json", "utf8")) as Upstream;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const check = (name: string, value: unknown) => checkAgainst(upstream, ref(name), value, { noExtra: true });
const checkArray = (name: string, value: unknown) => checkAgainst(upstream, { type: "array", items: ref(name) }, value, { noExtra: true });

const REF = "abcdefghijklmnopqrst";
const principal: TokenPrincipal = {
  tokenId: "t1",
  admin: false,
  user: { id: "user-1", email: "ada@example.com", name: "Ada", role: "USER" },
} as TokenPrincipal;

function details(over: Partial<ProjectDetails> = {}): ProjectDetails {
  return {
    ref: REF,
    name: "Acme",
    region: "eu-west-1",
    status: "ACTIVE_HEALTHY",
    dbHost: `${REF}.example.test`,
    dbPort: 54012,
    // Without the shared Postgres port, the session pooler's own port (lib/projects/queries.ts getProjectDetails).
    publicDbPort: 54012,
    poolerPort: 54013,
    ...over,
  } as ProjectDetails;
}

function fakeProjects(): SettingsProjects & { renamed: string[] } {
  const renamed: string[] = [];
  return {
    renamed,
    getProjectDetails: async (_a, r) => {
      if (r !== REF) throw new NotFoundError("Project not found.");
      return details();
    },
    renameProject: async (_a, input) => {
      const { name } = input as { name: string };
      renamed.push(name);
      return { ref: REF, name };
    },
    storageLimits: async () => ({ fileSizeLimitBytes: 52_428_800 }),
  };
}

const backupRows: BackupView[] = [
  { id: "b2", kind: "MANUAL", status: "SUCCEEDED", startedAt: "2026-12-07T02:00:00.000Z", finishedAt: "2026-12-07T02:00:05.000Z" },
  { id: "b1", kind: "SCHEDULED", status: "FAILED", startedAt: "2026-12-06T02:00:00.000Z", finishedAt: "2026-12-06T02:00:01.000Z" },
  { id: "b3", kind: "MANUAL", status: "RUNNING", startedAt: "2026-12-07T03:00:00.000Z", finishedAt: null },
] as BackupView[];

describe("the fixture and the operation table", () => {
  it("is the cited excerpt", () => {
    expect(upstream["x-source"].commit).toBe("627e534b4f2b5f2f367e7e9a46fc4a0975a92ebe");
    expect(Object.keys(settingsOperations).length).toBe(12);
    expect(Object.keys(featureOperations).length).toBe(6);
  });

  for (const [name, o] of Object.entries({ ...settingsOperations, ...featureOperations })) {
    it(`${name}: ${o.method} ${o.path} as upstream declares it`, () => {
      const u = upstream.paths[o.path]?.[o.method.toLowerCase()];
      expect(u, `${o.method} ${o.path} in upstream's document`).toBeDefined();
      expect(o.operationId).toBe(u!.operationId);
      expect(Object.keys(u!.responses)).toContain(String(o.success.status));
      const upstreamParams = new Set((u!.parameters ?? []).map((p) => `${p.in}:${p.name}`));
      const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, { parameters: Array<{ name: string; in: string }> }>> };
      for (const p of doc.paths[o.path]![o.method.toLowerCase()]!.parameters)
        expect(upstreamParams, `${p.in} parameter ${p.name}`).toContain(`${p.in}:${p.name}`);
      const types = Object.keys(((u!.requestBody ?? {}) as { content?: Record<string, unknown> }).content ?? {});
      if (o.body) expect(types).toContain("application/json");
      else expect(types).toEqual([]);
    });
  }
});

describe("responses fit upstream's schemas", () => {
  const noDb: WithDatabase = async () => {
    throw new Error("no database in this test");
  };
  const pitrOff = async () => ({ enabled: false, days: 7, ranges: [] });
  const noRestore = async () => {
    throw new Error("no restore in this test");
  };
  const api = new SettingsApi(fakeProjects(), {
    backups: { listBackups: async () => backupRows, pitrWindow: pitrOff, restoreToPoint: noRestore },
    withDatabase: noDb,
  });

  it("profile and organization; another organization is a 404", () => {
    expect(check("V1ProfileResponse", api.profile(principal))).toEqual([]);
    expect(api.profile(principal)).toEqual({ gotrue_id: "user-1", primary_email: "ada@example.com", username: "Ada" });
    expect(check("V1OrganizationSlugResponse", api.organization(principal, "user-1"))).toEqual([]);
    expect(() => api.organization(principal, "someone-else")).toThrow(NotFoundError);
  });

  it("rename goes through the service and answers V1ProjectRefResponse", async () => {
    const projects = fakeProjects();
    const a = new SettingsApi(projects, { withDatabase: noDb });
    const out = await a.rename(principal, REF, "New name");
    expect(projects.renamed).toEqual(["New name"]);
    expect(check("V1ProjectRefResponse", out)).toEqual([]);
    expect(out.ref).toBe(REF);
  });

  it("backups: statuses in upstream's words, physical data from the finished ones", async () => {
    const out = await api.backups(principal, REF);
    expect(check("V1BackupsResponse", out)).toEqual([]);
    expect(out.backups.map((b) => b.status)).toEqual(["COMPLETED", "FAILED", "PENDING"]);
    expect(out.physical_backup_data).toEqual({
      earliest_physical_backup_date_unix: Date.parse("2026-12-07T02:00:05.000Z") / 1000,
      latest_physical_backup_date_unix: Date.parse("2026-12-07T02:00:05.000Z") / 1000,
    });
    await expect(api.backups(principal, "zzzzzzzzzzzzzzzzzzzz")).rejects.toThrow(NotFoundError);
  });

  it("add-ons, pooler and Storage configuration", async () => {
    expect(check("ListProjectAddonsResponse", await api.addons(principal, REF))).toEqual([]);
    const pooler = await api.poolerConfig(principal, REF);
    expect(checkArray("SupavisorConfigResponse", pooler)).toEqual([]);
    // The CLI caches the first PRIMARY's URL for migrations, run in session mode (apps/cli-go/internal/link/link.go updatePoolerConfig).
    expect(pooler.map((p) => [p.pool_mode, p.db_port])).toEqual([
      ["session", 54012],
      ["transaction", 54013],
    ]);
    expect(pooler[0]!.connection_string).toBe(`postgresql://postgres.${REF}:[YOUR-PASSWORD]@${REF}.example.test:54012/postgres`);
    const storage = await api.storageConfig(principal, REF);
    expect(check("StorageConfigResponse", storage)).toEqual([]);
    expect(storage.fileSizeLimit).toBe(52_428_800);
  });
});

describe("features Supafleet does not offer, answered as for a project without them", () => {
  const api = new SettingsApi(fakeProjects(), { withDatabase: async () => Promise.reject(new Error("no database in this test")) });

  it("fit upstream's schemas and say what is true here", async () => {
    const ssl = await api.sslEnforcement(principal, REF);
    expect(check("SslEnforcementResponse", ssl)).toEqual([]);
    expect(ssl.currentConfig.database).toBe(false);
    expect(check("NetworkRestrictionsResponse", await api.networkRestrictions(principal, REF))).toEqual([]);
    const rest = await api.postgrestConfig(principal, REF);
    expect(check("PostgrestConfigWithJWTSecretResponse", rest)).toEqual([]);
    expect(rest.db_schema).toBe("public,storage,graphql_public");
    expect(check("VanitySubdomainConfigResponse", await api.vanitySubdomain(principal, REF))).toEqual([]);
    const ro = await api.readOnlyMode(principal, REF);
    expect(check("ReadOnlyStatusResponse", ro)).toEqual([]);
    expect(ro.enabled).toBe(false);
    expect(checkArray("BranchResponse", await api.branches(principal, REF))).toEqual([]);
  });

  it("still check ownership (another ref is a 404)", async () => {
    const other = "zzzzzzzzzzzzzzzzzzzz";
    const calls: Array<() => Promise<unknown>> = [
      () => api.sslEnforcement(principal, other),
      () => api.networkRestrictions(principal, other),
      () => api.postgrestConfig(principal, other),
      () => api.vanitySubdomain(principal, other),
      () => api.readOnlyMode(principal, other),
      () => api.branches(principal, other),
    ];
    for (const c of calls) await expect(c()).rejects.toThrow(NotFoundError);
  });
});

describe("migrations and Postgres settings on a real PostgreSQL server", () => {
  let pgs: PgServer;
  let target: QueryTarget;
  let api: SettingsApi;

  beforeAll(async () => {
    pgs = await startPostgres();
    const url = new URL(await pgs.createDatabase("settings_api"));
    target = { host: url.hostname, port: Number(url.port), user: "postgres", password: decodeURIComponent(url.password), database: "settings_api" };
    const withDatabase: WithDatabase = (_p, _ref, fn) => fn(target, DEFAULT_QUERY_LIMITS);
    api = new SettingsApi(fakeProjects(), { withDatabase });
  }, 120_000);
  afterAll(async () => {
    await pgs?.stop();
  });

  it("lists nothing before the CLI's table exists, then what was applied, in order", async () => {
    expect(await api.migrations(principal, REF)).toEqual([]);
    await api.applyMigration(principal, REF, { query: "create table public.widgets(id bigint primary key); -- trailing comment", name: "create_widgets" });
    const list = await api.migrations(principal, REF);
    expect(checkAgainst(upstream, ref("V1ListMigrationsResponse"), list, { noExtra: true })).toEqual([]);
    expect(list).toHaveLength(1);
    expect(list[0]!.name).toBe("create_widgets");
    expect(list[0]!.version).toMatch(/^\d{14}$/);
    const [row] = await runSql(target, { query: "select statements from supabase_migrations.schema_migrations" });
    expect(row!.statements).toEqual(["create table public.widgets(id bigint primary key); -- trailing comment"]);
    expect(await runSql(target, { query: "select to_regclass('public.widgets') is not null as present" })).toEqual([{ present: true }]);
  });

  it("records nothing when the query fails (one transaction)", async () => {
    const before = await api.migrations(principal, REF);
    await expect(
      api.applyMigration(principal, REF, { query: "create table public.gadgets(id int); select no_such_function()", name: "broken" }),
    ).rejects.toThrow(QueryFailedError);
    expect(await api.migrations(principal, REF)).toEqual(before);
    expect(await runSql(target, { query: "select to_regclass('public.gadgets') is not null as present" })).toEqual([{ present: false }]);
  });

  it("keeps a name with quotes and backslashes as given", async () => {
    await new Promise((r) => setTimeout(r, 1100)); // a new version (one per second, as the CLI's timestamps)
    await api.applyMigration(principal, REF, { query: "select 1", name: `it's a \\ test` });
    expect((await api.migrations(principal, REF)).map((m) => m.name)).toContain(`it's a \\ test`);
  });

  it("reads the running settings in upstream's shape", async () => {
    const cfg = await api.postgresConfig(principal, REF);
    expect(check("PostgresConfigResponse", cfg)).toEqual([]);
    expect(typeof cfg.max_connections).toBe("number");
    expect(cfg.statement_timeout).toMatch(/^\d+(us|ms|s|min|h|d)?$/);
  });

  it("writes versions as the CLI does: the UTC time, YYYYMMDDHHMMSS", () => {
    expect(migrationVersion(new Date("2026-12-07T06:05:09.123Z"))).toBe("20261207060509");
  });
});
