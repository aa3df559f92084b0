// Studio sign-in by the Supafleet session (lib/studio/service.ts, lib/studio/http.ts)
// on a real migrated SQLite database: who gets the gateway's credential, and
// every way a ticket or a session is refused.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/actor";
import { encryptSecrets } from "@/lib/crypto/secret-box";
import type { Db } from "@/lib/db/client";
import { ForbiddenError, NotFoundError, RateLimitedError } from "@/lib/errors";
import { OrganizationService } from "@/lib/orgs/service";
import { STUDIO_CREDENTIAL_HEADER, STUDIO_SESSION_HEADER, STUDIO_SESSION_PATH } from "@/lib/proxy/studio-protocol";
import { RateLimiter } from "@/lib/rate-limit/limiter";
import { DEFAULT_MAX_BLOCK_SEC, DEFAULT_RULES, parseRule, type RateLimitName, type RateLimitRule } from "@/lib/rate-limit/rules";
import { handleStudioGate, handleStudioSession } from "@/lib/studio/http";
import { MAX_STUDIO_SESSIONS_PER_USER, STUDIO_HANDOFFS_PER_MIN, STUDIO_SESSION_TTL_MS, StudioService } from "@/lib/studio/service";
import { signStudioTicket, studioTicketKey } from "@/lib/studio/tickets";
import { addUser, openTestDb, tempFolder } from "@/test/support/project-service-fixture";

const dir = tempFolder("studio-gate");
const DOMAIN = "fleet.test";
const masterKey = randomBytes(32);
let db: Db;
let orgs: OrganizationService;
let clock = Date.parse("2026-12-08T00:00:00Z");
let studio: StudioService;
let n = 0;
const user = () => addUser(db, `studio-${++n}@example.com`);
const rules = Object.fromEntries(Object.entries(DEFAULT_RULES).map(([k, v]) => [k, parseRule(v) as RateLimitRule])) as Record<RateLimitName, RateLimitRule>;

beforeAll(async () => {
  db = (await openTestDb(dir)).db;
  orgs = new OrganizationService(db);
  studio = new StudioService(
    db,
    { rootDomain: DOMAIN, publicScheme: "https", masterKey },
    new RateLimiter(db, { rules, maxBlockSec: DEFAULT_MAX_BLOCK_SEC }),
    () => clock,
  );
});
afterAll(async () => {
  await db.$disconnect();
});

const refOf = () => Array.from(randomBytes(20), (b) => String.fromCharCode(97 + (b % 26))).join("");

/** An organization with one project and a member of each role. */
async function team() {
  const [owner, admin, dev, viewer] = [await user(), await user(), await user(), await user()];
  const { slug } = await orgs.create(owner, { name: "Studio team" });
  await orgs.addMember(owner, { slug, email: admin.email, role: "ADMINISTRATOR" });
  await orgs.addMember(owner, { slug, email: dev.email, role: "DEVELOPER" });
  await orgs.addMember(owner, { slug, email: viewer.email, role: "READ_ONLY" });
  const org = await db.organization.findUniqueOrThrow({ where: { slug } });
  const ref = refOf();
  const password = randomBytes(12).toString("hex");
  await db.project.create({
    data: {
      id: ref,
      ref,
      name: "p",
      ownerId: owner.id,
      organizationId: org.id,
      status: "ACTIVE_HEALTHY",
      stackVersion: "2026.09-r1",
      secrets: encryptSecrets(masterKey, ref, JSON.stringify({ dashboardUsername: "supabase", dashboardPassword: password })),
    },
  });
  return { owner, admin, dev, viewer, slug, ref, host: `${ref}.${DOMAIN}`, basic: `Basic ${Buffer.from(`supabase:${password}`).toString("base64")}` };
}

const ticketOf = (url: string) => new URL(url).searchParams.get("ticket") ?? "";

/** Panel → handoff: the session token for `u`, as the cookie would carry it. */
async function signIn(u: SessionUser, ref: string, host = `${ref}.${DOMAIN}`): Promise<string> {
  const { url } = await studio.openTicket(u, ref);
  return (await studio.startSession(ref, host, ticketOf(url), `client-${u.id}`)).token;
}

describe("Studio sign-in", () => {
  it("lets Owners, Administrators and Developers in with the gateway's credential, not Read-only members", async () => {
    const t = await team();
    for (const u of [t.owner, t.admin, t.dev]) {
      const { url } = await studio.openTicket(u, t.ref);
      expect(url.startsWith(`https://${t.host}${STUDIO_SESSION_PATH}?ticket=`)).toBe(true);
      const token = await signIn(u, t.ref);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await studio.gate(t.ref, t.host, token)).toBe(t.basic);
      // Only the token's hash is stored.
      expect(await db.studioSession.count({ where: { tokenHash: token } })).toBe(0);
    }
    await expect(studio.openTicket(t.viewer, t.ref)).rejects.toThrow(ForbiddenError);
    // A stranger learns nothing about the project.
    await expect(studio.openTicket(await user(), t.ref)).rejects.toThrow(NotFoundError);
    // A ticket signed for the Read-only member (as if minted before a demotion) makes no session.
    const { token: forged } = await signStudioTicket(studioTicketKey(masterKey), { userId: t.viewer.id, ref: t.ref, host: t.host }, clock);
    await expect(studio.startSession(t.ref, t.host, forged, "c")).rejects.toThrow(ForbiddenError);
  });

  it("closes a removed member's Studio at the next request, and a demoted one's too", async () => {
    const t = await team();
    const devToken = await signIn(t.dev, t.ref);
    const adminToken = await signIn(t.admin, t.ref);
    expect(await studio.gate(t.ref, t.host, devToken)).toBe(t.basic);
    await orgs.removeMember(t.owner, { slug: t.slug, userId: t.dev.id });
    expect(await studio.gate(t.ref, t.host, devToken)).toBeNull();
    // The session is gone for good: joining again does not bring it back.
    await orgs.addMember(t.owner, { slug: t.slug, email: t.dev.email, role: "DEVELOPER" });
    expect(await studio.gate(t.ref, t.host, devToken)).toBeNull();
    await orgs.changeRole(t.owner, { slug: t.slug, userId: t.admin.id, role: "READ_ONLY" });
    expect(await studio.gate(t.ref, t.host, adminToken)).toBeNull();
  });

  it("ends with a disabled account or a password change (session version)", async () => {
    const t = await team();
    const token = await signIn(t.dev, t.ref);
    await db.user.update({ where: { id: t.dev.id }, data: { sessionVersion: { increment: 1 } } });
    expect(await studio.gate(t.ref, t.host, token)).toBeNull();
    const again = await signIn(t.dev, t.ref);
    expect(await studio.gate(t.ref, t.host, again)).toBe(t.basic);
    await db.user.update({ where: { id: t.dev.id }, data: { disabled: true } });
    expect(await studio.gate(t.ref, t.host, again)).toBeNull();
  });

  it("refuses an expired ticket, a reused one, and one for another project or host", async () => {
    const t = await team();
    const other = await team();
    const { url } = await studio.openTicket(t.dev, t.ref);
    const ticket = ticketOf(url);
    // Another project's host, or another name for this one.
    await expect(studio.startSession(other.ref, other.host, ticket, "c")).rejects.toThrow(ForbiddenError);
    await expect(studio.startSession(t.ref, `${t.ref}.elsewhere.test`, ticket, "c")).rejects.toThrow(ForbiddenError);
    // Used once, then never again.
    await studio.startSession(t.ref, t.host, ticket, "c");
    await expect(studio.startSession(t.ref, t.host, ticket, "c")).rejects.toThrow(ForbiddenError);
    // A minute old is too old.
    const late = ticketOf((await studio.openTicket(t.dev, t.ref)).url);
    clock += 61_000;
    await expect(studio.startSession(t.ref, t.host, late, "c")).rejects.toThrow(ForbiddenError);
    // A ticket signed with another key.
    const { token: foreign } = await signStudioTicket(studioTicketKey(randomBytes(32)), { userId: t.dev.id, ref: t.ref, host: t.host }, clock);
    await expect(studio.startSession(t.ref, t.host, foreign, "c")).rejects.toThrow(ForbiddenError);
  });

  it("checks the session's project and host, expires sessions and keeps the table bounded", async () => {
    const t = await team();
    const other = await team();
    await orgs.addMember(other.owner, { slug: other.slug, email: t.dev.email, role: "DEVELOPER" });
    const token = await signIn(t.dev, t.ref);
    // A session for one project opens no other, even one the member may open.
    expect(await studio.gate(other.ref, other.host, token)).toBeNull();
    expect(await studio.gate(t.ref, `${t.ref}.elsewhere.test`, token)).toBeNull();
    expect(await studio.gate(t.ref, t.host, "x".repeat(43))).toBeNull();
    clock += STUDIO_SESSION_TTL_MS + 1;
    expect(await studio.gate(t.ref, t.host, token)).toBeNull();
    // Expired rows are swept when sessions are made; one user keeps at most MAX.
    for (let i = 0; i < MAX_STUDIO_SESSIONS_PER_USER + 3; i++) {
      await signIn(t.owner, t.ref);
      clock += 1_000;
    }
    expect(await db.studioSession.count({ where: { userId: t.owner.id } })).toBe(MAX_STUDIO_SESSIONS_PER_USER);
    expect(await db.studioSession.count({ where: { expiresAt: { lte: new Date(clock) } } })).toBe(0);
  });

  it("rate-limits the handoff per client address", async () => {
    const t = await team();
    const key = `flood-${t.ref}`;
    for (let i = 0; i < STUDIO_HANDOFFS_PER_MIN; i++) await expect(studio.startSession(t.ref, t.host, "a.b.c", key)).rejects.toThrow(ForbiddenError);
    await expect(studio.startSession(t.ref, t.host, "a.b.c", key)).rejects.toThrow(RateLimitedError);
  });
});

describe("the Studio routes' handlers", () => {
  const noWake = {
    wakeProject: () => Promise.reject(new Error("not asked")),
    wakeGate: () => Promise.reject(new Error("not asked")),
  };
  const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name.toLowerCase()] ?? null });

  it("sets a host-only, HttpOnly, SameSite=Lax, Secure cookie and redirects to Studio", async () => {
    const t = await team();
    const { url } = await studio.openTicket(t.owner, t.ref);
    const reply = await handleStudioSession(studio, t.ref, { headers: headers({ host: t.host }), ticket: ticketOf(url), clientKey: "h1", secure: true });
    expect(reply.status).toBe(303);
    expect(reply.headers.location).toBe("/");
    const cookie = reply.headers["set-cookie"] ?? "";
    expect(cookie).toMatch(/^supafleet_studio=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=28800; HttpOnly; SameSite=Lax; Secure$/);
    expect(cookie).not.toMatch(/Domain=/i);
    const token = /^supafleet_studio=([^;]+)/.exec(cookie)?.[1] ?? "";
    const gate = await handleStudioGate(studio, noWake, t.ref, {
      method: "GET",
      headers: headers({ host: t.host, [STUDIO_SESSION_HEADER]: token, "x-supafleet-original-uri": "/project/default" }),
    });
    expect(gate.status).toBe(204);
    expect(gate.headers[STUDIO_CREDENTIAL_HEADER]).toBe(t.basic);
    // The same ticket again: a page saying so, no cookie.
    const again = await handleStudioSession(studio, t.ref, { headers: headers({ host: t.host }), ticket: ticketOf(url), clientKey: "h1", secure: true });
    expect(again.status).toBe(403);
    expect(again.headers["set-cookie"]).toBeUndefined();
    expect((await handleStudioSession(studio, t.ref, { headers: headers({ host: t.host }), ticket: "<script>", clientKey: "h1", secure: true })).status).toBe(
      400,
    );
  });

  it("passes a request without a valid session on unchanged (no credential), and lets the wake gate decide first on a sleeping project", async () => {
    const t = await team();
    const none = await handleStudioGate(studio, noWake, t.ref, { method: "GET", headers: headers({ host: t.host, [STUDIO_SESSION_HEADER]: "nope" }) });
    expect(none).toEqual({ status: 204, headers: { "cache-control": "no-store" }, body: "" });
    const token = await signIn(t.dev, t.ref);
    const asleep = {
      wakeProject: () => Promise.resolve("waking" as const),
      wakeGate: () => Promise.resolve({ pass: false as const, state: "waking" as const }),
    };
    const held = await handleStudioGate(studio, asleep, t.ref, {
      method: "GET",
      headers: headers({ host: t.host, [STUDIO_SESSION_HEADER]: token, "x-supafleet-wake-gate": "1", "x-supafleet-original-uri": "/" }),
    });
    expect(held.status).toBe(403);
    expect(held.headers[STUDIO_CREDENTIAL_HEADER]).toBeUndefined();
    const awake = { ...asleep, wakeGate: () => Promise.resolve({ pass: true as const }) };
    const passed = await handleStudioGate(studio, awake, t.ref, {
      method: "GET",
      headers: headers({ host: t.host, [STUDIO_SESSION_HEADER]: token, "x-supafleet-wake-gate": "1", "x-supafleet-original-uri": "/" }),
    });
    expect(passed.status).toBe(204);
    expect(passed.headers[STUDIO_CREDENTIAL_HEADER]).toBe(t.basic);
    // A raw target a gateway could route to an API gets no credential, whatever nginx made of it.
    for (const uri of ["/functions/v1/../../x", "/%2e%2e/functions/v1/f", "//functions/v1/f", "/REST/v1/t", undefined]) {
      const h: Record<string, string> = { host: t.host, [STUDIO_SESSION_HEADER]: token };
      if (uri) h["x-supafleet-original-uri"] = uri;
      expect((await handleStudioGate(studio, noWake, t.ref, { method: "GET", headers: headers(h) })).headers[STUDIO_CREDENTIAL_HEADER], uri).toBeUndefined();
    }
  });
});
