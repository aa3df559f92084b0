// A project's custom hostname end to end, with real parts: one project stack
// (stand-in images) for the file, a real nginx, Pebble (Let's Encrypt's test
// CA, from Debian) and pebble-challtestsrv as the DNS server the owner's
// records are created in and looked up at (Node's resolver, as
// SUPAFLEET_DNS_RESOLVER configures it). The flow is upstream's: initialize →
// records → reverify → certificate → activate → delete (lib/domains/service.ts).
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { request as httpsRequest } from "node:https";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/actor";
import { challengeBoard, challengeReply } from "@/lib/acme/challenges";
import { CertificateStore } from "@/lib/acme/certificate-store";
import { hostsNeedingCertificates } from "@/lib/acme/hosts";
import { AcmeIssuer } from "@/lib/acme/issuer";
import { AcmeManager } from "@/lib/acme/manager";
import { STATUS } from "@/lib/domain";
import { activeCustomHostMap, verifiedCustomHosts } from "@/lib/domains/hosts";
import { txtName } from "@/lib/domains/records";
import { dnsResolver } from "@/lib/domains/resolver";
import { CustomDomainService } from "@/lib/domains/service";
import { ConflictError, InvalidStateError, ValidationError } from "@/lib/errors";
import { projectCore } from "@/lib/projects/core";
import { JobRunner } from "@/lib/projects/jobs";
import { ProjectService } from "@/lib/projects/service";
import { NginxActivityLog } from "@/lib/proxy/activity";
import { loadProxyProjects, renderWithCertificates } from "@/lib/proxy/app-proxy";
import { NginxApplier } from "@/lib/proxy/nginx-applier";
import { ensureDockerHost } from "@/test/support/docker-host";
import { openInstallation, type Installation } from "@/test/support/installation";
import { NGINX_BIN, startNginx, type NginxHost } from "@/test/support/nginx-host";
import { startPebble, type Pebble } from "@/test/support/pebble";
import { freePort } from "@/test/support/postgres-server";
import { ensureStandinImages } from "@/test/support/standin-images";
import { tempFolder } from "@/test/support/temp-folder";
import type Docker from "dockerode";

const DOMAIN = "fleet.test";
const HOST = "api.shop.test";
const tmp = tempFolder("custom-domains");
const quiet = { info: () => undefined, warn: () => undefined };

let docker: Docker;
let nginx: NginxHost;
let pebble: Pebble;
let inst: Installation;
let projects: ProjectService;
let domains: CustomDomainService;
let manager: AcmeManager;
let activity: NginxActivityLog;
let app: Server;
let httpsPort: number;
let root: string;
let user: SessionUser;
let ref: string;
let serviceKey: string;
const store = new CertificateStore(join(tmp, "acme", "certificates"));
const hostsFor = (refs: string[]) => hostsNeedingCertificates({ rootDomain: DOMAIN, operatorCertificate: false }, refs);

/** An HTTPS request through nginx for `host`, validated against Pebble's root only. */
function viaTls(host: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const req = httpsRequest({ host: "127.0.0.1", port: httpsPort, path, servername: host, headers: { host, ...headers }, ca: root, agent: false }, (r) => {
      let body = "";
      r.on("data", (d: Buffer) => (body += d.toString()));
      r.on("end", () => res({ status: r.statusCode ?? 0, body }));
    });
    req.on("error", rej);
    req.end();
  });
}

const site = () => readFileSync(nginx.siteConfPath, "utf8");
const row = () => inst.db.customDomain.findUnique({ where: { ref } });
const envOf = async (service: string) => {
  const info = await docker.getContainer(`supafleet-${ref}-${service}`).inspect();
  return { id: info.Id, env: Object.fromEntries(info.Config.Env.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)])) };
};

beforeAll(async () => {
  docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  nginx = await startNginx();
  httpsPort = await freePort();
  pebble = await startPebble(tmp, nginx.port);
  root = await pebble.rootPem();
  // The app: answers HTTP-01 from the board as app/api/acme/challenge does.
  app = createServer((req, res) => {
    const m = /^\/api\/acme\/challenge\/([^/?]*)$/.exec(req.url ?? "");
    if (!m) return void res.writeHead(404).end();
    const reply = challengeReply(challengeBoard(), m[1]!);
    res.writeHead(reply.status, { "content-type": "text/plain" }).end(reply.body);
  });
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
  const appPort = (app.address() as { port: number }).port;
  inst = await openInstallation({ portRange: { start: 56600, end: 56649 }, config: { rootDomain: DOMAIN, publicScheme: "https", publicPort: httpsPort } });
  const activityLog = join(nginx.dir, "log", "activity.log");
  const applier = new NginxApplier({
    nginxBin: NGINX_BIN,
    mainConfPath: nginx.mainConfPath,
    siteConfPath: nginx.siteConfPath,
    loadProjects: loadProxyProjects(inst.db),
    settings: {
      rootDomain: DOMAIN,
      scheme: "https",
      appUpstream: { host: "127.0.0.1", port: appPort },
      httpListen: { host: "127.0.0.1", port: nginx.port },
      acme: { httpsListen: { host: "127.0.0.1", port: httpsPort }, certificates: {} },
      pagesDir: resolve("nginx/pages"),
      clientMaxBodySize: "50m",
      activityLog,
    },
    render: renderWithCertificates(store, hostsFor),
  });
  manager = new AcmeManager({
    db: inst.db,
    store,
    issuer: new AcmeIssuer({
      directoryUrl: pebble.directoryUrl,
      email: "ops@fleet.test",
      accountKeyPath: join(tmp, "acme", "account.key"),
      caBundlePem: pebble.listenerCaPem,
      board: challengeBoard(),
    }),
    wantedHosts: async () => {
      const refs = (await inst.db.project.findMany({ where: { status: { not: STATUS.REMOVED } }, select: { ref: true } })).map((p) => p.ref);
      return hostsNeedingCertificates({ rootDomain: DOMAIN, operatorCertificate: false }, refs, await verifiedCustomHosts(inst.db));
    },
    applyProxy: () => applier.apply(),
    log: quiet,
  });
  // One job runner for both services, as the composition root (lib/services.ts) shares it.
  const jobs = new JobRunner();
  projects = new ProjectService(inst.db, inst.provisioner, applier, inst.config, { jobs });
  domains = new CustomDomainService(projectCore(inst.db, inst.provisioner, applier, inst.config, { jobs }), {
    dns: dnsResolver(pebble.dnsServer),
    // The test ticks the manager itself, to know when the certificate is there.
    certificates: { acme: true, issued: (h) => store.get(h) !== null, kick: () => undefined },
  });
  activity = new NginxActivityLog(activityLog, DOMAIN, undefined, () => activeCustomHostMap(inst.db));
  const u = await inst.db.user.create({ data: { id: randomUUID(), email: `owner-${randomUUID().slice(0, 8)}@example.com`, passwordHash: "x" } });
  user = { id: u.id, email: u.email, name: null, role: "USER" };
  ref = (await projects.createProject(user, { name: "Shop" })).ref;
  await projects.waitForIdle(ref);
  expect((await inst.db.project.findUniqueOrThrow({ where: { ref } })).status).toBe(STATUS.ACTIVE_HEALTHY);
  serviceKey = (await projects.getProjectDetails(user, ref)).serviceRoleKey;
  // The project's own names get their certificates first, as they would in production.
  expect((await manager.tick()).failed).toEqual([]);
}, 300_000);

afterAll(async () => {
  if (inst) {
    const refs = await inst.db.project.findMany({ select: { ref: true } });
    for (const p of refs) await inst.provisioner.destroy(p.ref).catch(() => undefined);
    await inst.db.$disconnect();
  }
  await pebble?.stop();
  nginx?.stop();
  app?.close();
});

describe("a custom hostname through upstream's flow, with a real DNS server, CA and nginx", () => {
  it("adds a strictly validated hostname and shows the CNAME and TXT records to create", async () => {
    await expect(domains.initialize(user, ref, { custom_hostname: `shop.${DOMAIN}` })).rejects.toThrow(ValidationError);
    await expect(domains.initialize(user, ref, { custom_hostname: "*.shop.test" })).rejects.toThrow(ValidationError);
    const v = await domains.initialize(user, ref, { custom_hostname: HOST });
    expect(v.status).toBe("2_initiated");
    expect(v.records[0]).toEqual({ type: "CNAME", name: HOST, value: `${ref}.${DOMAIN}` });
    expect(v.records[1]).toMatchObject({ type: "TXT", name: txtName(HOST), value: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    // Naming it again keeps the token the owner may already have published.
    expect((await domains.initialize(user, ref, { custom_hostname: HOST })).records).toEqual(v.records);
    expect(site()).not.toContain(HOST);
  });

  it("a wrong TXT record is refused with a clear error, and nothing changes", async () => {
    await pebble.dns.setCname(HOST, `${ref}.${DOMAIN}`);
    await pebble.dns.setTxt(txtName(HOST), "not-the-token");
    await expect(domains.reverify(user, ref)).rejects.toThrow(InvalidStateError);
    await expect(domains.reverify(user, ref)).rejects.toThrow(/TXT record _supafleet-challenge\.api\.shop\.test does not hold the ownership token/);
    expect(await row()).toMatchObject({ status: "2_initiated", verifiedAt: null, lastError: expect.stringMatching(/TXT/) });
    expect(site()).not.toContain(HOST);
    await expect(domains.activate(user, ref)).rejects.toThrow(/Verify the DNS records/);
  });

  it("with the right records: verified, the CA's HTTP-01 reaches the app through nginx, and the certificate makes it ready to activate", async () => {
    const token = (await row())!.txtToken;
    await pebble.dns.clearTxt(txtName(HOST));
    await pebble.dns.setTxt(txtName(HOST), token);
    const verified = await domains.reverify(user, ref);
    expect(verified.status).toBe("3_challenge_verified");
    expect((await row())!.lastError).toBeNull();
    // Only the challenge is answered for it before activation.
    expect(site()).toMatch(new RegExp(`server_name ${HOST.replaceAll(".", "\\.")};\\n {2}location \\^~ /\\.well-known/acme-challenge/`));
    const report = await manager.tick();
    expect(report.failed).toEqual([]);
    expect(report.issued).toEqual([HOST]);
    expect((await domains.get(user, ref)).status).toBe("4_origin_setup_completed");
  }, 60_000);

  it("activates: nginx serves the project there over TLS valid under Pebble's root; Auth and Storage alone restart with the new public URL", async () => {
    const before = { auth: await envOf("auth"), storage: await envOf("storage"), rest: await envOf("rest") };
    expect(before.auth.env.GOTRUE_MAILER_EXTERNAL_HOSTS).toBeUndefined();
    const t0 = Date.now();
    const active = await domains.activate(user, ref);
    expect(active.status).toBe("5_services_reconfigured");
    // The gateway answers at the custom host (the service role reads PostgREST's document).
    const first = await viaTls(HOST, "/rest/v1/", { apikey: serviceKey });
    expect(first.status, first.body).toBe(200);
    console.log(`[custom-domains] activate → first valid TLS answer from the project: ${Date.now() - t0} ms`);
    await projects.waitForIdle(ref);
    expect((await inst.db.project.findUniqueOrThrow({ where: { ref } })).status).toBe(STATUS.ACTIVE_HEALTHY);
    const after = { auth: await envOf("auth"), storage: await envOf("storage"), rest: await envOf("rest") };
    const url = `https://${HOST}:${httpsPort}`;
    expect(after.auth.env.API_EXTERNAL_URL).toBe(`${url}/auth/v1`);
    expect(after.auth.env.GOTRUE_MAILER_EXTERNAL_HOSTS).toBe(`${ref}.${DOMAIN},${HOST}`);
    expect(after.storage.env.STORAGE_PUBLIC_URL).toBe(url);
    expect(after.auth.id).not.toBe(before.auth.id);
    expect(after.storage.id).not.toBe(before.storage.id);
    expect(after.rest.id).toBe(before.rest.id);
    // The project's own name still works.
    expect((await viaTls(`${ref}.${DOMAIN}`, "/rest/v1/", { apikey: serviceKey })).status).toBe(200);
    // The custom host's requests count for the project (nginx flushes the activity log every 5 s).
    await viaTls(HOST, "/rest/v1/", { apikey: serviceKey });
    await expect.poll(async () => (await activity.read()).has(ref), { timeout: 15_000, interval: 1_000 }).toBe(true);
  }, 180_000);

  it("a hostname another project uses is refused, by the service and by the database", async () => {
    const u = await inst.db.user.create({ data: { id: randomUUID(), email: `other-${randomUUID().slice(0, 8)}@example.com`, passwordHash: "x" } });
    const other: SessionUser = { id: u.id, email: u.email, name: null, role: "USER" };
    const otherRef = "zzzzzzzzzzzzzzzzzzzz";
    // A project row without a stack: the check is the installation's, not the stack's.
    await inst.db.project.create({
      data: { id: randomUUID(), ref: otherRef, name: "Other", ownerId: other.id, stackVersion: "2026.09-r1", secrets: "-", status: STATUS.INACTIVE },
    });
    await expect(domains.initialize(other, otherRef, { custom_hostname: HOST })).rejects.toThrow(ConflictError);
    await expect(domains.initialize(other, otherRef, { custom_hostname: HOST })).rejects.toThrow(/already used by another project/);
    await expect(inst.db.customDomain.create({ data: { ref: otherRef, hostname: HOST, status: "2_initiated", txtToken: "t" } })).rejects.toMatchObject({
      code: "P2002",
    });
    // Nor can its owner reach the first project's hostname.
    await expect(domains.get(other, ref)).rejects.toThrow(/Project not found/);
    await inst.db.project.update({ where: { ref: otherRef }, data: { status: STATUS.REMOVED } });
  });

  it("delete reverses all of it: the nginx entry, the certificate and the public URL", async () => {
    await domains.remove(user, ref);
    expect(await row()).toBeNull();
    expect(site()).not.toContain(HOST);
    await expect(viaTls(HOST, "/rest/v1/", { apikey: serviceKey })).rejects.toThrow();
    await projects.waitForIdle(ref);
    const auth = await envOf("auth");
    expect(auth.env.API_EXTERNAL_URL).toBe(`https://${ref}.${DOMAIN}:${httpsPort}/auth/v1`);
    expect(auth.env.GOTRUE_MAILER_EXTERNAL_HOSTS).toBeUndefined();
    expect((await envOf("storage")).env.STORAGE_PUBLIC_URL).toBe(`https://${ref}.${DOMAIN}:${httpsPort}`);
    const report = await manager.tick();
    expect(report.removed).toEqual([HOST]);
    expect(store.get(HOST)).toBeNull();
    expect((await viaTls(`${ref}.${DOMAIN}`, "/rest/v1/", { apikey: serviceKey })).status).toBe(200);
  }, 120_000);
});
