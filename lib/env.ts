// All settings, parsed once. Every error names the variable it is about, so a
// wrong deployment fails at start-up with a sentence an operator can act on.
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { ConfigError } from "@/lib/errors";
import { defaultMaxParallelStarts } from "@/lib/concurrency";
import { INSTALLATION_ID_PATTERN } from "@/lib/installation/id";
import { parseCidr } from "@/lib/net/cidr";
import { originOf } from "@/lib/stack/address";
import { bool, commaList, keyedList } from "@/lib/env-common";
import { backupEnvOf, backupEnvShape, checkBackupEnv, type BackupEnv } from "@/lib/env-backups";
import { limitsEnvOf, limitsEnvShape, type LimitsEnv } from "@/lib/env-limits";
import { orgsEnvOf, orgsEnvShape, type OrgsEnv } from "@/lib/env-orgs";
import { checkMailEnv, mailEnvOf, mailEnvShape, type MailEnv } from "@/lib/env-mail";
import { acmeEnvOf, acmeEnvShape, checkAcmeEnv, dnsResolverOf, type AcmeEnv } from "@/lib/env-acme";
import { pgRouterEnvOf, pgRouterEnvShape, type PgRouterEnv } from "@/lib/env-pg";

const HOSTNAME = /^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
// "service", "service@template-version" (one version only) or "*".
const SERVICE_KEY = /^(\*|[a-z][a-z-]*(@[0-9a-z][0-9a-z.-]*)?)$/;
// Docker image references: registry/name:tag or @digest; no spaces or shell characters.
const IMAGE_REF = /^[a-z0-9][a-z0-9._\-/:@]*$/i;

const port = z.coerce.number().int().min(1).max(65535);

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    SUPAFLEET_DATA_DIR: z.string().min(1).default("./data"),
    DATABASE_URL: z
      .string()
      .optional()
      .refine((v) => v === undefined || /^(file:|postgres(ql)?:\/\/)/.test(v), {
        message: "must start with file: (SQLite) or postgres:// / postgresql://",
      }),
    SUPAFLEET_ROOT_DOMAIN: z
      .string()
      .default("localhost")
      .transform((v) => v.toLowerCase())
      .refine((v) => HOSTNAME.test(v), { message: "must be a plain hostname such as supafleet.example.com" }),
    SUPAFLEET_PUBLIC_SCHEME: z.enum(["http", "https"]).default("http"),
    // Port the public reaches nginx on, when it is not the scheme's default.
    SUPAFLEET_PUBLIC_PORT: port.optional(),
    SUPAFLEET_PORT_RANGE: z
      .string()
      .default("54000-54999")
      .transform((v, ctx) => {
        const m = /^(\d{1,5})-(\d{1,5})$/.exec(v.trim());
        const start = m ? Number(m[1]) : NaN;
        const end = m ? Number(m[2]) : NaN;
        if (!m || start < 1024 || end > 65535 || end - start < 2) {
          ctx.addIssue({ code: "custom", message: "must be START-END within 1024-65535 holding at least 3 ports, e.g. 54000-54999" });
          return z.NEVER;
        }
        return { start, end };
      }),
    SUPAFLEET_MASTER_KEY: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined || v === "") return undefined;
        const key = /^[0-9a-f]{64}$/i.test(v) ? Buffer.from(v, "hex") : Buffer.from(v, "base64");
        if (key.length !== 32) {
          ctx.addIssue({ code: "custom", message: "must be 32 bytes, as 64 hex characters or base64 (openssl rand -base64 32)" });
          return z.NEVER;
        }
        return key;
      }),
    NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    NEXTAUTH_URL: z.url().optional(),
    SUPAFLEET_DOCKER_SOCKET: z.string().default("/var/run/docker.sock"),
    // docker: one engine; swarm: services on a Swarm whose manager is SUPAFLEET_DOCKER_SOCKET (docs/scale-out.md).
    SUPAFLEET_ENGINE: z.enum(["docker", "swarm"]).default("docker"),
    SUPAFLEET_SWARM_ENCRYPT: bool(false),
    // "node=/path/to/docker.sock,…": the engines of other nodes (node id or address), for their volumes and statistics.
    SUPAFLEET_SWARM_NODE_ENGINES: keyedList(
      (item) => {
        const m = /^([A-Za-z0-9.:-]{1,64})=((unix:\/\/)?\/[A-Za-z0-9._\/-]+)$/.exec(item);
        return m ? [m[1]!, m[2]!] : null;
      },
      (item) => `"${item}" is not node=/path/to/docker.sock (unix sockets only)`,
    ),
    SUPAFLEET_ADMIN_EMAIL: z.email().optional(),
    SUPAFLEET_ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").optional(),
    SUPAFLEET_IMAGE_OVERRIDES: keyedList(
      (item) => {
        const [service, image, ...rest] = item.split("=");
        return !service || !image || rest.length || !SERVICE_KEY.test(service) || !IMAGE_REF.test(image) ? null : [service, image];
      },
      (item) => `bad entry "${item}"; expected service=image pairs separated by commas, e.g. db=my/postgres:15,db@2026.09-r1=my/postgres:17,*=my/standin:1`,
    ),
    SUPAFLEET_NGINX_ENABLED: bool(true),
    SUPAFLEET_NGINX_BIN: z.string().default("/usr/sbin/nginx"),
    SUPAFLEET_NGINX_MAIN_CONF: z.string().default("/etc/nginx/nginx.conf"),
    SUPAFLEET_NGINX_SITE_CONF: z.string().default("/etc/nginx/conf.d/supafleet.conf"),
    SUPAFLEET_NGINX_TEMP_DIR: z
      .string()
      .refine((v) => isAbsolute(v), { message: "must be an absolute path" })
      .optional(),
    SUPAFLEET_NGINX_HTTP_PORT: port.default(80),
    SUPAFLEET_NGINX_HTTPS_PORT: port.default(443),
    SUPAFLEET_TLS_CERT: z.string().optional(),
    SUPAFLEET_TLS_KEY: z.string().optional(),
    SUPAFLEET_APP_PORT: port.default(3000),
    SUPAFLEET_UPLOAD_LIMIT: z
      .string()
      .regex(/^\d{1,5}[km]?$/, "must look like 50m")
      .default("50m"),
    SUPAFLEET_MAX_PARALLEL_STARTS: z.coerce.number().int().min(1).max(1000).optional(),
    SUPAFLEET_HEALTH_INTERVAL: z.coerce.number().int().min(10).max(3600).default(30),
    // Minutes an idle project stays frozen before it is stopped; 0 = no frozen tier.
    SUPAFLEET_FROZEN_STOP_MIN: z.coerce.number().int().min(0).max(525_600).default(1440),
    // Unset: loopback, or all interfaces once the pooler speaks TLS (see parseEnv).
    SUPAFLEET_DB_BIND_ADDRESS: z
      .string()
      .optional()
      .refine((v) => v === undefined || (/^\d{1,3}(\.\d{1,3}){3}$/.test(v) && v.split(".").every((o) => Number(o) <= 255)), {
        message: "must be an IPv4 address of this host, e.g. 0.0.0.0 (all) or 127.0.0.1 (this host only)",
      }),
    // On by default: without them any tenant's code reads a cloud host's metadata credentials (lib/network/egress.ts).
    SUPAFLEET_EGRESS_RULES: bool(true),
    SUPAFLEET_EGRESS_DENY: z
      .string()
      .default("")
      .transform((v, ctx) => {
        const list = commaList(v);
        for (const c of list)
          if (!parseCidr(c)) ctx.addIssue({ code: "custom", message: `"${c}" is not an IPv4 network; expected e.g. 10.0.0.0/8,192.168.0.0/16` });
        return list;
      }),
    SUPAFLEET_SUBNET_POOL: z
      .string()
      .default("10.213.0.0/16")
      .refine((v) => parseCidr(v) !== null, { message: "must be an IPv4 network such as 10.213.0.0/16" }),
    SUPAFLEET_SUBNET_SIZE: z.coerce.number().int().min(8).max(28).default(26),
    SUPAFLEET_ANALYTICS: bool(false),
    SUPAFLEET_DB_SEED: bool(true),
    SUPAFLEET_INSTALLATION_ID: z.string().regex(INSTALLATION_ID_PATTERN, "must be 16 lowercase hex characters, as the admin console shows it").optional(),
    // Believe X-Real-IP from a loopback peer (our nginx). Default: on when nginx is.
    SUPAFLEET_TRUST_PROXY: z.enum(["true", "false", "1", "0", "yes", "no"]).optional(),
    ...limitsEnvShape,
    ...orgsEnvShape,
    ...backupEnvShape,
    ...mailEnvShape,
    ...acmeEnvShape,
    ...pgRouterEnvShape,
  })
  .superRefine((e, ctx) => {
    if ((e.SUPAFLEET_ADMIN_EMAIL === undefined) !== (e.SUPAFLEET_ADMIN_PASSWORD === undefined)) {
      ctx.addIssue({ code: "custom", path: ["SUPAFLEET_ADMIN_PASSWORD"], message: "SUPAFLEET_ADMIN_EMAIL and SUPAFLEET_ADMIN_PASSWORD must be set together" });
    }
    if ((e.SUPAFLEET_TLS_CERT === undefined) !== (e.SUPAFLEET_TLS_KEY === undefined)) {
      ctx.addIssue({ code: "custom", path: ["SUPAFLEET_TLS_KEY"], message: "SUPAFLEET_TLS_CERT and SUPAFLEET_TLS_KEY must be set together" });
    }
    const pool = parseCidr(e.SUPAFLEET_SUBNET_POOL);
    if (pool && e.SUPAFLEET_SUBNET_SIZE < pool.prefix) {
      ctx.addIssue({ code: "custom", path: ["SUPAFLEET_SUBNET_SIZE"], message: `must be at least the pool's prefix (/${pool.prefix}), e.g. 26` });
    }
    checkBackupEnv(e, ctx);
    checkMailEnv(e, ctx);
    checkAcmeEnv(e, ctx);
    if (e.NODE_ENV === "production" && e.SUPAFLEET_MASTER_KEY === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["SUPAFLEET_MASTER_KEY"],
        message: "is required in production (openssl rand -base64 32); losing it makes every project's secrets unreadable",
      });
    }
  });

type Parsed = z.output<typeof envSchema>;

export interface Env extends LimitsEnv, OrgsEnv {
  nodeEnv: Parsed["NODE_ENV"];
  dataDir: string;
  databaseUrl: string;
  databaseKind: "sqlite" | "postgres";
  rootDomain: string;
  publicScheme: "http" | "https";
  publicPort: number | undefined;
  portRange: { start: number; end: number };
  /** Firewall rules keeping tenant networks from link-local (cloud metadata), the host, and `deny`. */
  egress: { enabled: boolean; deny: string[] };
  /** Host address the projects' database ports (Supavisor session and transaction) listen on. */
  dbBindAddress: string;
  /** Each project's network gets a subnet of this size from this pool (lib/projects/subnets.ts). */
  subnetPool: { cidr: string; size: number };
  /** undefined: generated once into <dataDir>/master.key (development only) */
  masterKey: Buffer | undefined;
  authSecret: string | undefined;
  authUrl: string | undefined;
  dockerSocket: string;
  /** Which runtime runs projects: one Docker engine, or Docker Swarm (lib/swarm/provisioner.ts). */
  engine: "docker" | "swarm";
  swarm: { encrypted: boolean; nodeEngines: Record<string, string> };
  /** Logs and analytics (Logflare + Vector) in every project's stack; off by default, as upstream. */
  analytics: boolean;
  /** New projects' databases copied from a seed of their template's first boot (lib/stack/db-seed.ts). */
  dbSeed: boolean;
  admin: { email: string; password: string } | undefined;
  imageOverrides: Record<string, string>;
  nginx: {
    enabled: boolean;
    bin: string;
    mainConf: string;
    siteConf: string;
    /** nginx's temp paths (request bodies); default outside the data dir, see lib/proxy/nginx-runtime.ts */
    tempDir: string | undefined;
    httpPort: number;
    httpsPort: number;
    tls: { certPath: string; keyPath: string } | undefined;
    uploadLimit: string;
  };
  appPort: number;
  /** Stacks that may start at once (create, resume, restart); more wait in order. */
  maxParallelStarts: number;
  /** Docker's steady-state health-check interval for every service (ms); starts are judged by Supafleet's own probes. */
  healthIntervalMs: number;
  /** Installation default: minutes an idle project stays frozen (paused, memory kept) before it is stopped; 0 = stopped at once. */
  frozenStopMin: number;
  /** Only for a database restored from before its installation id existed: the id to take back. */
  installationId: string | undefined;
  /** Believe X-Real-IP when the TCP peer is loopback (our nginx in front). */
  trustProxy: boolean;
  backups: BackupEnv;
  /** The platform's own SMTP settings; undefined: no mail, sign-ups unverified. */
  mail: MailEnv | undefined;
  /** Automatic certificates for the panel and projects; undefined: none (lib/acme). */
  acme: AcmeEnv | undefined;
  /** The DNS server custom hostnames are verified with (SUPAFLEET_DNS_RESOLVER); undefined: the system's. */
  dnsResolver: string | undefined;
  /** The shared Postgres port routing by TLS server name (lib/proxy/pg-router.ts); undefined: off. Turns the pooler CA on. */
  pgRouter: PgRouterEnv | undefined;
}

/** Pure: parse a given environment. Throws ConfigError naming each bad variable. */
export function parseEnv(source: Record<string, string | undefined>, cwd = process.cwd()): Env {
  // Treat empty strings as unset: docker-compose passes VAR= for blanks.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join(".") || "environment"}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const e = result.data;
  const dataDir = isAbsolute(e.SUPAFLEET_DATA_DIR) ? e.SUPAFLEET_DATA_DIR : resolve(cwd, e.SUPAFLEET_DATA_DIR);
  const databaseUrl = e.DATABASE_URL ?? `file:${resolve(dataDir, "supafleet.db")}`;
  return {
    nodeEnv: e.NODE_ENV,
    dataDir,
    databaseUrl,
    databaseKind: databaseUrl.startsWith("file:") ? "sqlite" : "postgres",
    rootDomain: e.SUPAFLEET_ROOT_DOMAIN,
    publicScheme: e.SUPAFLEET_PUBLIC_SCHEME,
    publicPort: e.SUPAFLEET_PUBLIC_PORT,
    portRange: e.SUPAFLEET_PORT_RANGE,
    subnetPool: { cidr: e.SUPAFLEET_SUBNET_POOL, size: e.SUPAFLEET_SUBNET_SIZE },
    // Tenants' databases face the internet only when asked, or when their
    // pooler speaks TLS (the installation's certificate): never in plaintext by default.
    dbBindAddress: e.SUPAFLEET_DB_BIND_ADDRESS ?? (e.SUPAFLEET_TLS_CERT && e.SUPAFLEET_TLS_KEY ? "0.0.0.0" : "127.0.0.1"),
    egress: { enabled: e.SUPAFLEET_EGRESS_RULES, deny: e.SUPAFLEET_EGRESS_DENY },
    masterKey: e.SUPAFLEET_MASTER_KEY,
    authSecret: e.NEXTAUTH_SECRET,
    authUrl: e.NEXTAUTH_URL,
    dockerSocket: e.SUPAFLEET_DOCKER_SOCKET,
    engine: e.SUPAFLEET_ENGINE,
    swarm: { encrypted: e.SUPAFLEET_SWARM_ENCRYPT, nodeEngines: e.SUPAFLEET_SWARM_NODE_ENGINES },
    analytics: e.SUPAFLEET_ANALYTICS,
    dbSeed: e.SUPAFLEET_DB_SEED,
    admin:
      e.SUPAFLEET_ADMIN_EMAIL && e.SUPAFLEET_ADMIN_PASSWORD
        ? { email: e.SUPAFLEET_ADMIN_EMAIL.toLowerCase(), password: e.SUPAFLEET_ADMIN_PASSWORD }
        : undefined,
    imageOverrides: e.SUPAFLEET_IMAGE_OVERRIDES,
    nginx: {
      enabled: e.SUPAFLEET_NGINX_ENABLED,
      bin: e.SUPAFLEET_NGINX_BIN,
      mainConf: e.SUPAFLEET_NGINX_MAIN_CONF,
      siteConf: e.SUPAFLEET_NGINX_SITE_CONF,
      tempDir: e.SUPAFLEET_NGINX_TEMP_DIR,
      httpPort: e.SUPAFLEET_NGINX_HTTP_PORT,
      httpsPort: e.SUPAFLEET_NGINX_HTTPS_PORT,
      tls: e.SUPAFLEET_TLS_CERT && e.SUPAFLEET_TLS_KEY ? { certPath: e.SUPAFLEET_TLS_CERT, keyPath: e.SUPAFLEET_TLS_KEY } : undefined,
      uploadLimit: e.SUPAFLEET_UPLOAD_LIMIT,
    },
    appPort: e.SUPAFLEET_APP_PORT,
    maxParallelStarts: e.SUPAFLEET_MAX_PARALLEL_STARTS ?? defaultMaxParallelStarts(),
    healthIntervalMs: e.SUPAFLEET_HEALTH_INTERVAL * 1000,
    frozenStopMin: e.SUPAFLEET_FROZEN_STOP_MIN,
    installationId: e.SUPAFLEET_INSTALLATION_ID,
    trustProxy: e.SUPAFLEET_TRUST_PROXY === undefined ? e.SUPAFLEET_NGINX_ENABLED : ["true", "1", "yes"].includes(e.SUPAFLEET_TRUST_PROXY),
    ...limitsEnvOf(e),
    ...orgsEnvOf(e),
    backups: backupEnvOf(e, dataDir),
    mail: mailEnvOf(e),
    acme: acmeEnvOf(e, e.SUPAFLEET_ROOT_DOMAIN),
    dnsResolver: dnsResolverOf(e),
    pgRouter: pgRouterEnvOf(e),
  };
}

/**
 * Where the public reaches the app (the control panel and the Management API,
 * at `<domain>`; projects are at `<ref>.<domain>`): NEXTAUTH_URL's origin when
 * set, else the scheme, root domain and public port. Never the app's own
 * listening address, which sits behind nginx.
 */
export function publicAppUrl(env: Pick<Env, "authUrl" | "publicScheme" | "rootDomain" | "publicPort">): string {
  if (env.authUrl) return new URL(env.authUrl).origin;
  return originOf(env.publicScheme, env.rootDomain, env.publicPort);
}

let cached: Env | undefined;

/** The process's settings, parsed on first use. */
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** For tests that change process.env between cases. */
export function resetEnvForTests(): void {
  cached = undefined;
}
