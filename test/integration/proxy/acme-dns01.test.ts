// DNS-01 for one wildcard certificate, with real parts: Knot DNS (Debian) is
// the authoritative server for the test zone and takes RFC 2136 updates
// signed with TSIG (lib/acme/dns), Pebble (Debian) resolves through it and
// validates the _acme-challenge records, the manager issues *.<domain>, and
// nginx (Debian) serves the panel and every <ref>.<domain> with that one
// certificate, validated by Node against Pebble's root. The failure path
// first: a wrong TSIG secret is refused, backs off, and writes nothing.
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer, type Socket } from "node:net";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { challengeBoard } from "@/lib/acme/challenges";
import { CertificateStore } from "@/lib/acme/certificate-store";
import { waitForTxt } from "@/lib/acme/dns/provider";
import { exchangeTcp, Rfc2136Provider } from "@/lib/acme/dns/rfc2136";
import { buildTxtQuery, parseMessage, txtValues } from "@/lib/acme/dns/wire";
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
import { startKnot, type Knot } from "@/test/support/knot";
import { startNginx, viaNginx, viaNginxTls, type NginxHost } from "@/test/support/nginx-host";
import { startPebble, type Pebble } from "@/test/support/pebble";
import { freePort } from "@/test/support/postgres-server";
import { tempFolder } from "@/test/support/temp-folder";

const DOMAIN = "fleet.test";
const WILDCARD = `*.${DOMAIN}`;
const A = "aaaaaaaaaaaaaaaaaaaa";
const B = "bbbbbbbbbbbbbbbbbbbb";
const tmp = tempFolder("acme-dns01");
const quiet = { info: () => undefined, warn: () => undefined };

let nginx: NginxHost;
let knot: Knot;
let pebble: Pebble;
let db: Db;
let httpsPort: number;
let root: string;
let applier: NginxApplier;
let projects: ProxyProject[] = [];
let kongB = 0;
let clock = Date.now();
const servers: Server[] = [];
const store = new CertificateStore(join(tmp, "data", "acme", "certificates"));
const hostsFor = (refs: string[]) => hostsNeedingCertificates({ rootDomain: DOMAIN, operatorCertificate: false, wildcard: true }, refs);

async function serve(handler: Parameters<typeof createServer>[1]): Promise<number> {
  const port = await freePort();
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(port, "127.0.0.1", r));
  return port;
}

function provider(secret: Buffer): Rfc2136Provider {
  return new Rfc2136Provider({
    host: knot.host,
    port: knot.port,
    zone: DOMAIN,
    key: { name: knot.keyName, algorithm: "hmac-sha256", secret },
    timeoutMs: 3000,
  });
}

function manager(secret: Buffer): AcmeManager {
  return new AcmeManager({
    db,
    store,
    issuer: new AcmeIssuer({
      directoryUrl: pebble.directoryUrl,
      email: "ops@fleet.test",
      accountKeyPath: join(tmp, "data", "acme", "account.key"),
      caBundlePem: pebble.listenerCaPem,
      board: challengeBoard(),
      dns01: { provider: provider(secret), propagationTimeoutMs: 10_000, pollMs: 200 },
    }),
    wantedHosts: async () => hostsFor(projects.map((p) => p.ref)),
    applyProxy: () => applier.apply(),
    now: () => new Date(clock),
    log: quiet,
  });
}

/** The TXT values Knot answers at _acme-challenge.<domain> (unsigned query, as any resolver asks). */
async function challengeRecords(): Promise<string[]> {
  const name = `_acme-challenge.${DOMAIN}`;
  return txtValues(parseMessage(await exchangeTcp(knot.host, knot.port, buildTxtQuery(4242, name), 3000)), name);
}

const viaTls = (host: string) => viaNginxTls(httpsPort, host, root);

beforeAll(async () => {
  nginx = await startNginx();
  httpsPort = await freePort();
  knot = await startKnot(tmp, DOMAIN);
  pebble = await startPebble(tmp, nginx.port, { resolver: `${knot.host}:${knot.port}` });
  const url = `file:${join(tmp, "supafleet.db")}`;
  await migrate(url);
  db = createDb(url);
  const appPort = await serve((_req, res) => res.end("supafleet app"));
  const kongA = await serve((_req, res) => res.end("project A"));
  kongB = await serve((_req, res) => res.end("project B"));
  projects = [{ ref: A, status: STATUS.ACTIVE_HEALTHY, kongPort: kongA }];
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
}, 60_000);

afterAll(async () => {
  await pebble?.stop();
  await knot?.stop();
  nginx?.stop();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await db?.$disconnect();
});

describe("one wildcard certificate over DNS-01 (Knot with RFC 2136 + TSIG, Pebble, nginx)", () => {
  it("with a wrong TSIG secret: a clear error, backoff recorded, no certificate, no record left, hosts still over HTTP", async () => {
    const report = await manager(Buffer.alloc(32, 7)).tick();
    expect(report.issued).toEqual([]);
    expect(report.failed.map((f) => f.hostname)).toEqual([WILDCARD]);
    const row = await db.certificate.findUniqueOrThrow({ where: { hostname: WILDCARD } });
    expect(row.failures).toBe(1);
    expect(row.lastError).toMatch(/_acme-challenge\.fleet\.test.*rejected the TSIG signature: BADSIG/);
    expect(row.lastError).not.toContain(knot.secret);
    expect(row.nextAttemptAt!.getTime() - clock).toBe(60_000);
    // Nothing half-written: no pair, not even its directory; nothing left in the zone.
    expect(store.get(WILDCARD)).toBeNull();
    expect(existsSync(join(tmp, "data", "acme", "certificates", `_wildcard.${DOMAIN}`))).toBe(false);
    expect(await challengeRecords()).toEqual([]);
    // Within the backoff nothing is tried, even with the right key.
    expect((await manager(Buffer.from(knot.secret, "base64")).tick()).failed).toEqual([]);
    expect(await viaNginx(nginx.port, `${A}.${DOMAIN}`)).toMatchObject({ status: 200, body: "project A" });
  }, 60_000);

  it("after the backoff, with the right key: issues *.<domain>, nginx serves the panel and <ref>.<domain> with it, and the TXT records are gone", async () => {
    clock += 61_000;
    const report = await manager(Buffer.from(knot.secret, "base64")).tick();
    expect(report.failed).toEqual([]);
    expect(report.issued).toEqual([WILDCARD]);
    expect(await db.certificate.findUniqueOrThrow({ where: { hostname: WILDCARD } })).toMatchObject({ failures: 0, lastError: null });
    const cert = store.get(WILDCARD)!;
    const project = await viaTls(`${A}.${DOMAIN}`);
    expect(project).toMatchObject({ status: 200, body: "project A", serial: cert.serialNumber });
    expect(project.altNames.split(", ").sort()).toEqual([`DNS:${WILDCARD}`, `DNS:${DOMAIN}`]);
    expect(await viaTls(DOMAIN)).toMatchObject({ status: 200, body: "supafleet app", serial: cert.serialNumber });
    const redirect = await viaNginx(nginx.port, `${A}.${DOMAIN}`, "/rest/v1/x");
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get("location")).toBe(`https://${A}.${DOMAIN}/rest/v1/x`);
    expect(await challengeRecords()).toEqual([]);
  }, 60_000);

  it("renews the wildcard over DNS-01 once two thirds of its lifetime has passed; nginx serves the new one", async () => {
    const before = store.get(WILDCARD)!;
    clock = renewalDue(before.notBefore, before.notAfter).getTime() + 1000;
    const report = await manager(Buffer.from(knot.secret, "base64")).tick();
    expect(report).toMatchObject({ issued: [WILDCARD], failed: [] });
    const after = store.get(WILDCARD)!;
    expect(after.serialNumber).not.toBe(before.serialNumber);
    expect((await viaTls(`${A}.${DOMAIN}`)).serial).toBe(after.serialNumber);
    expect(await challengeRecords()).toEqual([]);
    clock = Date.now();
  }, 60_000);

  it("a new project is served over HTTPS with the same certificate at once: nothing more is issued", async () => {
    projects = [...projects, { ref: B, status: STATUS.ACTIVE_HEALTHY, kongPort: kongB }];
    await applier.apply();
    expect((await manager(Buffer.from(knot.secret, "base64")).tick()).issued).toEqual([]);
    expect(await viaTls(`${B}.${DOMAIN}`)).toMatchObject({ status: 200, body: "project B", serial: store.get(WILDCARD)!.serialNumber });
  }, 60_000);
});

describe("the RFC 2136 provider's bounds, against the same Knot", () => {
  it("a record that never shows is a bounded wait with a clear error", async () => {
    const started = Date.now();
    await expect(
      waitForTxt(provider(Buffer.from(knot.secret, "base64")), `_acme-challenge.${DOMAIN}`, "never-added", { timeoutMs: 600, pollMs: 100 }),
    ).rejects.toThrow(/_acme-challenge\.fleet\.test was not visible at the DNS server within 1 s/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("an update outside the key's zone is refused by the server (NOTAUTH, unsigned) and named", async () => {
    const other = new Rfc2136Provider({
      host: knot.host,
      port: knot.port,
      zone: "other.test",
      key: { name: knot.keyName, algorithm: "hmac-sha256", secret: Buffer.from(knot.secret, "base64") },
    });
    await expect(other.addTxt("_acme-challenge.other.test", "x")).rejects.toThrow(/answered NOTAUTH, not TSIG-signed: is it authoritative for the zone/);
  });

  it("a server that is down or silent fails within the timeout, naming where", async () => {
    const down = new Rfc2136Provider({
      host: "127.0.0.1",
      port: await freePort(),
      zone: DOMAIN,
      key: { name: "k.", algorithm: "hmac-sha256", secret: Buffer.alloc(32) },
    });
    await expect(down.addTxt(`_acme-challenge.${DOMAIN}`, "x")).rejects.toThrow(/cannot reach the DNS server at 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    const held: Socket[] = [];
    const silent = createTcpServer((c) => held.push(c));
    const port = await freePort();
    await new Promise<void>((r) => silent.listen(port, "127.0.0.1", r));
    try {
      const mute = new Rfc2136Provider({
        host: "127.0.0.1",
        port,
        zone: DOMAIN,
        key: { name: "k.", algorithm: "hmac-sha256", secret: Buffer.alloc(32) },
        timeoutMs: 300,
      });
      await expect(mute.addTxt(`_acme-challenge.${DOMAIN}`, "x")).rejects.toThrow(/did not answer within 300 ms/);
    } finally {
      held.forEach((c) => c.destroy());
      await new Promise((r) => silent.close(r));
    }
  });
});
