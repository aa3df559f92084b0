// The composition root: the one place that builds the process's services from
// the environment and hands each what it needs, its hooks included. Pages,
// server actions, route handlers and lib/startup.ts get services here, and no
// service finds another by itself.
//
// Everything is kept on globalThis, and only here: Next's dev reloads must not
// start a second job runner or proxy queue, and instrumentation (lib/startup.ts)
// and the route bundles are separate module graphs that share only globalThis.
// Each part is built on first use: the database and the limiter are needed
// before the installation id is known (lib/startup.ts reads it from the
// database), the runtime only after.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createDockerClient } from "@/lib/docker/client";
import { loadOrCreatePoolerCa } from "@/lib/crypto/pooler-ca";
import { createDb, type Db } from "@/lib/db/client";
import { getEnv, publicAppUrl } from "@/lib/env";
import { mailerFor } from "@/lib/mail/mailer";
import { ConfigError } from "@/lib/errors";
import { getMasterKey } from "@/lib/server-keys";
import { activityLogPath, createProxy } from "@/lib/proxy/app-proxy";
import { NginxActivityLog } from "@/lib/proxy/activity";
import { RateLimiter } from "@/lib/rate-limit/limiter";
import { LATEST_STACK_VERSION, templateImage } from "@/lib/stack/template";
import { createDockerProvisioner } from "@/lib/docker/provisioner";
import { createSwarmProvisioner } from "@/lib/swarm/provisioner";
import { projectCore } from "@/lib/projects/core";
import type { ProjectCore, ProxyNotifier } from "@/lib/projects/context";
import { ProjectService } from "@/lib/projects/service";
import { BackupService } from "@/lib/backups/service";
import { S3Store } from "@/lib/backups/s3-store";
import { LocalStore, type BackupStore } from "@/lib/backups/store";
import { ImagePuller } from "@/lib/images/puller";
import { ManagementApi } from "@/lib/api/management-api";
import { MemoryWindowLimiter } from "@/lib/api/rate-limit";
import type { ApiRuntime } from "@/lib/api";
import { AdminService } from "@/lib/admin/service";
import { PlanService } from "@/lib/admin/plans";
import { OrganizationService } from "@/lib/orgs/service";
import { InvitationService } from "@/lib/orgs/invitations";
import { SettingsService } from "@/lib/settings/service";
import { TokenService } from "@/lib/tokens/service";
import { UserService } from "@/lib/users/service";
import { AcmeManager } from "@/lib/acme/manager";
import { activeCustomHostMap, verifiedCustomHosts } from "@/lib/domains/hosts";
import { CustomDomainService } from "@/lib/domains/service";
import { dnsResolver } from "@/lib/domains/resolver";
import { AcmeIssuer } from "@/lib/acme/issuer";
import { challengeBoard } from "@/lib/acme/challenges";
import { dnsProviderOf } from "@/lib/acme/dns/from-env";
import { acmeDir, certificateHostsOf, certificateStore, hostsNeedingCertificates } from "@/lib/acme/hosts";
import { STATUS } from "@/lib/domain";
import { AuditLog } from "@/lib/audit/log";
import { BACKUP_RULES, DOMAIN_RULES, INVITATION_RULES, MANAGEMENT_API_RULES, ORGANIZATION_RULES, PROJECT_RULES, audited } from "@/lib/audit/recorders";

/** The account side: users, tokens, settings and the admin's tools, all on the one database. */
export interface AccountServices {
  users: UserService;
  tokens: TokenService;
  settings: SettingsService;
  admin: AdminService;
  plans: PlanService;
  organizations: OrganizationService;
  invitations: InvitationService;
}

interface Root {
  db?: Db;
  limiter?: RateLimiter;
  proxy?: ProxyNotifier;
  nginx?: ProxyNotifier;
  acme?: AcmeManager | null;
  installationId?: string;
  core?: ProjectCore;
  projects?: ProjectService;
  backups?: BackupService;
  images?: ImagePuller;
  accounts?: AccountServices;
  domains?: CustomDomainService;
  audit?: AuditLog;
}

// The Management API's parts keep their own key: test/unit/api/function-routes.test.ts puts a recorder there.
const g = globalThis as unknown as { supafleetRoot?: Root; supafleetApi?: ApiRuntime };
const root = (): Root => (g.supafleetRoot ??= {});

const PRUNE_EVERY_MS = 10 * 60_000;

const AUDIT_SWEEP_EVERY_MS = 60 * 60_000;

/** The organizations' audit log; entries past SUPAFLEET_AUDIT_RETENTION_DAYS are pruned in the background. */
export function getAuditLog(): AuditLog {
  const r = root();
  if (!r.audit) {
    const log = new AuditLog(getDb(), { retentionDays: getEnv().auditRetentionDays });
    r.audit = log;
    setInterval(() => {
      log.prune().catch((err: unknown) => console.warn("[supafleet] audit log prune failed:", err instanceof Error ? err.message : err));
    }, AUDIT_SWEEP_EVERY_MS).unref();
  }
  return r.audit;
}

/** The process's database client. */
export function getDb(): Db {
  return (root().db ??= createDb(getEnv().databaseUrl));
}

/** The process's limiter on the app's database, with the configured rules; expired entries are pruned in the background. */
export function getRateLimiter(): RateLimiter {
  const r = root();
  if (!r.limiter) {
    const limiter = new RateLimiter(getDb(), getEnv().rateLimits);
    r.limiter = limiter;
    setInterval(() => {
      limiter.pruneExpired().catch((err: unknown) => console.warn("[supafleet] rate-limit prune failed:", err instanceof Error ? err.message : err));
    }, PRUNE_EVERY_MS).unref();
  }
  return r.limiter;
}

/** nginx itself (or the no-op when it is off). */
function nginxProxy(): ProxyNotifier {
  const r = root();
  return (r.nginx ??= createProxy(getEnv(), getDb()));
}

/** The proxy the services notify: nginx, and with ACME on, a look at the certificates a new host may now need. */
function getProxy(): ProxyNotifier {
  const r = root();
  if (!r.proxy) {
    const inner = nginxProxy();
    r.proxy = {
      apply: async () => {
        const result = await inner.apply();
        getAcmeManager()?.kick();
        return result;
      },
    };
  }
  return r.proxy;
}

/**
 * Automatic certificates (SUPAFLEET_ACME_DIRECTORY): one manager per process,
 * or null when ACME is off or nginx is not Supafleet's.
 */
export function getAcmeManager(): AcmeManager | null {
  const r = root();
  if (r.acme === undefined) {
    const env = getEnv();
    if (!env.acme || !env.nginx.enabled) {
      r.acme = null;
    } else {
      const db = getDb();
      const acme = env.acme;
      r.acme = new AcmeManager({
        db,
        store: certificateStore(env),
        issuer: new AcmeIssuer({
          directoryUrl: acme.directoryUrl,
          email: acme.email,
          accountKeyPath: join(acmeDir(env), "account.key"),
          caBundlePem: acme.caBundlePath ? readFileSync(acme.caBundlePath, "utf8") : undefined,
          board: challengeBoard(),
          dns01: acme.dns01 ? { provider: dnsProviderOf(acme.dns01) } : undefined,
        }),
        wantedHosts: async () => {
          const rows = await db.project.findMany({ where: { status: { not: STATUS.REMOVED } }, select: { ref: true } });
          return hostsNeedingCertificates(
            certificateHostsOf(env),
            rows.map((p) => p.ref),
            await verifiedCustomHosts(db),
          );
        },
        // nginx directly: going through getProxy() would kick the manager again.
        applyProxy: () => nginxProxy().apply(),
      });
    }
  }
  return r.acme;
}

/** Called once by lib/startup.ts with the id from the database, before anything uses the runtime. */
export function setInstallationId(id: string): void {
  const r = root();
  if (r.installationId && r.installationId !== id) throw new ConfigError("The installation id cannot change while Supafleet runs.");
  r.installationId = id;
}

/** What the project and backup services share: one database, runtime, proxy, settings and job runner. */
function core(): ProjectCore {
  const r = root();
  if (!r.core) {
    // Without its id the runtime could not tell its own resources from another installation's.
    if (!r.installationId) throw new ConfigError("Supafleet has not finished starting (no installation id yet).");
    const env = getEnv();
    const db = getDb();
    const provisioner =
      env.engine === "swarm"
        ? createSwarmProvisioner(env.dockerSocket, r.installationId, env.swarm)
        : createDockerProvisioner(env.dockerSocket, r.installationId, {
            helperImage: templateImage(LATEST_STACK_VERSION, "db", env.imageOverrides),
            dbSeed: env.dbSeed,
          });
    const proxy = getProxy();
    const config = {
      portRange: env.portRange,
      masterKey: getMasterKey(env),
      rootDomain: env.rootDomain,
      publicScheme: env.publicScheme,
      publicPort: env.publicPort,
      imageOverrides: env.imageOverrides,
      analytics: env.analytics,
      walArchive: env.backups.walArchive,
      maxParallelStarts: env.maxParallelStarts,
      healthIntervalMs: env.healthIntervalMs,
      frozenStopMin: env.frozenStopMin,
      subnetPool: env.subnetPool,
      dbBindAddress: env.dbBindAddress,
      requireVerifiedEmail: env.mail !== undefined,
      // With TLS for the site or the shared Postgres port (which passes TLS through), Postgres gets TLS too,
      // under the installation's pooler CA (kept beside the data).
      poolerCa: env.nginx.tls || env.pgRouter ? loadOrCreatePoolerCa(join(env.dataDir, "pooler-ca")) : undefined,
      pgRouterPort: env.pgRouter?.port,
      // Where the engine keeps volumes, when Supafleet can see it (it runs on the host); else its own data folder.
      diskPath: existsSync("/var/lib/docker") ? "/var/lib/docker" : env.dataDir,
    };
    r.core = projectCore(db, provisioner, proxy, config, {
      activity: env.nginx.enabled ? new NginxActivityLog(activityLogPath(env), env.rootDomain, undefined, () => activeCustomHostMap(db)) : undefined,
      limiter: getRateLimiter(),
    });
  }
  return r.core;
}

export function backupStoreFromEnv(): BackupStore {
  const { backups } = getEnv();
  return backups.s3 ? new S3Store(backups.s3) : new LocalStore(backups.dir);
}

export function getBackupService(): BackupService {
  return (root().backups ??= audited(new BackupService(core(), backupStoreFromEnv()), BACKUP_RULES, getDb(), getAuditLog()));
}

/** The project service, with the backup service's hooks: a delete keeps a final backup, an upgrade a backup on the old template. */
export function getProjectService(): ProjectService {
  const r = root();
  if (!r.projects) {
    const { db, provisioner, proxy, config, ...shared } = core();
    r.projects = audited(
      new ProjectService(db, provisioner, proxy, config, { ...shared, hooks: getBackupService().projectHooks }),
      PROJECT_RULES,
      db,
      getAuditLog(),
    );
  }
  return r.projects;
}

/** Custom hostnames (lib/domains): verified with the configured resolver, certified by the ACME manager. */
export function getCustomDomainService(): CustomDomainService {
  const r = root();
  if (!r.domains) {
    const env = getEnv();
    const store = env.acme ? certificateStore(env) : null;
    const domains = new CustomDomainService(core(), {
      dns: dnsResolver(env.dnsResolver),
      verifyLimiter: new MemoryWindowLimiter({ points: 10, windowMs: 60_000 }),
      certificates: {
        acme: store !== null && env.nginx.enabled && !env.nginx.tls,
        issued: (hostname) => store?.get(hostname) != null,
        kick: () => getAcmeManager()?.kick(),
      },
    });
    r.domains = audited(domains, DOMAIN_RULES, getDb(), getAuditLog());
  }
  return r.domains;
}

/** The process's one image puller: one pull at a time, whichever bundle asks. */
export function getImagePuller(): ImagePuller {
  const r = root();
  if (!r.images) {
    const env = getEnv();
    r.images = new ImagePuller(createDockerClient(env.dockerSocket), env.imageOverrides);
  }
  return r.images;
}

export function getAccountServices(): AccountServices {
  const r = root();
  if (!r.accounts) {
    const env = getEnv();
    const db = getDb();
    const limiter = getRateLimiter();
    r.accounts = {
      users: new UserService(db, limiter),
      tokens: new TokenService(db),
      settings: new SettingsService(db),
      admin: new AdminService(db, limiter, { dataDir: env.dataDir, portRange: env.portRange, subnetPool: env.subnetPool }),
      plans: new PlanService(db),
      organizations: audited(new OrganizationService(db, limiter), ORGANIZATION_RULES, db, getAuditLog()),
      invitations: audited(
        new InvitationService(db, { mailer: mailerFor(env.mail), publicUrl: publicAppUrl(env), limiter, perOrg: env.invitesPerOrg }),
        INVITATION_RULES,
        db,
        getAuditLog(),
      ),
    };
  }
  return r.accounts;
}

/** The Management API's parts: the API over the project service, the token database, and one request limiter for every route. */
export function getApiRuntime(): ApiRuntime {
  if (!g.supafleetApi) {
    const env = getEnv();
    g.supafleetApi = {
      db: getDb(),
      api: audited(
        new ManagementApi(getProjectService(), {
          dbImage: templateImage(LATEST_STACK_VERSION, "db", env.imageOverrides),
          // Each project's Supavisor publishes its POSTGRES port on the host (lib/docker).
          databaseHost: "127.0.0.1",
          functionMaxBytes: env.functionMaxBytes,
          backups: getBackupService(),
          organizations: getAccountServices().organizations,
        }),
        MANAGEMENT_API_RULES,
        getDb(),
        getAuditLog(),
      ),
      limiter: new MemoryWindowLimiter({ points: env.apiRateLimit, windowMs: 60_000 }),
    };
  }
  return g.supafleetApi;
}
