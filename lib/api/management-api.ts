// The Management API's operations on top of the same ProjectService the web
// UI uses: same ownership checks, quotas, state rules and status words. This
// layer only translates: who acts (a token's principal), and the shapes of
// Supabase's API.
//
// Scope: a user token acts on its owner's projects. An admin token (made by
// an administrator, honoured while they still are one) also lists, reads,
// pauses, restores and deletes anyone's project, as the admin console can;
// it does not read other users' keys, read or change their Auth settings
// (their SMTP account) or run SQL in their databases, which the admin console
// cannot either (lib/projects/queries.ts getProjectDetails and
// lib/projects/auth-settings.ts are owner-only).
import { ACTIVE_STATUSES, isStatusIn, TRANSITIONAL_STATUSES } from "@/lib/domain";
import { NotFoundError, InvalidStateError } from "@/lib/errors";
import type { ProjectService } from "@/lib/projects/service";
import type { TokenPrincipal } from "@/lib/tokens/service";
import type { CreateProjectBody, HealthServiceName, RunQueryBody } from "@/lib/api/schemas";
import type { UpdateAuthConfigBody } from "@/lib/api/auth-config-schemas";
import { projectKeys, v1ApiKeys, type V1ApiKey } from "@/lib/api/api-keys";
import { authSettingsFromPatch, v1AuthConfig, type V1AuthConfig } from "@/lib/api/auth-config";
import { runSql, type QueryLimits, type QueryTarget, DEFAULT_QUERY_LIMITS } from "@/lib/api/database-query";
import { SettingsApi, type BackupLister } from "@/lib/api/settings-api";
import { QueryGate, type QueryConcurrency } from "@/lib/api/query-gate";
import { ConfigWriteApi } from "@/lib/api/config-write-api";
import { LogsApi } from "@/lib/api/logs-api";
import { serviceHealth, type V1ServiceHealth } from "@/lib/api/health";
import type { BulkUpdateFunctionBody, CreateSecretBody, DeployMetadata, V1Function, V1Secret } from "@/lib/api/function-schemas";
import { deployMetadataSchema } from "@/lib/api/function-schemas";
import { functionBodyResponse, v1Function } from "@/lib/api/functions";
import { parseInput, readBoundedBody } from "@/lib/api/request";
import { multipartBoundary, parseDeployForm } from "@/lib/functions/multipart";
import { MAX_FILES } from "@/lib/functions/layout";
import type { OrganizationService } from "@/lib/orgs/service";
import type { CreateOrganizationBody } from "@/lib/api/schemas";
import {
  v1Member,
  v1Organization,
  v1Project,
  v1ProjectRef,
  v1ProjectWithDatabase,
  type V1Organization,
  type V1OrganizationDetail,
  type V1OrganizationMember,
  type V1Project,
  type V1ProjectRef,
  type V1ProjectWithDatabase,
} from "@/lib/api/views";

export interface ManagementApiConfig {
  /** The image projects run for db: the API reports its Postgres version. */
  dbImage: string;
  /** Where the host reaches a project's Supavisor (its leased POSTGRES port). */
  databaseHost: string;
  queryLimits?: QueryLimits;
  /** Largest deploy of one function, in bytes of files (SUPAFLEET_FUNCTION_MAX_MB); default 20 MB. */
  functionMaxBytes?: number;
  /** SQL queries running at once, per user and in all. */
  queryConcurrency?: QueryConcurrency;
  /** The project's backups (GET …/database/backups); without it that operation says backups are not available. */
  backups?: BackupLister;
  /** Organizations and members (the composition root's OrganizationService). */
  organizations: OrganizationService;
}

/** A token's principal and the client's address key (lib/rate-limit/client-ip.ts), for the service's throttles. */
export interface ApiCaller extends TokenPrincipal {
  address: string;
}
export const DEFAULT_FUNCTION_MAX_BYTES = 20 * 1024 * 1024;
/** Room for the metadata part and the multipart framing around the files. */
const MULTIPART_OVERHEAD = 1024 * 1024;

const PAGE = 100;

export class ManagementApi {
  private readonly queries: QueryGate;
  private readonly orgs: OrganizationService;
  /** Profile, organization, rename, backups, connection and configuration reads, migrations. */
  readonly settings: SettingsApi;
  /** The CLI's login roles, Storage's file size limit, the allow-listed Postgres settings. */
  readonly writes: ConfigWriteApi;
  /** GET …/analytics/endpoints/logs.all, from the containers' logs. */
  readonly logs: LogsApi;

  constructor(
    private readonly projects: ProjectService,
    private readonly config: ManagementApiConfig,
  ) {
    this.queries = new QueryGate(config.queryConcurrency);
    this.orgs = config.organizations;
    this.settings = new SettingsApi(projects, { backups: config.backups, withDatabase: (p, ref, fn) => this.withDatabase(p, ref, fn) });
    this.logs = new LogsApi(projects, (userId, fn) => this.queries.run(userId, fn));
    this.writes = new ConfigWriteApi(projects, { gate: (userId, fn) => this.queries.run(userId, fn), settings: this.settings });
  }

  private scope(p: TokenPrincipal) {
    return { asAdmin: p.admin };
  }

  /** The scope plus the client's address: creates, deletes and restores are charged to the same limits as the dashboard's. */
  private call(p: ApiCaller) {
    return { asAdmin: p.admin, address: p.address };
  }

  // ---- organizations: a token acts with its owner's role in each (lib/orgs/permissions.ts) ----

  async listOrganizations(p: TokenPrincipal): Promise<V1Organization[]> {
    return (await this.orgs.listMine(p.user)).map(v1Organization);
  }

  async createOrganization(p: TokenPrincipal, body: CreateOrganizationBody): Promise<V1Organization> {
    return v1Organization(await this.orgs.create(p.user, body));
  }

  async getOrganization(p: TokenPrincipal, slug: string): Promise<V1OrganizationDetail> {
    const org = await this.orgs.get(p.user, slug);
    return { id: org.slug, name: org.name, opt_in_tags: [], allowed_release_channels: ["ga"] };
  }

  async listOrganizationMembers(p: TokenPrincipal, slug: string): Promise<V1OrganizationMember[]> {
    return (await this.orgs.listMembers(p.user, slug)).map(v1Member);
  }

  async listProjects(p: TokenPrincipal): Promise<V1ProjectWithDatabase[]> {
    if (!p.admin) {
      const own = await this.projects.listProjects(p.user);
      return own.map((s) => v1ProjectWithDatabase(s, s.organizationId ?? p.user.id, this.config.dbImage));
    }
    const out: V1ProjectWithDatabase[] = [];
    // Bounded by the number of projects; pages keep each query small.
    for (let skip = 0; ; skip += PAGE) {
      const page = await this.projects.listAllProjects(p.user, { take: PAGE, skip });
      for (const s of page.projects) out.push(v1ProjectWithDatabase(s, s.organizationId ?? s.owner?.id ?? p.user.id, this.config.dbImage));
      if (page.projects.length < PAGE || skip + PAGE >= page.total) break;
    }
    return out;
  }

  async createProject(p: ApiCaller, body: CreateProjectBody): Promise<V1Project> {
    // In an organization where the caller's role may create projects, admin or not (the id, deprecated, is the same value).
    if (body.organization_id !== undefined && body.organization_id !== body.organization_slug) throw new NotFoundError("Organization not found.");
    const org = await this.orgs.require(p.user, body.organization_slug, "project.create");
    const created = await this.projects.createProject(
      p.user,
      { name: body.name, region: body.region ?? body.region_selection?.code, organization: org.id },
      { address: p.address },
    );
    return v1Project(created, org.slug);
  }

  async getProject(p: TokenPrincipal, ref: string): Promise<V1ProjectWithDatabase> {
    const s = await this.projects.getProjectWithOwner(p.user, ref, this.scope(p));
    return v1ProjectWithDatabase(s, s.organizationId ?? s.owner.id, this.config.dbImage);
  }

  async deleteProject(p: ApiCaller, ref: string): Promise<V1ProjectRef> {
    const s = await this.projects.getProject(p.user, ref, this.scope(p));
    await this.projects.deleteProject(p.user, { ref, confirmRef: ref }, this.call(p));
    return v1ProjectRef(s);
  }

  async pauseProject(p: TokenPrincipal, ref: string): Promise<void> {
    await this.projects.pauseProject(p.user, ref, this.scope(p));
  }

  async restoreProject(p: ApiCaller, ref: string): Promise<void> {
    await this.projects.resumeProject(p.user, ref, this.call(p));
  }

  async servicesHealth(p: TokenPrincipal, ref: string, services: HealthServiceName[]): Promise<V1ServiceHealth[]> {
    const project = await this.projects.getProject(p.user, ref, this.scope(p));
    return serviceHealth(services, await this.projects.serviceStatus(p.user, ref, this.scope(p)), isStatusIn(project.status, TRANSITIONAL_STATUSES));
  }

  async apiKeys(p: TokenPrincipal, ref: string, reveal: boolean): Promise<V1ApiKey[]> {
    const details = await this.projects.getProjectDetails(p.user, ref);
    return v1ApiKeys(projectKeys(details), reveal);
  }

  /** Owner only, as on the project page: the service scopes by owner, so others (admins too) get 404. */
  async authConfig(p: TokenPrincipal, ref: string): Promise<V1AuthConfig> {
    return v1AuthConfig(await this.projects.getAuthSettings(p.user, ref));
  }

  async updateAuthConfig(p: TokenPrincipal, ref: string, body: UpdateAuthConfigBody): Promise<V1AuthConfig> {
    const current = await this.projects.getAuthSettings(p.user, ref);
    // Nothing to change: no save, so auth is not restarted for nothing.
    if (Object.keys(body).length === 0) return v1AuthConfig(current);
    // The service saves under the project's lock and restarts only auth; a save
    // by someone else between this read and that write is overwritten, as on the page.
    const saved = await this.projects.saveAuthSettings(p.user, ref, authSettingsFromPatch(current, body));
    return v1AuthConfig(saved);
  }

  async runQuery(p: TokenPrincipal, ref: string, body: RunQueryBody): Promise<Record<string, unknown>[]> {
    return this.withDatabase(p, ref, (target, limits) => runSql(target, body, limits));
  }

  /** SQL on the owner's active project, as postgres through its Supavisor, under the per-user SQL gate and limits. */
  async withDatabase<T>(p: TokenPrincipal, ref: string, fn: (target: QueryTarget, limits: QueryLimits) => Promise<T>): Promise<T> {
    const d = await this.projects.getProjectDetails(p.user, ref);
    if (!isStatusIn(d.status, ACTIVE_STATUSES)) throw new InvalidStateError(`The project is ${d.status}; its database runs only while it is active.`);
    if (!d.dbPort) throw new InvalidStateError("The project has no database port.");
    const target = { host: this.config.databaseHost, port: d.dbPort, user: `postgres.${d.ref}`, password: d.dbPassword, database: "postgres" };
    // Counted per user: one user's tokens share the limit.
    return this.queries.run(p.user.id, () => fn(target, this.config.queryLimits ?? DEFAULT_QUERY_LIMITS));
  }

  // ---- Edge Functions and their secrets: owner only (the service scopes by owner; admins get 404) ----

  private get functionMaxBytes(): number {
    return this.config.functionMaxBytes ?? DEFAULT_FUNCTION_MAX_BYTES;
  }

  async listSecrets(p: TokenPrincipal, ref: string): Promise<V1Secret[]> {
    const secrets = await this.projects.listFunctionSecrets(p.user, ref);
    return secrets.map((s) => ({ name: s.name, value: s.digest, updated_at: s.updatedAt }));
  }

  async createSecrets(p: TokenPrincipal, ref: string, body: CreateSecretBody): Promise<void> {
    await this.projects.setFunctionSecrets(p.user, ref, body);
  }

  async deleteSecrets(p: TokenPrincipal, ref: string, names: string[]): Promise<void> {
    await this.projects.deleteFunctionSecrets(p.user, ref, names);
  }

  async listFunctions(p: TokenPrincipal, ref: string): Promise<V1Function[]> {
    return (await this.projects.listFunctions(p.user, ref)).map(v1Function);
  }

  async getFunction(p: TokenPrincipal, ref: string, slug: string): Promise<V1Function> {
    return v1Function(await this.projects.getFunction(p.user, ref, slug));
  }

  async functionBody(p: TokenPrincipal, ref: string, slug: string): Promise<Response> {
    const { fn, files } = await this.projects.readFunctionFiles(p.user, ref, slug, this.functionMaxBytes);
    return functionBodyResponse(fn, files);
  }

  /** POST …/functions/deploy: the multipart form `supabase functions deploy --use-api` sends. */
  async deployFunction(p: TokenPrincipal, ref: string, slug: string | undefined, req: Request): Promise<V1Function> {
    // The project must be the caller's before its body is read.
    await this.projects.getFunctionsProject(p.user, ref);
    const boundary = multipartBoundary(req.headers.get("content-type"));
    const body = await readBoundedBody(req, this.functionMaxBytes + MULTIPART_OVERHEAD);
    const form = parseDeployForm(body, boundary, { maxFiles: MAX_FILES });
    const metadata: DeployMetadata = parseInput(deployMetadataSchema, form.metadata, "body");
    const fn = await this.projects.deployFunction(p.user, ref, { slug, metadata, files: form.files, maxBytes: this.functionMaxBytes });
    return v1Function(fn);
  }

  async updateFunction(p: TokenPrincipal, ref: string, slug: string, patch: { name?: string; verify_jwt?: boolean }): Promise<V1Function> {
    return v1Function(await this.projects.updateFunction(p.user, ref, slug, { name: patch.name, verifyJwt: patch.verify_jwt }));
  }

  async deleteFunction(p: TokenPrincipal, ref: string, slug: string): Promise<void> {
    await this.projects.deleteFunction(p.user, ref, slug);
  }

  /**
   * PUT …/functions: the CLI's last step of a deploy of several functions
   * (apps/cli-go/pkg/function/deploy.go bulkUpload). Their files are already
   * in place (Supafleet serves a deploy at once, bundleOnly or not), so this
   * sets each one's name and verify_jwt; a slug never deployed is a 404.
   */
  async bulkUpdateFunctions(p: TokenPrincipal, ref: string, body: BulkUpdateFunctionBody): Promise<{ functions: V1Function[] }> {
    const out: V1Function[] = [];
    for (const f of body) {
      if (f.status !== "ACTIVE")
        throw new InvalidStateError(`Function ${f.slug}: only ACTIVE can be set here; delete a function with DELETE …/functions/${f.slug}.`);
      out.push(await this.updateFunction(p, ref, f.slug, { name: f.name, verify_jwt: f.verify_jwt }));
    }
    return { functions: out };
  }
}
