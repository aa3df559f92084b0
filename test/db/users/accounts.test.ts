// Accounts against both supported databases: an SQLite file and a real
// PostgreSQL server, through the same service code.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import {
  AccountDisabledError,
  AccountPendingError,
  ForbiddenError,
  RateLimitedError,
  EmailTakenError,
  InvalidCredentialsError,
  SignupDisabledError,
  ValidationError,
} from "@/lib/errors";
import { RateLimiter } from "@/lib/rate-limit/limiter";
import { DEFAULT_MAX_BLOCK_SEC, DEFAULT_RULES, parseRule, type RateLimitName, type RateLimitRule } from "@/lib/rate-limit/rules";
import { approveUser, listPendingUsers } from "@/lib/admin/service";
import { updateSystemSettings } from "@/lib/settings/service";
import { authenticate, ensureBootstrapAdmin, loadActiveUser, signUp, type ClientContext } from "@/lib/users/service";
import { startPostgres, type PgServer } from "@/test/support/postgres-server";

let pgServer: PgServer | undefined;
const tmp = mkdtempSync(join(tmpdir(), "supafleet-accounts-"));

afterAll(async () => {
  await pgServer?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const backends: Array<[string, () => Promise<string>]> = [
  ["sqlite", async () => `file:${join(tmp, `acc-${Math.random().toString(36).slice(2)}.db`)}`],
  [
    "postgres",
    async () => {
      pgServer ??= await startPostgres();
      return pgServer.createDatabase(`acc_${Math.random().toString(36).slice(2, 10)}`);
    },
  ],
];

const defaultRules = Object.fromEntries(Object.entries(DEFAULT_RULES).map(([k, v]) => [k, parseRule(v) as RateLimitRule])) as Record<
  RateLimitName,
  RateLimitRule
>;

describe.each(backends)("accounts on %s", (_name, makeUrl) => {
  let db: Db;
  let client: ClientContext;
  beforeAll(async () => {
    const url = await makeUrl();
    await migrate(url);
    db = createDb(url);
    // Generous per-address limits: these cases are about accounts, not throttling.
    client = {
      address: "192.0.2.1",
      limiter: new RateLimiter(db, {
        rules: { ...defaultRules, loginIp: { points: 1000, windowSec: 60, blockSec: 1 }, signupIp: { points: 1000, windowSec: 60, blockSec: 1 } },
        maxBlockSec: DEFAULT_MAX_BLOCK_SEC,
      }),
    };
    await updateSystemSettings(db, { signupsPerIpPerDay: 1000 });
  });
  afterAll(async () => {
    await db?.$disconnect();
  });

  it("signs up a user with a hashed password and logs in", async () => {
    const user = await signUp(db, { email: "  Ada@Example.com ", password: "analytical-engine", name: "Ada" }, client);
    expect(user).toMatchObject({ email: "ada@example.com", name: "Ada", role: "USER" });
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row.passwordHash).not.toContain("analytical-engine");
    const again = await authenticate(db, { email: "ADA@example.com", password: "analytical-engine" }, client);
    expect(again.id).toBe(user.id);
  });

  it("rejects a wrong password and an unknown email with the same error", async () => {
    await signUp(db, { email: "grace@example.com", password: "compiler-first" }, client);
    await expect(authenticate(db, { email: "grace@example.com", password: "compiler-second" }, client)).rejects.toBeInstanceOf(InvalidCredentialsError);
    await expect(authenticate(db, { email: "nobody@example.com", password: "compiler-first" }, client)).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it("refuses a duplicate email, whatever its case, and leaves the first account intact", async () => {
    await signUp(db, { email: "linus@example.com", password: "first-password" }, client);
    await expect(signUp(db, { email: "LINUS@example.com", password: "second-password" }, client)).rejects.toBeInstanceOf(EmailTakenError);
    expect(await db.user.count({ where: { email: "linus@example.com" } })).toBe(1);
    await expect(authenticate(db, { email: "linus@example.com", password: "first-password" }, client)).resolves.toMatchObject({ email: "linus@example.com" });
  });

  it("lets only one of two parallel sign-ups with one email through", async () => {
    const results = await Promise.allSettled([
      signUp(db, { email: "race@example.com", password: "parallel-one" }, client),
      signUp(db, { email: "race@example.com", password: "parallel-two" }, client),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(EmailTakenError);
  });

  it("validates input with field errors", async () => {
    const err = await signUp(db, { email: "not-an-email", password: "short" }, client).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(Object.keys((err as ValidationError).fieldErrors).sort()).toEqual(["email", "password"]);
  });

  it("keeps a disabled user out even with the right password, and drops live sessions", async () => {
    const user = await signUp(db, { email: "mallory@example.com", password: "right-password" }, client);
    await db.user.update({ where: { id: user.id }, data: { disabled: true } });
    await expect(authenticate(db, { email: "mallory@example.com", password: "right-password" }, client)).rejects.toBeInstanceOf(AccountDisabledError);
    await expect(loadActiveUser(db, user.id)).rejects.toBeInstanceOf(AccountDisabledError);
    // a wrong password still says "wrong password": no hint that the account exists
    await expect(authenticate(db, { email: "mallory@example.com", password: "wrong-password" }, client)).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it("honours the admin's sign-up switch", async () => {
    await updateSystemSettings(db, { signupEnabled: false });
    await expect(signUp(db, { email: "late@example.com", password: "too-late-now" }, client)).rejects.toBeInstanceOf(SignupDisabledError);
    expect(await db.user.count({ where: { email: "late@example.com" } })).toBe(0);
    await updateSystemSettings(db, { signupEnabled: true });
    await expect(signUp(db, { email: "late@example.com", password: "too-late-now" }, client)).resolves.toMatchObject({ email: "late@example.com" });
  });

  it("creates the first admin from settings once and never resets its password", async () => {
    const admin = { email: "root@example.com", password: "bootstrap-password" };
    expect(await ensureBootstrapAdmin(db, admin)).toEqual({ outcome: "created" });
    expect(await ensureBootstrapAdmin(db, admin)).toEqual({ outcome: "unchanged" });
    const row = await db.user.findUniqueOrThrow({ where: { email: admin.email } });
    expect(row.role).toBe("ADMIN");
    expect(await ensureBootstrapAdmin(db, { ...admin, password: "a-different-password" })).toEqual({ outcome: "unchanged" });
    await expect(authenticate(db, admin, client)).resolves.toMatchObject({ role: "ADMIN" });
    expect(await ensureBootstrapAdmin(db, undefined)).toEqual({ outcome: "skipped" });
  });

  it("never promotes or re-enables an existing account named as bootstrap admin, and says why", async () => {
    // Someone registered the admin's address before the first start.
    await signUp(db, { email: "ops@example.com", password: "squatter-password" }, client);
    const result = await ensureBootstrapAdmin(db, { email: "ops@example.com", password: "the-real-admin-password" });
    expect(result.outcome).toBe("refused");
    expect(result.outcome === "refused" && result.reason).toMatch(/ops@example\.com .*is not an administrator.*never promotes/);
    await expect(authenticate(db, { email: "ops@example.com", password: "squatter-password" }, client)).resolves.toMatchObject({ role: "USER" });
    await expect(authenticate(db, { email: "ops@example.com", password: "the-real-admin-password" }, client)).rejects.toBeInstanceOf(InvalidCredentialsError);
    // a disabled admin stays disabled
    const row = await db.user.findUniqueOrThrow({ where: { email: "root@example.com" } });
    await db.user.update({ where: { id: row.id }, data: { disabled: true } });
    const again = await ensureBootstrapAdmin(db, { email: "root@example.com", password: "bootstrap-password" });
    expect(again.outcome).toBe("refused");
    expect((await db.user.findUniqueOrThrow({ where: { id: row.id } })).disabled).toBe(true);
    await db.user.update({ where: { id: row.id }, data: { disabled: false } });
  });

  it("holds new accounts for approval when the admin asks: no log-in, no session, until approved", async () => {
    await updateSystemSettings(db, { signupRequiresApproval: true });
    const held = await signUp(db, { email: "held@example.com", password: "held-password" }, client);
    await updateSystemSettings(db, { signupRequiresApproval: false });
    expect(held.pendingApproval).toBe(true);
    const err = await authenticate(db, { email: "held@example.com", password: "held-password" }, client).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AccountPendingError);
    expect((err as AccountPendingError).publicMessage).toContain("waiting for an administrator's approval");
    await expect(loadActiveUser(db, held.id)).rejects.toBeInstanceOf(AccountPendingError);
    // a wrong password still says only "wrong password"
    await expect(authenticate(db, { email: "held@example.com", password: "not-the-password" }, client)).rejects.toBeInstanceOf(InvalidCredentialsError);
    // accounts made while approval was off are not held
    expect((await signUp(db, { email: "free@example.com", password: "free-password" }, client)).pendingApproval).toBe(false);

    const admin = await db.user.findUniqueOrThrow({ where: { email: "root@example.com" } });
    const adminUser = { id: admin.id, email: admin.email, name: null, role: "ADMIN" as const };
    const pending = await listPendingUsers(db, adminUser);
    expect(pending.users.map((u) => u.email)).toEqual(["held@example.com"]);
    await expect(approveUser(db, { ...adminUser, role: "USER" }, { userId: held.id })).rejects.toBeInstanceOf(ForbiddenError);
    await approveUser(db, adminUser, { userId: held.id });
    await expect(authenticate(db, { email: "held@example.com", password: "held-password" }, client)).resolves.toMatchObject({ email: "held@example.com" });
    expect((await listPendingUsers(db, adminUser)).total).toBe(0);
  });

  it("caps new accounts per address per day (admin setting); a refused sign-up does not use the allowance", async () => {
    await updateSystemSettings(db, { signupsPerIpPerDay: 2 });
    const here = { ...client, address: "198.51.100.77" };
    await signUp(db, { email: "cap-1@example.com", password: "cap-password" }, here);
    await expect(signUp(db, { email: "cap-1@example.com", password: "cap-password" }, here)).rejects.toBeInstanceOf(EmailTakenError);
    await signUp(db, { email: "cap-2@example.com", password: "cap-password" }, here);
    const err = await signUp(db, { email: "cap-3@example.com", password: "cap-password" }, here).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).publicMessage).toMatch(/^Too many new accounts from your address today\. Try again in \d+ s/);
    expect(await db.user.count({ where: { email: "cap-3@example.com" } })).toBe(0);
    // another address is not affected
    await expect(signUp(db, { email: "cap-3@example.com", password: "cap-password" }, { ...client, address: "198.51.100.78" })).resolves.toMatchObject({
      email: "cap-3@example.com",
    });
    await updateSystemSettings(db, { signupsPerIpPerDay: 1000 });
  });
});
