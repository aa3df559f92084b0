// One project on the stand-ins, reached as an app reaches it: a real nginx by
// subdomain (<ref>.<domain> on a loopback port), the template's gateway, a
// real PostgreSQL behind it, on the real Docker engine. The one setup of the
// stand-in suites (REST, Storage, Functions, Auth, the Management API's
// functions and SQL, the smoke script, the pooler's TLS): making a stack takes
// 15-30 s and their tests a few seconds, so a test file makes one project and
// runs several suites against it (test/integration/standins/newest-template.test.ts).
//
// The installation has a pooler CA and binds the database ports to loopback,
// as an installation with a certificate does (lib/services.ts, lib/env.ts),
// so that the pooler's TLS is checked on the same project; plain connections
// are still accepted, as Supavisor accepts them.
import { randomUUID } from "node:crypto";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Docker from "dockerode";
import { importJWK, SignJWT } from "jose";
import { Agent, fetch as undiciFetch } from "undici";
import { afterAll, beforeAll } from "vitest";
import type { SessionUser } from "@/lib/auth/actor";
import { decryptSecrets } from "@/lib/crypto/secret-box";
import { createPoolerCa, type PoolerCa } from "@/lib/crypto/pooler-ca";
import type { ProjectSecrets } from "@/lib/stack/secrets";
import { LATEST_STACK_VERSION } from "@/lib/stack/template";
import { ensureDockerHost } from "@/test/support/docker-host";
import { openInstallation, type Installation } from "@/test/support/installation";
import { startNginx, testNginxApplier, type NginxHost } from "@/test/support/nginx-host";
import { freePort } from "@/test/support/postgres-server";
import { ensureStandinImages } from "@/test/support/standin-images";

export interface StandinProjectOptions {
  /** The installation's root domain: the project answers at <ref>.<domain>. */
  domain: string;
  /** Its own ports (test/support/lanes.ts: files of different lanes use disjoint ranges). */
  portRange: { start: number; end: number };
  /** The project's template (default: the newest). */
  stackVersion?: string;
}

export interface StandinProject {
  docker: Docker;
  /** The installation: its database, ProjectService and provisioner. */
  inst: Installation;
  /** The project's owner (one project allowed). */
  owner: SessionUser;
  poolerCa: PoolerCa;
  ref: string;
  domain: string;
  /** <ref>.<domain> */
  host: string;
  nginxPort: number;
  /** http://<ref>.<domain>:<nginx port> */
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  secrets: ProjectSecrets;
  /** fetch that sends the project's host to nginx on loopback (Node cannot resolve the test domain); other hosts resolve as usual. */
  fetch: typeof fetch;
  /** HS256 with the project's JWT secret (the legacy way; another secret when given). */
  signHs256(claims: Record<string, unknown>, secret?: string): Promise<string>;
  /** ES256 with the project's signing key (JWT_KEYS' EC key, its kid in the header), as GoTrue signs with GOTRUE_JWT_KEYS. */
  signEs256(claims: Record<string, unknown>): Promise<string>;
  /** A psql script in the project's database through Supafleet's own superuser session. */
  runSql(script: string): Promise<string>;
  /** Removes the project's stack, nginx and the installation's files. */
  stop(): Promise<void>;
}

export async function startStandinProject(opts: StandinProjectOptions): Promise<StandinProject> {
  const tmp = mkdtempSync(join(tmpdir(), "supafleet-standin-"));
  let nginx: NginxHost | undefined;
  let inst: Installation | undefined;
  let ref: string | undefined;
  let host = "";
  // Connections for the project's host go to nginx on loopback; the URL and Host stay the project's.
  const dispatcher = new Agent({
    connect: {
      lookup: (hostname, options, cb) => {
        if (hostname.toLowerCase() !== host) return dnsLookup(hostname, options, cb as never);
        if (options.all) (cb as (e: null, a: LookupAddress[]) => void)(null, [{ address: "127.0.0.1", family: 4 }]);
        else (cb as (e: null, a: string, f: number) => void)(null, "127.0.0.1", 4);
      },
    },
  });
  const stop = async () => {
    if (ref) await inst?.provisioner.destroy(ref).catch(() => undefined);
    await inst?.db.$disconnect();
    nginx?.stop();
    await dispatcher.close();
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    const docker = await ensureDockerHost();
    await ensureStandinImages(docker);
    const started = (nginx = await startNginx());
    const poolerCa = createPoolerCa();
    const appPort = await freePort();
    inst = await openInstallation({
      url: `file:${join(tmp, "supafleet.db")}`,
      portRange: opts.portRange,
      proxy: (db) => testNginxApplier(started, db, { domain: opts.domain, appPort }),
      config: {
        rootDomain: opts.domain,
        publicPort: started.port,
        poolerCa,
        dbBindAddress: "127.0.0.1",
        ...(opts.stackVersion ? { newProjectStackVersion: opts.stackVersion } : {}),
      },
    });
    const { db, service, config } = inst;
    const u = await db.user.create({ data: { id: randomUUID(), email: `owner@${opts.domain}`, passwordHash: "x", projectQuota: 1 } });
    const owner: SessionUser = { id: u.id, email: u.email, name: null, role: "USER" };
    ref = (await service.createProject(owner, { name: "Stand-ins" })).ref;
    await service.waitForIdle(ref);
    // On a loaded shared host a service may miss its health checks; the owner's retry is the product's answer.
    if ((await service.getProject(owner, ref)).status === "INIT_FAILED") {
      await service.retryProject(owner, ref);
      await service.waitForIdle(ref);
    }
    const row = await db.project.findUniqueOrThrow({ where: { ref } });
    if (row.status !== "ACTIVE_HEALTHY") throw new Error(`project ${ref} is ${row.status}: ${row.statusReason}`);
    const version = opts.stackVersion ?? LATEST_STACK_VERSION;
    if (row.stackVersion !== version) throw new Error(`project ${ref} is on ${row.stackVersion}, not ${version}`);
    const secrets = JSON.parse(decryptSecrets(config.masterKey, ref, row.secrets)) as ProjectSecrets;
    const details = await service.getProjectDetails(owner, ref);
    host = `${ref}.${opts.domain}`;
    const projectRef = ref;
    const provisioner = inst.provisioner;
    return {
      docker,
      inst,
      owner,
      poolerCa,
      ref,
      domain: opts.domain,
      host,
      nginxPort: started.port,
      url: `http://${host}:${started.port}`,
      anonKey: details.anonKey,
      serviceRoleKey: details.serviceRoleKey,
      secrets,
      fetch: ((input: string | URL | Request, init?: RequestInit) =>
        undiciFetch(input as string, { ...(init as object), dispatcher } as never)) as unknown as typeof fetch,
      signHs256: (claims, secret) =>
        new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(new TextEncoder().encode(secret ?? secrets.jwtSecret)),
      async signEs256(claims) {
        if (!secrets.apiKeys) throw new Error(`project ${projectRef} has no asymmetric API keys (template ${row.stackVersion})`);
        const keys = JSON.parse(secrets.apiKeys.jwtKeys) as Array<{ kty: string; kid?: string; crv?: string; x?: string; y?: string; d?: string }>;
        const ec = keys.find((k) => k.kty === "EC");
        if (!ec?.kid) throw new Error("the project has no EC signing key");
        const key = await importJWK({ kty: "EC", crv: ec.crv, x: ec.x, y: ec.y, d: ec.d }, "ES256");
        return new SignJWT(claims).setProtectedHeader({ alg: "ES256", typ: "JWT", kid: ec.kid }).sign(key);
      },
      runSql: (script) => provisioner.data!.runSql(projectRef, script, { password: secrets.postgresPassword }),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The test file's project: made in a file-level beforeAll, removed in its
 * afterAll. Suites take the getter and read it in their own hooks and tests.
 */
export function standinProjectForFile(opts: StandinProjectOptions): () => StandinProject {
  let project: StandinProject | undefined;
  beforeAll(async () => {
    project = await startStandinProject(opts);
  }, 900_000);
  afterAll(async () => {
    await project?.stop();
  }, 300_000);
  return () => {
    if (!project) throw new Error("the stand-in project was not made (see the file's beforeAll)");
    return project;
  };
}

/** A suite's own setup run once, however many of its describe blocks ask for it first. */
export function once<T>(setup: () => Promise<T>): () => Promise<T> {
  let done: Promise<T> | undefined;
  return () => (done ??= setup());
}
