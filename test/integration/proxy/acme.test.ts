// Automatic certificates end to end, with real parts: Pebble (Let's
// Encrypt's test CA, from Debian) issues over ACME to the manager
// (lib/acme), nginx (Debian) answers the CA's HTTP-01 fetches through the
// app and then serves the certificates, and Node validates the TLS it serves
// against Pebble's root for the panel's host and a project's <ref>.<domain>.
// One CA, one nginx and one clock for the file; the project upstreams are
// plain HTTP servers (routing itself is test/integration/proxy/routing.test.ts's).
import { statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { challengeBoard, challengeReply } from "@/lib/acme/challenges";
import { CertificateStore } from "@/lib/acme/certificate-store";
import { hostsNeedingCertificates } from "@/lib/acme/hosts";
import { AcmeIssuer } from "@/lib/acme/issuer";
import { AcmeManager } from "@/lib/acme/manager";
import { renewalDue } from "@/lib/acme/schedule";
import { createDb, type Db } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { STATUS } from "@/lib/domain";
import { renderWithCertificates } from "@/lib/proxy/app-proxy";
import { NginxApplier } from "@/lib/proxy/nginx-applier";
import type { ProxyProject } from "@/lib/proxy/render-nginx-config";
import { startNginx, viaNginx, viaNginxTls, type NginxHost } from "@/test/support/nginx-host";
import { startPebble, type Pebble } from "@/test/support/pebble";
import { freePort } from "@/test/support/postgres-server";
import { tempFolder } from "@/test/support/temp-folder";

const DOMAIN = "fleet.test";
const A = "aaaaaaaaaaaaaaaaaaaa";
const B = "bbbbbbbbbbbbbbbbbbbb";
const tmp = tempFolder("acme");
const quiet = { info: () => undefined, warn: () => undefined };

let nginx: NginxHost;
let pebble: Pebble;
let db: Db;
let httpsPort: number;
let root: string;
const servers: Server[] = [];
let clock = Date.now();
let projects: ProxyProject[] = [];
let applier: NginxApplier;
const store = new CertificateStore(join(tmp, "data", "acme", "certificates"));
const hostsFor = (refs: string[]) => hostsNeedingCertificates({ rootDomain: DOMAIN, operatorCertificate: false }, refs);

async function serve(handler: Parameters<typeof createServer>[1]): Promise<number> {
  const port = await freePort();
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(port, "127.0.0.1", r));
  return port;
}

function manager(directoryUrl: string): AcmeManager {
  return new AcmeManager({
    db,
    store,
    issuer: new AcmeIssuer({
      directoryUrl,
      email: "ops@fleet.test",
      accountKeyPath: join(tmp, "data", "acme", "account.key"),
      caBundlePem: pebble.listenerCaPem,
      board: challengeBoard(),
    }),
    wantedHosts: async () => hostsFor(projects.map((p) => p.ref)),
    applyProxy: () => applier.apply(),
    now: () => new Date(clock),
    log: quiet,
  });
}

const viaTls = (host: string) => viaNginxTls(httpsPort, host, root);

beforeAll(async () => {
  nginx = await startNginx();
  httpsPort = await freePort();
  pebble = await startPebble(tmp, nginx.port);
  const url = `file:${join(tmp, "supafleet.db")}`;
  await migrate(url);
  db = createDb(url);
  // The app: answers HTTP-01 from the board as app/api/acme/challenge does, and is the panel otherwise.
  const appPort = await serve((req, res) => {
    const m = /^\/api\/acme\/challenge\/([^/?]*)$/.exec(req.url ?? "");
    if (!m) return res.end("supafleet app");
    const reply = challengeReply(challengeBoard(), m[1]!);
    res.writeHead(reply.status, { "content-type": "text/plain" }).end(reply.body);
  });
  const kongA = await serve((_req, res) => res.end("project A"));
  const kongB = await serve((_req, res) => res.end("project B"));
  projects = [{ ref: A, status: STATUS.ACTIVE_HEALTHY, kongPort: kongA }];
  const projectB: ProxyProject = { ref: B, status: STATUS.ACTIVE_HEALTHY, kongPort: kongB };
  applier = new NginxApplier({
    nginxBin: "/usr/sbin/nginx",
    mainConfPath: nginx.mainConfPath,
    siteConfPath: nginx.siteConfPath,
    loadProjects: async () => projects,
    settings: {
      rootDomain: DOMAIN,
      scheme: "https",
      appUpstream: { host: "127.0.0.1", port: appPort },
      httpListen: { host: "127.0.0.1", port: nginx.port },
      acme: { httpsListen: { host: "127.0.0.1", port: httpsPort }, certificates: {} },
      pagesDir: resolve("nginx/pages"),
      clientMaxBodySize: "50m",
    },
    render: renderWithCertificates(store, hostsFor),
  });
  await applier.apply();
  root = await pebble.rootPem();
  addB = () => {
    projects = [...projects, projectB];
  };
}, 60_000);

let addB: () => void = () => undefined;

afterAll(async () => {
  await pebble?.stop();
  nginx?.stop();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await db?.$disconnect();
});

describe("automatic certificates from a real ACME CA (Pebble) through a real nginx", () => {
  it("before any certificate, every host is served over plain HTTP, unbroken", async () => {
    expect((await viaNginx(nginx.port, DOMAIN)).body).toBe("supafleet app");
    expect((await viaNginx(nginx.port, `${A}.${DOMAIN}`)).body).toBe("project A");
  });

  it("issues for the panel's host and <ref>.<domain>; nginx serves them valid under Pebble's root, and port 80 redirects", async () => {
    const report = await manager(pebble.directoryUrl).tick();
    expect(report.failed).toEqual([]);
    expect(report.issued.sort()).toEqual([DOMAIN, `${A}.${DOMAIN}`].sort());
    const panel = await viaTls(DOMAIN);
    expect(panel).toMatchObject({ status: 200, body: "supafleet app" });
    const project = await viaTls(`${A}.${DOMAIN}`);
    expect(project).toMatchObject({ status: 200, body: "project A" });
    const redirect = await viaNginx(nginx.port, `${A}.${DOMAIN}`, "/rest/v1/x?y=1");
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get("location")).toBe(`https://${A}.${DOMAIN}/rest/v1/x?y=1`);
    // The CA can still reach port 80 for the renewal's challenge: no redirect there.
    expect((await viaNginx(nginx.port, DOMAIN, "/.well-known/acme-challenge/AAAAAAAAAAAAAAAAAAAAAAAAAAAA")).status).toBe(404);
    // Secrets on disk: keys 0600 in 0700 directories.
    const paths = store.paths(DOMAIN);
    expect(statSync(paths.keyPath).mode & 0o777).toBe(0o600);
    expect(statSync(join(paths.keyPath, "..")).mode & 0o777).toBe(0o700);
    expect(statSync(join(tmp, "data", "acme", "account.key")).mode & 0o777).toBe(0o600);
    const row = await db.certificate.findUniqueOrThrow({ where: { hostname: DOMAIN } });
    expect(row).toMatchObject({ failures: 0, lastError: null });
    expect(row.notAfter!.getTime()).toBe(store.get(DOMAIN)!.notAfter.getTime());
  }, 60_000);

  it("renews once two thirds of the lifetime has passed, not before, and nginx serves the new certificate", async () => {
    const m = manager(pebble.directoryUrl);
    const before = store.get(DOMAIN)!;
    const servedBefore = (await viaTls(DOMAIN)).serial;
    const due = renewalDue(before.notBefore, before.notAfter).getTime();
    clock = due - 60_000;
    expect((await m.tick()).issued).toEqual([]);
    clock = due + 1000;
    const report = await m.tick();
    expect(report.issued.sort()).toEqual([DOMAIN, `${A}.${DOMAIN}`].sort());
    const after = store.get(DOMAIN)!;
    expect(after.serialNumber).not.toBe(before.serialNumber);
    const served = await viaTls(DOMAIN);
    expect(served.serial).toBe(after.serialNumber);
    expect(served.serial).not.toBe(servedBefore);
  }, 60_000);

  it("with the CA unreachable: backs off exponentially, records the error, and keeps serving the new host over HTTP", async () => {
    // Back to the real time: the renewed certificates are fresh again.
    clock = Date.now();
    addB();
    await applier.apply();
    const dead = manager(`https://127.0.0.1:${await freePort()}/dir`);
    const first = await dead.tick();
    expect(first.issued).toEqual([]);
    expect(first.failed.map((f) => f.hostname)).toEqual([`${B}.${DOMAIN}`]);
    const row = await db.certificate.findUniqueOrThrow({ where: { hostname: `${B}.${DOMAIN}` } });
    expect(row.failures).toBe(1);
    expect(row.lastError).toMatch(/ECONNREFUSED/);
    expect(row.nextAttemptAt!.getTime() - clock).toBe(60_000);
    // Within the backoff nothing is tried.
    expect((await dead.tick()).failed).toEqual([]);
    clock += 61_000;
    await dead.tick();
    const second = await db.certificate.findUniqueOrThrow({ where: { hostname: `${B}.${DOMAIN}` } });
    expect(second.failures).toBe(2);
    expect(second.nextAttemptAt!.getTime() - clock).toBe(120_000);
    // B over HTTP, unbroken; the others still over HTTPS.
    expect(await viaNginx(nginx.port, `${B}.${DOMAIN}`)).toMatchObject({ status: 200, body: "project B" });
    expect(await viaTls(`${A}.${DOMAIN}`)).toMatchObject({ status: 200, body: "project A" });
    const listed = await dead.list();
    expect(listed.find((c) => c.hostname === `${B}.${DOMAIN}`)).toMatchObject({ notAfter: null, failures: 2 });
    // The CA back: the next due attempt issues, and the error is cleared.
    clock += 121_000;
    const healed = await manager(pebble.directoryUrl).tick();
    expect(healed.issued).toEqual([`${B}.${DOMAIN}`]);
    expect(await db.certificate.findUniqueOrThrow({ where: { hostname: `${B}.${DOMAIN}` } })).toMatchObject({ failures: 0, lastError: null });
    expect(await viaTls(`${B}.${DOMAIN}`)).toMatchObject({ status: 200, body: "project B" });
  }, 60_000);
});
