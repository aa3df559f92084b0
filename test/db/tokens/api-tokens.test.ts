// Personal access tokens against both supported databases: creation, the
// stored form, checking on use (revoked, expired, disabled owner), bounded
// last-used writes, admin scope and the per-user limit.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { AccountDisabledError, ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError } from "@/lib/errors";
import { hashToken } from "@/lib/tokens/format";
import { authenticateToken, createToken, LAST_USED_RESOLUTION_MS, listTokens, MAX_ACTIVE_TOKENS, revokeToken } from "@/lib/tokens/service";
import { ensureBootstrapAdmin, loadActiveUser } from "@/lib/users/service";
import { type SessionUser } from "@/lib/auth/actor";
import { startPostgres, type PgServer } from "@/test/support/postgres-server";

/** An account as sign-up makes it (sign-up's own rules are tested in accounts.test.ts). */
async function makeUser(db: Db, email: string): Promise<SessionUser> {
  const u = await db.user.create({ data: { id: randomUUID(), email, passwordHash: "x" } });
  return { id: u.id, email: u.email, name: null, role: "USER" };
}

let pgServer: PgServer | undefined;
const tmp = mkdtempSync(join(tmpdir(), "supafleet-tokens-"));

afterAll(async () => {
  await pgServer?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const backends: Array<[string, () => Promise<string>]> = [
  ["sqlite", async () => `file:${join(tmp, `tok-${Math.random().toString(36).slice(2)}.db`)}`],
  [
    "postgres",
    async () => {
      pgServer ??= await startPostgres();
      return pgServer.createDatabase(`tok_${Math.random().toString(36).slice(2, 10)}`);
    },
  ],
];

const bearer = (t: string) => `Bearer ${t}`;
const DAY = 86_400_000;

describe.each(backends)("access tokens on %s", (_name, makeUrl) => {
  let db: Db;
  let ada: SessionUser;
  let bob: SessionUser;
  let root: SessionUser;

  beforeAll(async () => {
    const url = await makeUrl();
    await migrate(url);
    db = createDb(url);
    ada = await makeUser(db, "ada@example.com");
    bob = await makeUser(db, "bob@example.com");
    await ensureBootstrapAdmin(db, { email: "root@example.com", password: "root-password-1" });
    root = await loadActiveUser(db, (await db.user.findUniqueOrThrow({ where: { email: "root@example.com" } })).id);
  });
  afterAll(async () => {
    await db?.$disconnect();
  });

  it("creates a token shown once and stores only its hash", async () => {
    const now = new Date("2026-12-01T12:00:00Z");
    const { token, view } = await createToken(db, ada, { name: "CI deploys", expiresInDays: "30" }, now);
    expect(token).toMatch(/^sbp_[a-f0-9]{40}$/);
    expect(view).toMatchObject({
      name: "CI deploys",
      admin: false,
      state: "active",
      lastUsedAt: null,
      revokedAt: null,
      expiresAt: new Date(now.getTime() + 30 * DAY).toISOString(),
    });
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: view.id } });
    expect(row.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token.slice(4));
    expect(row.prefix).toBe(token.slice(0, 8));
    // the list never carries the value either
    expect(JSON.stringify(await listTokens(db, ada))).not.toContain(token.slice(4));
  });

  it("refuses bad names and expiries", async () => {
    await expect(createToken(db, ada, { name: "", expiresInDays: "30" })).rejects.toBeInstanceOf(ValidationError);
    await expect(createToken(db, ada, { name: "<script>", expiresInDays: "30" })).rejects.toBeInstanceOf(ValidationError);
    await expect(createToken(db, ada, { name: "ok", expiresInDays: "3650" })).rejects.toBeInstanceOf(ValidationError);
  });

  it("authenticates a token as its owner and records the use at most once a minute", async () => {
    const t0 = new Date("2026-12-01T12:00:00Z");
    const { token, view } = await createToken(db, ada, { name: "usage", expiresInDays: "never" }, t0);
    expect(view.expiresAt).toBeNull();
    const p = await authenticateToken(db, bearer(token), new Date(t0.getTime() + 1000));
    expect(p).toMatchObject({ tokenId: view.id, admin: false, user: { id: ada.id, email: "ada@example.com" } });
    const first = (await db.apiToken.findUniqueOrThrow({ where: { id: view.id } })).lastUsedAt;
    expect(first?.getTime()).toBe(t0.getTime() + 1000);
    // used again within the minute: no write
    await Promise.all(Array.from({ length: 10 }, () => authenticateToken(db, bearer(token), new Date(t0.getTime() + 30_000))));
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: view.id } })).lastUsedAt?.getTime()).toBe(first?.getTime());
    // after the minute: written again
    const later = new Date(t0.getTime() + 1000 + LAST_USED_RESOLUTION_MS + 1);
    await authenticateToken(db, bearer(token), later);
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: view.id } })).lastUsedAt?.getTime()).toBe(later.getTime());
  });

  it("refuses missing, malformed and unknown tokens", async () => {
    for (const header of [
      null,
      "",
      "Basic abc",
      "Bearer",
      "Bearer sbp_short",
      `Bearer sbp_${"g".repeat(40)}`,
      `Bearer sbp_${"a".repeat(40)}`,
      `Bearer sbp_oauth_${"a".repeat(40)}`,
    ]) {
      await expect(authenticateToken(db, header)).rejects.toBeInstanceOf(UnauthenticatedError);
    }
  });

  it("refuses a revoked token on the very next request", async () => {
    const { token, view } = await createToken(db, ada, { name: "revoke me", expiresInDays: "7" });
    await authenticateToken(db, bearer(token));
    await revokeToken(db, ada, { id: view.id });
    await expect(authenticateToken(db, bearer(token))).rejects.toThrow("revoked");
    // revoking again is harmless; the list says so
    await revokeToken(db, ada, { id: view.id });
    expect((await listTokens(db, ada)).find((t) => t.id === view.id)?.state).toBe("revoked");
  });

  it("refuses an expired token from the moment it expires", async () => {
    const t0 = new Date("2026-12-01T12:00:00Z");
    const { token } = await createToken(db, ada, { name: "short", expiresInDays: "1" }, t0);
    await expect(authenticateToken(db, bearer(token), new Date(t0.getTime() + DAY - 1))).resolves.toBeTruthy();
    await expect(authenticateToken(db, bearer(token), new Date(t0.getTime() + DAY))).rejects.toThrow("expired");
  });

  it("lets nobody revoke or see another user's token", async () => {
    const { view } = await createToken(db, ada, { name: "ada only", expiresInDays: "7" });
    await expect(revokeToken(db, bob, { id: view.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(revokeToken(db, bob, { id: "not-a-uuid" })).rejects.toBeInstanceOf(ValidationError);
    expect((await listTokens(db, bob)).map((t) => t.id)).not.toContain(view.id);
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: view.id } })).revokedAt).toBeNull();
  });

  it("refuses the token of a disabled account", async () => {
    const { token } = await createToken(db, bob, { name: "bob", expiresInDays: "7" });
    await db.user.update({ where: { id: bob.id }, data: { disabled: true } });
    await expect(authenticateToken(db, bearer(token))).rejects.toBeInstanceOf(AccountDisabledError);
    await db.user.update({ where: { id: bob.id }, data: { disabled: false } });
    await expect(authenticateToken(db, bearer(token))).resolves.toMatchObject({ user: { id: bob.id } });
  });

  it("gives admin scope only to an admin's admin token, and only while they are admin", async () => {
    await expect(createToken(db, ada, { name: "sneaky", expiresInDays: "7", admin: true })).rejects.toBeInstanceOf(ForbiddenError);
    const plain = await createToken(db, root, { name: "root plain", expiresInDays: "7" });
    const wide = await createToken(db, root, { name: "root wide", expiresInDays: "7", admin: true });
    expect((await authenticateToken(db, bearer(plain.token))).admin).toBe(false);
    expect((await authenticateToken(db, bearer(wide.token))).admin).toBe(true);
    await db.user.update({ where: { id: root.id }, data: { role: "USER" } });
    expect((await authenticateToken(db, bearer(wide.token))).admin).toBe(false);
    await db.user.update({ where: { id: root.id }, data: { role: "ADMIN" } });
  });

  it("requires admin tokens to expire, and no longer honours one that does not", async () => {
    const before = await db.apiToken.count({ where: { userId: root.id } });
    const err = await createToken(db, root, { name: "forever wide", expiresInDays: "never", admin: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).fieldErrors).toEqual({ expiresInDays: ["Admin tokens must expire: choose at most 1 year."] });
    expect(await db.apiToken.count({ where: { userId: root.id } })).toBe(before);
    // a plain token may still live until revoked; an admin token of a year is fine
    const plain = await createToken(db, root, { name: "forever plain", expiresInDays: "never" });
    expect(plain.view.expiresAt).toBeNull();
    const year = await createToken(db, root, { name: "year wide", expiresInDays: "365", admin: true });
    expect((await authenticateToken(db, bearer(year.token))).admin).toBe(true);
    // one made before the rule (no expiry in its row) is refused, with the way out
    await db.apiToken.update({ where: { id: year.view.id }, data: { expiresAt: null } });
    await expect(authenticateToken(db, bearer(year.token))).rejects.toThrow(/never expires.*new admin token/);
    await expect(authenticateToken(db, bearer(plain.token))).resolves.toMatchObject({ admin: false });
  });

  it("holds at most the limit of live tokens, even when created in parallel", async () => {
    const carol = await makeUser(db, `carol-${Math.random().toString(36).slice(2)}@example.com`);
    const old = await createToken(db, carol, { name: "old", expiresInDays: "1" }, new Date(Date.now() - 2 * DAY));
    const gone = await createToken(db, carol, { name: "gone", expiresInDays: "7" });
    await revokeToken(db, carol, { id: gone.view.id });
    for (let i = 0; i < MAX_ACTIVE_TOKENS - 3; i++) await createToken(db, carol, { name: `t${i}`, expiresInDays: "7" });
    // expired and revoked ones do not count: 3 places left, 8 asked at once
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => createToken(db, carol, { name: `p${i}`, expiresInDays: "7" })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(ConflictError);
    expect((await listTokens(db, carol)).filter((t) => t.state === "active")).toHaveLength(MAX_ACTIVE_TOKENS);
    expect(old.view.id).toBeTruthy();
  });
});
