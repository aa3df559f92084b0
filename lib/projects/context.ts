// What every part of the project service shares: the database, the runtime,
// the proxy, the settings and the job runner; and the small helpers they all
// use (status writes, the project's URL, its secrets and its stack spec).
import { withWalArchive, type ArchiveSettings, type RecoveryTarget } from "@/lib/stack/wal-archive";
import type { Db } from "@/lib/db/client";
import type { PortPurpose, ProjectStatus } from "@/lib/domain";
import { describeError, InvalidStateError } from "@/lib/errors";
import { poolerCertificate, poolerHostNames, type PoolerCa } from "@/lib/crypto/pooler-ca";
import { projectAddress, projectHosts, projectPublicUrl } from "@/lib/stack/address";
import { siteUrlFollowing, withExternalHosts } from "@/lib/stack/custom-host";
import { HOSTNAME_STATUS } from "@/lib/domains/status";
import { buildStackSpec } from "@/lib/stack/build-stack-spec";
import { openProjectSecrets, type ProjectSecrets } from "@/lib/stack/secrets";
import type { AuthSettings } from "@/lib/stack/auth-config";
import type { StackSpec } from "@/lib/stack/types";
import type { JobRunner } from "@/lib/projects/jobs";
import { eventBus } from "@/lib/projects/events";
import { metadataFor, sealMetadata, type ProjectRecord } from "@/lib/projects/metadata";
import type { Provisioner } from "@/lib/projects/provisioner";
import type { SubnetPool } from "@/lib/net/cidr";
import type { ActivitySource } from "@/lib/proxy/activity";
import type { RateLimiter } from "@/lib/rate-limit/limiter";
import { budgetOf } from "@/lib/projects/admission";
import { withGeneration } from "@/lib/stack/volumes";
import { functionSecretValues } from "@/lib/functions/secrets";

export interface ProjectServiceConfig {
  portRange: { start: number; end: number };
  masterKey: Buffer;
  rootDomain: string;
  publicScheme: "http" | "https";
  publicPort?: number;
  imageOverrides: Record<string, string>;
  /** Logs and analytics (Logflare + Vector) in every stack; off by default, as upstream (SUPAFLEET_ANALYTICS). */
  analytics?: boolean;
  /** Stacks that may start at once; default defaultMaxParallelStarts(). See lib/concurrency.ts. */
  maxParallelStarts?: number;
  /** Host address for the database ports; default 0.0.0.0. */
  dbBindAddress?: string;
  /**
   * The installation's pooler CA (lib/crypto/pooler-ca.ts): each project's
   * pooler then speaks TLS with a certificate of its own issued by it (never
   * the installation's key), and connection strings ask for TLS.
   */
  poolerCa?: PoolerCa;
  /**
   * The shared Postgres port (lib/proxy/pg-router.ts), when it is on: session
   * connection strings name `<ref>.<domain>:<port>` there instead of the
   * project's own port. Needs `poolerCa` (the router passes TLS through).
   */
  pgRouterPort?: number;
  /** The filesystem the engine keeps volumes on (admission checks its free space); unset: not checked. */
  diskPath?: string;
  /** Where project networks get their subnets; without it Docker's default pools decide (about 30 networks). */
  subnetPool?: SubnetPool;
  /** Docker's steady-state health-check interval; default STEADY_HEALTH_INTERVAL_MS (lib/stack/healthcheck.ts; SUPAFLEET_HEALTH_INTERVAL). */
  healthIntervalMs?: number;
  /** Minutes an idle project stays frozen before it is stopped, unless it says otherwise; 0 = no frozen tier. Default DEFAULT_FROZEN_STOP_MIN (SUPAFLEET_FROZEN_STOP_MIN). */
  frozenStopMin?: number;
  /** With the installation's SMTP settings: only owners who confirmed their address create projects (lib/users/verification.ts). */
  requireVerifiedEmail?: boolean;
  /** The template version new projects get; default the newest (LATEST_STACK_VERSION). Tests pin an older one to run it. */
  newProjectStackVersion?: string;
  /** Continuous WAL archiving into a per-project volume, for point-in-time recovery (lib/stack/wal-archive.ts; SUPAFLEET_PITR_DAYS > 0). */
  walArchive?: ArchiveSettings;
}

export interface ProxyNotifier {
  /** Re-render and reload the proxy from the database's current state. */
  apply(): Promise<unknown>;
}

/**
 * What the project service shares with its sibling services (lib/backups):
 * one database, one runtime, one proxy, one set of settings and one job
 * runner, so a restore and a delete of the same project take the same lock.
 * The composition root (lib/services.ts) builds it once and gives it to each.
 */
export interface ProjectCore {
  db: Db;
  provisioner: Provisioner;
  proxy: ProxyNotifier;
  config: ProjectServiceConfig;
  jobs: JobRunner;
  /** Where requests to projects are seen (nginx's activity log); without it only starts count as activity. */
  activity?: ActivitySource;
  /** The throttles every entry point's creates, deletes, restarts and resumes are charged to (lib/projects/throttle.ts); none: unthrottled (tests). */
  limiter?: RateLimiter;
}

/** Work another service does inside the project service's own operations; passed to its constructor by the composition root. */
export interface ProjectHooks {
  /** Runs inside a delete's lock before anything is removed; a throw stops the delete (lib/backups keeps a final backup here). */
  beforeDelete?: (p: { id: string; ref: string }) => Promise<void>;
  /** Runs before an upgrade changes anything: a backup of the project as it is (lib/backups); a throw stops the upgrade. */
  beforeUpgrade?: (p: { id: string; ref: string }) => Promise<{ kind: "taken"; id: string } | { kind: "unavailable"; why: string }>;
}

export interface ProjectContext extends ProjectCore, ProjectHooks {}

/** The project row with what building its stack needs. */
export interface ProjectForSpec extends ProjectRecord {
  memoryMb: number | null;
  milliCpus: number | null;
  /** Largest Storage upload (MiB, its owner's plan); null/absent: upstream's default. */
  fileSizeLimitMb?: number | null;
  /** JSON of the project's Auth settings (lib/stack/auth-config.ts); null: defaults. */
  authSettings: string | null;
  /** The Edge Functions' secrets, sealed (lib/functions/secrets.ts); null or absent: none. */
  functionSecrets?: string | null;
  ports: Array<{ purpose: PortPurpose; port: number }>;
  subnet: { subnet: string } | null;
  owner: { id: string; email: string };
  /** Which set of data volumes the stack mounts (lib/stack/volumes.ts). */
  dataGeneration: number;
  /** Swarm only: the node it is pinned to (lib/projects/provision.ts places it). */
  nodeId?: string | null;
  /** Its custom hostname (lib/domains); only an active one changes the stack. */
  customDomain?: { hostname: string; status: string } | null;
}

export const PROJECT_FOR_SPEC = {
  ports: true,
  subnet: true,
  owner: { select: { id: true, email: true } },
  customDomain: { select: { hostname: true, status: true } },
} as const;

const ACTIVE_HOSTNAME: string = HOSTNAME_STATUS.active;

/** The project's active custom hostname, or null. */
export function activeCustomHost(p: Pick<ProjectForSpec, "customDomain">): string | null {
  return p.customDomain?.status === ACTIVE_HOSTNAME ? p.customDomain.hostname : null;
}

export async function setStatus(ctx: ProjectContext, id: string, status: ProjectStatus, reason: string | null): Promise<void> {
  const p = await ctx.db.project.update({ where: { id }, data: { status, statusReason: reason }, select: { ref: true } });
  eventBus.publishStatus(p.ref, { status, statusReason: reason });
}

export function secretsOf(ctx: ProjectContext, p: { ref: string; secrets: string }): ProjectSecrets {
  return openProjectSecrets(ctx.config.masterKey, p);
}

export function sealedMetadataOf(ctx: ProjectContext, p: ProjectForSpec): string {
  return sealMetadata(ctx.config.masterKey, metadataFor(ctx.provisioner.installationId, p, p.owner));
}

export function authSettingsOf(p: { authSettings: string | null }): AuthSettings | undefined {
  return p.authSettings ? (JSON.parse(p.authSettings) as AuthSettings) : undefined;
}

/**
 * The project's stack, from the template version it runs (never the newest by
 * default), on the data volumes of its recorded generation unless a restore
 * asks for the set it is filling.
 */
export function specFor(
  ctx: ProjectContext,
  p: ProjectForSpec,
  opts: { stackVersion?: string; secrets?: ProjectSecrets; generation?: number; recoveryTarget?: RecoveryTarget } = {},
): StackSpec {
  const port = (purpose: PortPurpose) => {
    const lease = p.ports.find((l) => l.purpose === purpose);
    if (!lease) throw new InvalidStateError(`Project ${p.ref} has no ${purpose} port lease.`);
    return lease.port;
  };
  const address = projectAddress(p.ref, ctx.config);
  // An active custom hostname becomes the project's public URL (Auth's, Storage's), and Auth answers for both hosts.
  const customHost = activeCustomHost(p);
  const publicUrl = projectPublicUrl(p.ref, ctx.config, customHost);
  const built = buildStackSpec({
    ref: p.ref,
    installationId: ctx.provisioner.installationId,
    sealedMetadata: sealedMetadataOf(ctx, p),
    stackVersion: opts.stackVersion ?? p.stackVersion,
    secrets: opts.secrets ?? secretsOf(ctx, p),
    auth: siteUrlFollowing(authSettingsOf(p), address.url, customHost ? publicUrl : null),
    functionSecrets: functionSecretValues(ctx.config.masterKey, p.ref, p.functionSecrets ?? null),
    analytics: ctx.config.analytics ?? false,
    ports: { kongHttp: port("KONG_HTTP"), postgres: port("POSTGRES"), pooler: port("POOLER") },
    subnet: p.subnet?.subnet,
    budget: budgetOf(p),
    fileSizeLimitBytes: p.fileSizeLimitMb ? p.fileSizeLimitMb * 1024 * 1024 : undefined,
    dbBindAddress: ctx.config.dbBindAddress,
    // The project's own names only: <ref>.<domain>, db.<ref>.<domain> where the Supabase CLI dials, and its active custom hostname.
    poolerTls: ctx.config.poolerCa ? poolerCertificate(ctx.config.poolerCa, poolerHostNames(address.host, customHost)) : undefined,
    publicUrl,
    imageOverrides: ctx.config.imageOverrides,
    healthIntervalMs: ctx.config.healthIntervalMs,
  });
  const spec = withExternalHosts(built, projectHosts(p.ref, ctx.config, customHost));
  const placed = p.nodeId ? { ...spec, placement: { nodeId: p.nodeId } } : spec;
  const archived = ctx.config.walArchive ? withWalArchive(placed, ctx.config.walArchive, opts.recoveryTarget) : placed;
  return withGeneration(archived, opts.generation ?? p.dataGeneration);
}

export async function applyProxy(ctx: ProjectContext): Promise<void> {
  try {
    await ctx.proxy.apply();
  } catch (err) {
    // The previous config stays live (the applier guarantees it); the
    // lifecycle change itself has happened and must not be reported failed.
    console.error(`[supafleet] proxy apply failed: ${describeError(err)}`);
  }
}
