// buildStackSpec: a project's whole Supabase stack as data, from the template
// version the project runs. Pure apart from reading the (cached) template
// files: no Docker, no database.
import { withLogPath } from "@/lib/stack/log-path";
import { applyPoolerSettings } from "@/lib/stack/pooler";
import { createHash } from "node:crypto";
import {
  formatHostPorts,
  LABELS,
  METADATA_VOLUME,
  type FileSpec,
  type ServiceName,
  type ServiceSpec,
  type StackSpec,
  type MountSpec,
  type PortSpec,
} from "@/lib/stack/types";
import type { ProjectSecrets } from "@/lib/stack/secrets";
import { steadyHealthcheck } from "@/lib/stack/healthcheck";
import {
  DEFAULT_STOP_GRACE_MS,
  durationMs,
  LATEST_STACK_VERSION,
  loadTemplate,
  substitute,
  templateImage,
  templateServices,
  TemplateError,
  type Template,
} from "@/lib/stack/template";
import { REF_PATTERN } from "@/lib/validations/project";
import { INSTALLATION_ID_PATTERN } from "@/lib/installation/id";
import { defaultBudget, limitsFor, type ProjectBudget } from "@/lib/stack/limits";
import { authTemplateVars, type AuthSettings } from "@/lib/stack/auth-config";

export { LATEST_STACK_VERSION };

export interface StackInput {
  ref: string;
  /** The installation making the stack: on every resource's labels. */
  installationId: string;
  /** The project's metadata sealed under the master key (lib/projects/metadata.ts). */
  sealedMetadata: string;
  name?: string;
  /** The template version the project runs (Project.stackVersion), never "the newest" implicitly. */
  stackVersion: string;
  secrets: ProjectSecrets;
  /** The project's Auth settings; undefined: DEFAULT_AUTH_SETTINGS. */
  auth?: AuthSettings;
  /**
   * The Edge Functions' secrets (name → value): environment variables of the
   * functions container only. The template's own variables win; the API
   * refuses those names anyway (lib/functions/secrets.ts).
   */
  functionSecrets?: Record<string, string>;
  /** Logs and analytics (Logflare + Vector): an installation setting, off by default as upstream. */
  analytics: boolean;
  ports: { kongHttp: number; postgres: number; pooler: number };
  /** Memory and CPU the project gets (its owner's plan); default: limits.yml's default plan. */
  budget?: ProjectBudget;
  /** Largest Storage upload in bytes (its owner's plan); default upstream's 50 MiB (docker-compose.yml FILE_SIZE_LIMIT). */
  fileSizeLimitBytes?: number;
  /** Host address the database ports (session and transaction pooler) are published on. Default 0.0.0.0. */
  dbBindAddress?: string;
  /** The project's own pooler certificate (PEM, lib/crypto/pooler-ca.ts): the pooler speaks TLS with it. */
  poolerTls?: { certPem: string; keyPem: string };
  /** The project network's leased subnet; undefined: Docker's default pools (projects made before subnet leases). */
  subnet?: string;
  /** <scheme>://<ref>.<domain> */
  publicUrl: string;
  /** Docker's steady-state health-check interval (at least; a template's longer one stays); default STEADY_HEALTH_INTERVAL_MS. */
  healthIntervalMs?: number;
  /** key = service name or "*" */
  imageOverrides: Record<string, string>;
}

/**
 * Who owns a file we hand a service: a path its image contract marks as
 * holding secrets is 0600 and owned by the account the image reads it as
 * (e.g. kong:2.8.1 runs as kong, 100:65533); everything else is 0644 root (the
 * SQL and configs take their secrets from the container's environment).
 */
function fileOwner(template: Template, service: ServiceName, path: string): { mode: number; uid: number; gid: number } {
  const contract = template.contracts[service];
  if (!contract?.reads.find((r) => r.path === path)?.secret) return { mode: 0o644, uid: 0, gid: 0 };
  const { uid, gid } = contract.user;
  if (uid === null || gid === null)
    throw new TemplateError(`${template.version}: ${path} holds secrets, but the ${service} contract does not name its uid and gid`);
  return { mode: 0o600, uid, gid };
}

export function containerName(ref: string, service: string): string {
  return `supafleet-${ref}-${service}`;
}

/** Envoy's basic_auth user list entry: "user:{SHA}base64(sha1(password))" (upstream volumes/api/envoy/docker-entrypoint.sh). */
function htpasswdSha(user: string, password: string): string {
  return `${user}:{SHA}${createHash("sha1").update(password).digest("base64")}`;
}

export function templateVars(input: StackInput): Record<string, string> {
  const s = input.secrets;
  const keys = s.apiKeys;
  return {
    REF: input.ref,
    CONTAINER_PREFIX: `supafleet-${input.ref}-`,
    REALTIME_TENANT: input.ref,
    POOLER_TENANT_ID: input.ref,
    POSTGRES_HOST: "db",
    POSTGRES_PORT: "5432",
    POSTGRES_DB: "postgres",
    POSTGRES_PASSWORD: s.postgresPassword,
    JWT_SECRET: s.jwtSecret,
    JWT_EXPIRY: "3600",
    ANON_KEY: s.anonKey,
    SERVICE_ROLE_KEY: s.serviceRoleKey,
    SUPABASE_ANON_KEY: s.anonKey,
    SUPABASE_SERVICE_KEY: s.serviceRoleKey,
    DASHBOARD_USERNAME: s.dashboardUsername,
    DASHBOARD_PASSWORD: s.dashboardPassword,
    SECRET_KEY_BASE: s.secretKeyBase,
    VAULT_ENC_KEY: s.vaultEncKey,
    PG_META_CRYPTO_KEY: s.pgMetaCryptoKey,
    LOGFLARE_PUBLIC_ACCESS_TOKEN: s.logflarePublicToken,
    LOGFLARE_PRIVATE_ACCESS_TOKEN: s.logflarePrivateToken,
    S3_PROTOCOL_ACCESS_KEY_ID: s.s3AccessKeyId,
    S3_PROTOCOL_ACCESS_KEY_SECRET: s.s3AccessKeySecret,
    // Only where a version uses them; a version that needs them and a project without them fails the build.
    ...(keys
      ? {
          SUPABASE_PUBLISHABLE_KEY: keys.publishableKey,
          SUPABASE_SECRET_KEY: keys.secretKey,
          ANON_KEY_ASYMMETRIC: keys.anonKeyAsymmetric,
          SERVICE_ROLE_KEY_ASYMMETRIC: keys.serviceRoleKeyAsymmetric,
          JWT_KEYS: keys.jwtKeys,
          JWT_JWKS: keys.jwtJwks,
        }
      : {}),
    DASHBOARD_BASIC_AUTH: htpasswdSha(s.dashboardUsername, s.dashboardPassword),
    SUPABASE_PUBLIC_URL: input.publicUrl,
    API_EXTERNAL_URL: input.publicUrl,
    // Upstream from June 2026 (docker/.env.example): Auth's external URL includes /auth/v1.
    AUTH_EXTERNAL_URL: `${input.publicUrl}/auth/v1`,
    // RFC 8414 3.1: the well-known segment goes between host and path (upstream's Envoy entrypoint derives it from JWT_ISSUER).
    WELL_KNOWN_OAUTH_PATH: "/.well-known/oauth-authorization-server/auth/v1",
    // Upstream's default (docker/.env.example) for the Realtime DB_ENC_KEY it falls back to.
    REALTIME_DB_ENC_KEY: "supabaserealtime",
    LOGS_ENABLED: input.analytics ? "true" : "false",
    DISABLE_SIGNUP: "false",
    ENABLE_EMAIL_SIGNUP: "true",
    ENABLE_ANONYMOUS_USERS: "false",
    ...authTemplateVars(input.auth, s.smtpPassword),
    MAILER_URLPATHS_INVITE: "/auth/v1/verify",
    MAILER_URLPATHS_CONFIRMATION: "/auth/v1/verify",
    MAILER_URLPATHS_RECOVERY: "/auth/v1/verify",
    MAILER_URLPATHS_EMAIL_CHANGE: "/auth/v1/verify",
    STUDIO_DEFAULT_ORGANIZATION: "Supafleet",
    STUDIO_DEFAULT_PROJECT: input.name ?? input.ref,
    PGRST_DB_SCHEMAS: POSTGREST_DB_SCHEMAS,
    IMGPROXY_ENABLE_WEBP_DETECTION: "true",
    IMGPROXY_AUTO_WEBP: "true",
    // Deviation from upstream's .env.example ("false"): Supabase's platform
    // deploys functions with JWT verification on, and a project here is
    // public; the router accepts the legacy keys (HS256) and Auth's ES256 tokens.
    FUNCTIONS_VERIFY_JWT: "true",
    GLOBAL_S3_BUCKET: "stub",
    STORAGE_FILE_SIZE_LIMIT: String(input.fileSizeLimitBytes ?? DEFAULT_FILE_SIZE_LIMIT_BYTES),
    STORAGE_TENANT_ID: "stub",
    REGION: "local",
    POOLER_DEFAULT_POOL_SIZE: String(POOLER_DEFAULT_POOL_SIZE),
    POOLER_MAX_CLIENT_CONN: String(POOLER_MAX_CLIENT_CONN),
    POOLER_DB_POOL_SIZE: "5",
    KONG_HTTP_PORT: String(input.ports.kongHttp),
    POSTGRES_PUBLIC_PORT: String(input.ports.postgres),
    POOLER_PUBLIC_PORT: String(input.ports.pooler),
    DB_BIND_ADDRESS: input.dbBindAddress ?? "0.0.0.0",
  };
}

function parsePort(spec: string): PortSpec {
  const m = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(\d+):(\d+)(?:\/tcp)?$/.exec(spec);
  if (!m) throw new TemplateError(`unsupported port mapping "${spec}"`);
  return { hostIp: m[1] ?? "0.0.0.0", hostPort: Number(m[2]), containerPort: Number(m[3]) };
}

// Only the files a version lists under x-supafleet.rendered carry Supafleet
// placeholders; the SQL, pooler script and edge functions are copied verbatim
// (they read the container's environment, and function code has its own
// "${...}" template literals).
function fileSpec(template: Template, service: ServiceName, source: string, target: string, vars: Record<string, string>): FileSpec {
  const clean = source.replace(/^\.\//, "");
  const text = template.file(clean);
  return { path: target, content: template.rendered.has(clean) ? substitute(text, vars, clean) : text, ...fileOwner(template, service, target) };
}

export function buildStackSpec(input: StackInput): StackSpec {
  if (!REF_PATTERN.test(input.ref)) throw new TemplateError(`invalid ref "${input.ref}"`);
  if (!INSTALLATION_ID_PATTERN.test(input.installationId)) throw new TemplateError(`invalid installation id "${input.installationId}"`);
  const template = loadTemplate(input.stackVersion);
  const version = template.version;
  const compose = template.compose;
  const enabled = new Set<string>(templateServices(version, { analytics: input.analytics }));
  const vars = templateVars(input);
  const ref = input.ref;
  const base = {
    [LABELS.managed]: "true",
    [LABELS.installation]: input.installationId,
    [LABELS.ref]: ref,
    [LABELS.stackVersion]: version,
  };
  const hostPorts = formatHostPorts({ KONG_HTTP: input.ports.kongHttp, POSTGRES: input.ports.postgres, POOLER: input.ports.pooler });
  const volumeName = (name: string) => `supafleet-${ref}-${name}`;
  const namedVolumes = new Set(Object.keys(compose.volumes ?? {}));
  if (namedVolumes.has(METADATA_VOLUME)) throw new TemplateError(`the volume name "${METADATA_VOLUME}" is Supafleet's own`);

  const services: ServiceSpec[] = [];
  for (const [name, svc] of Object.entries(compose.services)) {
    if (!enabled.has(name)) continue;
    const service = name as ServiceName;
    const where = `service ${name}`;
    const sub = (v: string) => substitute(v, vars, where);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(svc.environment ?? {})) env[k] = sub(String(v));
    env.SUPAFLEET_SERVICE = service;
    env.SUPAFLEET_REF = ref;

    const mounts: MountSpec[] = [];
    const files: FileSpec[] = [];
    for (const entry of svc.volumes ?? []) {
      const [rawSource, target, opts] = sub(entry).split(":");
      if (!rawSource || !target) throw new TemplateError(`${where}: bad volume "${entry}"`);
      const readOnly = opts?.split(",").includes("ro") ?? false;
      if (rawSource.startsWith("./")) files.push(fileSpec(template, service, rawSource, target, vars));
      else if (namedVolumes.has(rawSource)) mounts.push({ type: "volume", source: volumeName(rawSource), target, readOnly });
      // No host paths: a tenant container never sees the host (least of all the Docker socket).
      else throw new TemplateError(`${where}: volume source "${rawSource}" is neither a template file nor a named volume`);
    }
    for (const entry of svc.files ?? []) {
      const [source, target] = sub(entry).split(":");
      if (!source || !target) throw new TemplateError(`${where}: bad file "${entry}"`);
      files.push(fileSpec(template, service, source, target, vars));
    }

    services.push({
      service,
      containerName: containerName(ref, service),
      image: templateImage(version, service, input.imageOverrides),
      aliases: [service, ...(svc.aliases ?? []).map(sub)],
      env,
      entrypoint: svc.entrypoint?.map(sub),
      cmd: svc.command?.map(sub),
      mounts,
      ports: (svc.ports ?? []).map((p) => parsePort(sub(p))),
      files,
      healthcheck: steadyHealthcheck(svc.healthcheck, template.contracts[service]?.imageHealthcheck.value, input.healthIntervalMs, sub),
      dependsOn: Object.entries(svc.depends_on ?? {}).flatMap(([dep, c]) => {
        const target = compose.services[dep];
        if (!target) throw new TemplateError(`${where}: depends on unknown ${dep}`);
        // An optional service that is off is not waited for (compose would refuse; upstream moved them to an overlay file).
        if (!enabled.has(dep)) {
          if (!target.profiles?.length) throw new TemplateError(`${where}: depends on ${dep}, which is not in the stack`);
          return [];
        }
        return [{ service: dep as ServiceName, condition: c.condition }];
      }),
      labels: { ...base, [LABELS.service]: service, [LABELS.hostPorts]: hostPorts },
      stopGraceSeconds: Math.ceil(durationMs(svc.stop_grace_period, DEFAULT_STOP_GRACE_MS) / 1000),
      limits: limitsFor(version, service, input.budget ?? defaultBudget()),
    });
  }
  if (input.functionSecrets && Object.keys(input.functionSecrets).length) {
    const functions = services.find((s) => s.service === "functions");
    if (!functions) throw new TemplateError("function secrets need a functions service");
    for (const [name, value] of Object.entries(input.functionSecrets)) if (!(name in functions.env)) functions.env[name] = value;
  }
  applyPoolerSettings(services, { secretKeyBase: input.secrets.secretKeyBase, tls: input.poolerTls });
  return {
    ref,
    installationId: input.installationId,
    stackVersion: version,
    network: { name: `supafleet-${ref}`, labels: { ...base }, ...(input.subnet ? { subnet: input.subnet } : {}) },
    volumes: [...namedVolumes, METADATA_VOLUME].map((v) => ({ name: volumeName(v), labels: { ...base, [LABELS.volume]: v } })),
    services: withLogPath(services, input.subnet),
    metadata: { volume: volumeName(METADATA_VOLUME), sealed: input.sealedMetadata },
  };
}

/** Upstream's FILE_SIZE_LIMIT (docker-compose.yml: 52428800), for plans without their own. */
export const DEFAULT_FILE_SIZE_LIMIT_BYTES = 50 * 1024 * 1024;

/** One of the project's rendered template files (e.g. the gateway config it enforces). */
export function renderTemplateFile(input: StackInput, relative: string): string {
  return substitute(loadTemplate(input.stackVersion).file(relative), templateVars(input), relative);
}

/** Supavisor's pool per project, as the Management API reports it (GET …/config/database/pooler). */
export const POOLER_DEFAULT_POOL_SIZE = 20;
export const POOLER_MAX_CLIENT_CONN = 100;
/** The schemas PostgREST serves in every project (PGRST_DB_SCHEMAS). */
export const POSTGREST_DB_SCHEMAS = "public,storage,graphql_public";
