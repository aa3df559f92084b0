// Studio without a second password, through a REAL nginx (Debian) with the
// config the applier renders: the handoff sets the cookie, Studio requests
// reach the gateway with the project's basic-auth credential and without the
// cookie, API requests and cookie-less ones pass untouched and never ask the
// app, and a member's removal closes Studio at the next request.
// The gateway is a small recording HTTP server (it stands for the project's
// gateway, Kong or Envoy, not for Studio): no project stack is needed to see
// what nginx sends it. The app is a small server calling the same handlers
// as app/api/studio/* (lib/studio/http.ts) on a real migrated database.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/actor";
import { encryptSecrets } from "@/lib/crypto/secret-box";
import type { Db } from "@/lib/db/client";
import { OrganizationService } from "@/lib/orgs/service";
import { STUDIO_SESSION_PATH } from "@/lib/proxy/studio-protocol";
import { RateLimiter } from "@/lib/rate-limit/limiter";
import { DEFAULT_MAX_BLOCK_SEC, DEFAULT_RULES, parseRule, type RateLimitName, type RateLimitRule } from "@/lib/rate-limit/rules";
import { handleStudioGate, handleStudioSession } from "@/lib/studio/http";
import { StudioService } from "@/lib/studio/service";
import { startNginx, testNginxApplier, viaNginx, type NginxHost } from "@/test/support/nginx-host";
import { addUser, openTestDb, tempFolder } from "@/test/support/project-service-fixture";

const DOMAIN = "studio-gate.test";
const REF = "sssssssssssssssssssa";
const HOST = `${REF}.${DOMAIN}`;
const masterKey = randomBytes(32);
const password = randomBytes(12).toString("hex");
const BASIC = `Basic ${Buffer.from(`supabase:${password}`).toString("base64")}`;

let db: Db;
let nginx: NginxHost;
let gatewayStandIn: Server;
let app: Server;
let studio: StudioService;
let owner: SessionUser;
let dev: SessionUser;
let slug: string;
/** What the gateway stand-in received, newest last. */
const received: { url: string; headers: IncomingHttpHeaders }[] = [];
/** Paths the app was asked, newest last. */
const appAsked: string[] = [];

const listen = (s: Server) => new Promise<number>((r) => s.listen(0, "127.0.0.1", () => r((s.address() as { port: number }).port)));

beforeAll(async () => {
  db = (await openTestDb(tempFolder("studio-gate-int"))).db;
  const rules = Object.fromEntries(Object.entries(DEFAULT_RULES).map(([k, v]) => [k, parseRule(v) as RateLimitRule])) as Record<RateLimitName, RateLimitRule>;
  studio = new StudioService(db, { rootDomain: DOMAIN, publicScheme: "http", masterKey }, new RateLimiter(db, { rules, maxBlockSec: DEFAULT_MAX_BLOCK_SEC }));
  gatewayStandIn = createServer((req, res) => {
    received.push({ url: req.url ?? "", headers: req.headers });
    res.end("from the gateway");
  });
  const gatewayPort = await listen(gatewayStandIn);
  // This project is awake: the wake gate is never asked (a call would fail the request).
  const noWake = { wakeProject: () => Promise.reject(new Error("wake not expected")), wakeGate: () => Promise.reject(new Error("wake not expected")) };
  app = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://app");
    appAsked.push(url.pathname);
    const headers = { get: (n: string) => (req.headers[n.toLowerCase()] as string | undefined) ?? null };
    const gate = /^\/api\/studio\/gate\/([^/]*)$/.exec(url.pathname);
    const session = /^\/api\/studio\/session\/([^/]*)$/.exec(url.pathname);
    const reply = gate
      ? handleStudioGate(studio, noWake, gate[1]!, { method: req.method ?? "GET", headers })
      : session
        ? handleStudioSession(studio, session[1]!, { headers, ticket: url.searchParams.get("ticket"), clientKey: "127.0.0.1", secure: false })
        : Promise.resolve({ status: 404, headers: {}, body: "" });
    void reply.then(
      (r) => res.writeHead(r.status, r.headers).end(r.body),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  const appPort = await listen(app);

  const orgs = new OrganizationService(db);
  owner = await addUser(db, "owner@studio-gate.test");
  dev = await addUser(db, "dev@studio-gate.test");
  slug = (await orgs.create(owner, { name: "Studio gate" })).slug;
  await orgs.addMember(owner, { slug, email: dev.email, role: "DEVELOPER" });
  const org = await db.organization.findUniqueOrThrow({ where: { slug } });
  await db.project.create({
    data: {
      id: REF,
      ref: REF,
      name: "studio",
      ownerId: owner.id,
      organizationId: org.id,
      status: "ACTIVE_HEALTHY",
      stackVersion: "2026.09-r1",
      secrets: encryptSecrets(masterKey, REF, JSON.stringify({ dashboardUsername: "supabase", dashboardPassword: password })),
      ports: { create: { port: gatewayPort, purpose: "KONG_HTTP" } },
    },
  });
  nginx = await startNginx();
  await testNginxApplier(nginx, db, { domain: DOMAIN, appPort }).apply();
});

afterAll(async () => {
  nginx?.stop();
  app?.close();
  gatewayStandIn?.close();
  await db?.$disconnect();
});

/** The request the gateway stand-in received for `send`. */
async function atGateway(path: string, headers: Record<string, string> = {}): Promise<{ url: string; headers: IncomingHttpHeaders }> {
  const before = received.length;
  const r = await viaNginx(nginx.port, HOST, path, headers);
  expect(r.status, r.body).toBe(200);
  expect(received.length).toBe(before + 1);
  return received[received.length - 1]!;
}

async function signIn(u: SessionUser): Promise<string> {
  const { url } = await studio.openTicket(u, REF);
  const u2 = new URL(url);
  expect(u2.host).toBe(HOST);
  const r = await viaNginx(nginx.port, HOST, `${u2.pathname}${u2.search}`);
  expect(r.status, r.body).toBe(303);
  expect(r.headers.get("location")).toBe("/");
  const cookie = r.headers.get("set-cookie") ?? "";
  expect(cookie).toMatch(/; HttpOnly; SameSite=Lax$/);
  return /^supafleet_studio=([A-Za-z0-9_-]{43});/.exec(cookie)?.[1] ?? "";
}

describe("Studio through nginx", () => {
  let token = "";

  it("hands off a ticket once: cookie and redirect, then refusal", async () => {
    const { url } = await studio.openTicket(dev, REF);
    const path = `${STUDIO_SESSION_PATH}${new URL(url).search}`;
    const first = await viaNginx(nginx.port, HOST, path);
    expect(first.status).toBe(303);
    token = /^supafleet_studio=([^;]+)/.exec(first.headers.get("set-cookie") ?? "")?.[1] ?? "";
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const again = await viaNginx(nginx.port, HOST, path);
    expect(again.status).toBe(403);
    expect(again.headers.get("set-cookie")).toBeNull();
  });

  it("sends Studio requests on with the gateway's credential and without the Studio cookie", async () => {
    const r = await atGateway("/project/default", { cookie: `theme=dark; supafleet_studio=${token}; sb=1` });
    expect(r.url).toBe("/project/default");
    expect(r.headers.authorization).toBe(BASIC);
    expect(r.headers.cookie).toBe("theme=dark; sb=1");
    // Leading, alone, and planted several times by tenant code (other paths): never through.
    expect((await atGateway("/", { cookie: `supafleet_studio=${token}; sb=1` })).headers.cookie).toBe("sb=1");
    expect((await atGateway("/", { cookie: `supafleet_studio=${token}` })).headers.cookie).toBeUndefined();
    const planted = await atGateway("/", { cookie: `supafleet_studio=a; x=1; supafleet_studio=b; supafleet_studio=c; supafleet_studio=${token}` });
    expect(planted.headers.cookie ?? "").not.toContain("supafleet_studio");
  });

  it("leaves API requests and cookie-less ones to the gateway's own auth, without asking the app", async () => {
    const asked = appAsked.length;
    const api = await atGateway("/rest/v1/todos?select=*", { cookie: `supafleet_studio=${token}; sb=1`, apikey: "anon" });
    expect(api.headers.authorization).toBeUndefined();
    expect(api.headers.cookie).toBe("sb=1");
    expect(api.headers.apikey).toBe("anon");
    // An operator with the dashboard login: their Authorization goes on unchanged.
    const operator = await atGateway("/", { authorization: "Basic b3BlcmF0b3I6cHc=" });
    expect(operator.headers.authorization).toBe("Basic b3BlcmF0b3I6cHc=");
    expect(appAsked.length).toBe(asked);
    // A cookie that is no session: asked, no credential, the client's own header stays.
    const bogus = await atGateway("/", { cookie: "supafleet_studio=bogus", authorization: "Basic b3A6cA==" });
    expect(bogus.headers.authorization).toBe("Basic b3A6cA==");
    expect(appAsked.slice(asked)).toEqual([`/api/studio/gate/${REF}`]);
  });

  it("costs Studio requests one app subrequest each (measured, printed)", async () => {
    const timed = async (path: string, headers: Record<string, string>) => {
      const t0 = performance.now();
      for (let i = 0; i < 100; i++) await viaNginx(nginx.port, HOST, path, headers);
      return (performance.now() - t0) / 100;
    };
    const asked = appAsked.length;
    const gated = await timed("/project/default", { cookie: `supafleet_studio=${token}` });
    expect(appAsked.length - asked).toBe(100);
    const plain = await timed("/rest/v1/t", { cookie: `supafleet_studio=${token}` });
    expect(appAsked.length - asked).toBe(100);
    console.info(
      `studio gate: ${gated.toFixed(2)} ms per Studio request with the cookie, ${plain.toFixed(2)} ms per API request (100 sequential each, through nginx)`,
    );
  });

  it("closes Studio at the next request after the member's removal", async () => {
    const second = await signIn(dev);
    expect((await atGateway("/", { cookie: `supafleet_studio=${second}` })).headers.authorization).toBe(BASIC);
    await new OrganizationService(db).removeMember(owner, { slug, userId: dev.id });
    const after = await atGateway("/", { cookie: `supafleet_studio=${second}` });
    expect(after.headers.authorization).toBeUndefined();
    expect(after.headers.cookie).toBeUndefined();
    // The owner's own session still works.
    expect((await atGateway("/", { cookie: `supafleet_studio=${await signIn(owner)}` })).headers.authorization).toBe(BASIC);
  });
});
