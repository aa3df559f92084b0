// One stand-in project on the newest template for the REST stand-in's test,
// set up as test/integration/smoke/smoke.test.ts sets up its own: a real
// nginx by subdomain, the template's gateway, the real postgres-meta (/pg/)
// and a real PostgreSQL. Also signs users' access tokens the way GoTrue does.
import { randomBytes, randomUUID } from "node:crypto";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { importJWK, SignJWT } from "jose";
import { Agent, fetch as undiciFetch, WebSocket } from "undici";
import { decryptSecrets } from "@/lib/crypto/secret-box";
import { createDb, type Db } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { ensureInstallationId } from "@/lib/installation/service";
import { createDockerProvisioner } from "@/lib/docker/provisioner";
import type { Provisioner } from "@/lib/projects/provisioner";
import { ProjectService } from "@/lib/projects/service";
import { loadProxyProjects } from "@/lib/proxy/app-proxy";
import { NginxApplier } from "@/lib/proxy/nginx-applier";
import type { ProjectSecrets } from "@/lib/stack/secrets";
import { LATEST_STACK_VERSION } from "@/lib/stack/template";
import type { SessionUser } from "@/lib/auth/actor";
import { ensureDockerHost } from "@/test/support/docker-host";
import { NGINX_BIN, startNginx, type NginxHost } from "@/test/support/nginx-host";
import { freePort } from "@/test/support/postgres-server";
import { ensureStandinImages, STANDIN_IMAGE_OVERRIDES } from "@/test/support/standin-images";

const DOMAIN = "rest-standin.test";
type RealtimeTransport = NonNullable<NonNullable<NonNullable<Parameters<typeof createClient>[2]>["realtime"]>["transport"]>;

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export interface RestInit {
  method?: string;
  /** The apikey header (default: the project's anon key). */
  key?: string;
  /** The Bearer token: default the key, null for no Authorization header. */
  token?: string | null;
  headers?: Record<string, string>;
  body?: unknown;
}

export class RestProject {
  url = "";
  anonKey = "";
  serviceKey = "";
  private secrets: ProjectSecrets | undefined;
  private readonly masterKey = randomBytes(32);
  private readonly tmp = mkdtempSync(join(tmpdir(), "supafleet-rest-standin-"));
  private nginx: NginxHost | undefined;
  private db: Db | undefined;
  private provisioner: Provisioner | undefined;
  private ref: string | undefined;
  private host = "";
  // Connections for the project's host go to nginx on loopback; the URL and Host stay the project's.
  private readonly dispatcher = new Agent({
    connect: {
      lookup: (hostname, options, cb) => {
        if (hostname.toLowerCase() !== this.host) return dnsLookup(hostname, options, cb as never);
        if (options.all) (cb as (e: null, a: LookupAddress[]) => void)(null, [{ address: "127.0.0.1", family: 4 }]);
        else (cb as (e: null, a: string, f: number) => void)(null, "127.0.0.1", 4);
      },
    },
  });
  readonly fetch = ((input: string | URL | Request, init?: RequestInit) =>
    undiciFetch(input as string, { ...(init as object), dispatcher: this.dispatcher } as never)) as unknown as typeof fetch;

  async start(): Promise<void> {
    const docker = await ensureDockerHost();
    await ensureStandinImages(docker);
    this.nginx = await startNginx();
    const appPort = await freePort();
    const dbUrl = `file:${join(this.tmp, "supafleet.db")}`;
    await migrate(dbUrl);
    const db = (this.db = createDb(dbUrl));
    const installationId = await ensureInstallationId(db);
    this.provisioner = createDockerProvisioner("/var/run/docker.sock", installationId);
    const applier = new NginxApplier({
      nginxBin: NGINX_BIN,
      mainConfPath: this.nginx.mainConfPath,
      siteConfPath: this.nginx.siteConfPath,
      loadProjects: loadProxyProjects(db),
      settings: {
        rootDomain: DOMAIN,
        scheme: "http",
        appUpstream: { host: "127.0.0.1", port: appPort },
        httpListen: { host: "127.0.0.1", port: this.nginx.port },
        pagesDir: resolve("nginx/pages"),
        clientMaxBodySize: "50m",
      },
    });
    const service = new ProjectService(db, this.provisioner, applier, {
      portRange: { start: 55700, end: 55799 },
      masterKey: this.masterKey,
      rootDomain: DOMAIN,
      publicScheme: "http",
      imageOverrides: STANDIN_IMAGE_OVERRIDES,
    });
    const u = await db.user.create({ data: { id: randomUUID(), email: "rest@example.com", passwordHash: "x", projectQuota: 1 } });
    const user: SessionUser = { id: u.id, email: u.email, name: null, role: "USER" };
    const ref = (this.ref = (await service.createProject(user, { name: "Rest stand-in" })).ref);
    await service.waitForIdle(ref);
    const project = await db.project.findUniqueOrThrow({ where: { ref } });
    if (project.status !== "ACTIVE_HEALTHY") throw new Error(`project is ${project.status}: ${project.statusReason}`);
    if (project.stackVersion !== LATEST_STACK_VERSION)
      throw new Error(`project is on ${project.stackVersion}, not the newest template ${LATEST_STACK_VERSION}`);
    this.secrets = JSON.parse(decryptSecrets(this.masterKey, ref, project.secrets)) as ProjectSecrets;
    const details = await service.getProjectDetails(user, ref);
    this.anonKey = details.anonKey;
    this.serviceKey = details.serviceRoleKey;
    this.host = `${ref}.${DOMAIN}`;
    this.url = `http://${this.host}:${this.nginx.port}`;
  }

  async stop(): Promise<void> {
    if (this.ref) await this.provisioner?.destroy(this.ref).catch(() => undefined);
    await this.db?.$disconnect();
    this.nginx?.stop();
    await this.dispatcher.close();
    rmSync(this.tmp, { recursive: true, force: true });
  }

  /** A request to /rest/v1 through nginx and the gateway, its body parsed when it is JSON. */
  async rest(path: string, init: RestInit = {}): Promise<Answer> {
    const key = init.key ?? this.anonKey;
    const headers: Record<string, string> = { apikey: key, ...init.headers };
    const token = init.token === undefined ? key : init.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (init.body !== undefined) headers["content-type"] = "application/json";
    const res = await this.fetch(`${this.url}/rest/v1${path}`, {
      method: init.method ?? "GET",
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  /** SQL through /pg/ (the real postgres-meta) with the service key, as scripts/smoke.mjs does. */
  async pgQuery(query: string): Promise<unknown> {
    const res = await this.fetch(`${this.url}/pg/query`, {
      method: "POST",
      headers: { apikey: this.serviceKey, authorization: `Bearer ${this.serviceKey}`, "content-type": "application/json" },
      body: JSON.stringify({ query }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`/pg/query: HTTP ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as unknown;
  }

  /** supabase-js with the anon key, and a user's access token when given. */
  client(token: string | null): SupabaseClient {
    return createClient(this.url, this.anonKey, {
      global: { fetch: this.fetch },
      auth: { persistSession: false, autoRefreshToken: false },
      // Node 20 has no global WebSocket; supabase-js's realtime client wants one (unused here).
      realtime: { transport: WebSocket as unknown as RealtimeTransport },
      ...(token ? { accessToken: async () => token } : {}),
    });
  }

  /** An access token's claims as GoTrue issues them (supabase/auth internal/tokens AccessTokenClaims). */
  claimsFor(sub: string, now: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      iss: `${this.url}/auth/v1`,
      sub,
      aud: "authenticated",
      exp: now + 3600,
      iat: now,
      email: `${sub.slice(0, 8)}@example.com`,
      phone: "",
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: {},
      role: "authenticated",
      aal: "aal1",
      amr: [{ method: "password", timestamp: now }],
      session_id: randomUUID(),
      is_anonymous: false,
      ...extra,
    };
  }

  /** HS256 with the project's JWT secret (the legacy way; another secret when given). */
  async signHs256(claims: Record<string, unknown>, secret?: string): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(new TextEncoder().encode(secret ?? this.secrets!.jwtSecret));
  }

  /** ES256 with the project's signing key (JWT_KEYS' EC key, its kid in the header), as GoTrue signs with GOTRUE_JWT_KEYS. */
  async signEs256(claims: Record<string, unknown>): Promise<string> {
    const keys = JSON.parse(this.secrets!.apiKeys!.jwtKeys) as Array<{ kty: string; kid?: string; crv?: string; x?: string; y?: string; d?: string }>;
    const ec = keys.find((k) => k.kty === "EC");
    if (!ec?.kid) throw new Error("the project has no EC signing key");
    const key = await importJWK({ kty: "EC", crv: ec.crv, x: ec.x, y: ec.y, d: ec.d }, "ES256");
    return new SignJWT(claims).setProtectedHeader({ alg: "ES256", typ: "JWT", kid: ec.kid }).sign(key);
  }
}
