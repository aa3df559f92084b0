// One stand-in project behind a real nginx, reached by subdomain, for the
// storage double's tests (setup as test/integration/smoke/smoke.test.ts): the
// newest template, the real Docker engine, the project's own secrets, and a
// fetch that sends <ref>.<domain> to nginx's loopback port (Node cannot resolve
// the test domain itself).
import { createPrivateKey, randomBytes, randomUUID, sign } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SignJWT } from "jose";
import { Agent, fetch as undiciFetch } from "undici";
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
import { ensureDockerHost } from "@/test/support/docker-host";
import { NGINX_BIN, startNginx, type NginxHost } from "@/test/support/nginx-host";
import { freePort } from "@/test/support/postgres-server";
import { ensureStandinImages, STANDIN_IMAGE_OVERRIDES } from "@/test/support/standin-images";

export interface StandinProject {
  ref: string;
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  secrets: ProjectSecrets;
  nginxPort: number;
  fetch: typeof fetch;
  /** A user's access token as the project's Auth would sign it: HS256 with the JWT secret, or ES256 with its EC key (kid in the header). */
  userToken(sub: string, alg: "HS256" | "ES256"): Promise<string>;
  /** A psql script in the project's database through Supafleet's own superuser session. */
  runSql(script: string): Promise<string>;
  stop(): Promise<void>;
}

interface EcJwk {
  kty: "EC";
  kid: string;
  crv: string;
  x: string;
  y: string;
  d: string;
}

export async function startStandinProject(domain: string, portRange: { start: number; end: number }): Promise<StandinProject> {
  const tmp = mkdtempSync(join(tmpdir(), "supafleet-standin-"));
  let db: Db | undefined;
  let nginx: NginxHost | undefined;
  let provisioner: Provisioner | undefined;
  let ref: string | undefined;
  const stop = async () => {
    if (ref) await provisioner?.destroy(ref).catch(() => undefined);
    await db?.$disconnect();
    nginx?.stop();
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    const docker = await ensureDockerHost();
    await ensureStandinImages(docker);
    nginx = await startNginx();
    const url = `file:${join(tmp, "supafleet.db")}`;
    await migrate(url);
    db = createDb(url);
    const installationId = await ensureInstallationId(db);
    provisioner = createDockerProvisioner("/var/run/docker.sock", installationId);
    const masterKey = randomBytes(32);
    const applier = new NginxApplier({
      nginxBin: NGINX_BIN,
      mainConfPath: nginx.mainConfPath,
      siteConfPath: nginx.siteConfPath,
      loadProjects: loadProxyProjects(db),
      settings: {
        rootDomain: domain,
        scheme: "http",
        appUpstream: { host: "127.0.0.1", port: await freePort() },
        httpListen: { host: "127.0.0.1", port: nginx.port },
        pagesDir: resolve("nginx/pages"),
        clientMaxBodySize: "50m",
      },
    });
    const service = new ProjectService(db, provisioner, applier, {
      portRange,
      masterKey,
      rootDomain: domain,
      publicScheme: "http",
      imageOverrides: STANDIN_IMAGE_OVERRIDES,
    });
    const u = await db.user.create({ data: { id: randomUUID(), email: `${domain}@example.com`, passwordHash: "x", projectQuota: 1 } });
    const user = { id: u.id, email: u.email, name: null, role: "USER" as const };
    ref = (await service.createProject(user, { name: "Storage" })).ref;
    await service.waitForIdle(ref);
    const status = (await service.getProject(user, ref)).status;
    if (status !== "ACTIVE_HEALTHY") throw new Error(`project ${ref} is ${status}, not ACTIVE_HEALTHY`);
    const row = await db.project.findUniqueOrThrow({ where: { ref } });
    const secrets = JSON.parse(decryptSecrets(masterKey, ref, row.secrets)) as ProjectSecrets;
    const host = `${ref}.${domain}`;
    const port = nginx.port;
    const dispatcher = new Agent({
      connect: {
        lookup: (hostname, options, cb) => {
          if (hostname !== host) return cb(new Error(`unexpected host ${hostname}`), "", 4);
          return options.all
            ? (cb as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: "127.0.0.1", family: 4 }])
            : cb(null, "127.0.0.1", 4);
        },
      },
    });
    const projectFetch = ((input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) =>
      undiciFetch(input, { ...init, dispatcher })) as unknown as typeof fetch;
    if (!secrets.apiKeys) throw new Error(`project ${ref} has no asymmetric API keys (template ${row.stackVersion})`);
    const ec = (JSON.parse(secrets.apiKeys.jwtKeys) as Array<{ kty: string }>).find((k): k is EcJwk => k.kty === "EC");
    if (!ec) throw new Error("the project's JWT keys have no EC key");
    const userToken = async (sub: string, alg: "HS256" | "ES256") => {
      const now = Math.floor(Date.now() / 1000);
      const claims = { sub, role: "authenticated", aud: "authenticated", iss: `http://${host}/auth/v1`, iat: now, exp: now + 3600 };
      if (alg === "HS256") {
        return new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(new TextEncoder().encode(secrets.jwtSecret));
      }
      const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
      const data = `${part({ alg: "ES256", typ: "JWT", kid: ec.kid })}.${part(claims)}`;
      const key = createPrivateKey({ key: { kty: "EC", crv: ec.crv, x: ec.x, y: ec.y, d: ec.d }, format: "jwk" });
      return `${data}.${sign("SHA256", Buffer.from(data), { key, dsaEncoding: "ieee-p1363" }).toString("base64url")}`;
    };
    return {
      ref,
      url: `http://${host}:${port}`,
      anonKey: secrets.anonKey,
      serviceRoleKey: secrets.serviceRoleKey,
      secrets,
      nginxPort: port,
      fetch: projectFetch,
      userToken,
      runSql: (script) => provisioner!.data!.runSql(ref!, script, { password: secrets.postgresPassword }),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
