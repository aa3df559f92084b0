import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { AccountDisabledError, AccountPendingError, EmailTakenError, InvalidCredentialsError, NotFoundError, SignupDisabledError } from "@/lib/errors";
import { burnPasswordCheck, hashPassword, verifyPassword } from "@/lib/auth/password";
import type { RateLimiter, ScopedKey } from "@/lib/rate-limit/limiter";
import { getSystemSettings } from "@/lib/settings/service";
import { signInSchema, signUpSchema } from "@/lib/validations/auth";
import { parseOrThrow, type SessionUser } from "@/lib/auth/actor";
import { ensurePersonalOrganization } from "@/lib/orgs/membership";

export type { Role } from "@/lib/domain";

export interface SignUpResult extends SessionUser {
  /** Held for an admin's approval: the account cannot log in yet. */
  pendingApproval: boolean;
}

const DAY_SEC = 86_400;

/** Who is asking, for the throttles: the client's address key and the limiter. */
export interface ClientContext {
  address: string;
  limiter: RateLimiter;
}

function toSessionUser(u: { id: string; email: string; name: string | null; role: string }): SessionUser {
  return { id: u.id, email: u.email, name: u.name, role: u.role === "ADMIN" ? "ADMIN" : "USER" };
}

/**
 * Public sign-up. Honors the admin's settings: the sign-up switch, approval
 * (the account is created held) and the daily cap per client address; the
 * attempts themselves are throttled per address too.
 */
export async function signUp(db: Db, input: unknown, client: ClientContext): Promise<SignUpResult> {
  const data = parseOrThrow(signUpSchema, input);
  const settings = await getSystemSettings(db);
  if (!settings.signupEnabled) throw new SignupDisabledError();
  await client.limiter.consume("signupIp", client.address);
  // Reserved before the account exists (parallel sign-ups cannot overshoot), given back if it is not created.
  const slot = await client.limiter.consumeCap("signupDay", client.address, settings.signupsPerIpPerDay, DAY_SEC, "new accounts from your address today");
  try {
    const passwordHash = await hashPassword(data.password);
    const user = await db.user.create({
      data: { id: randomUUID(), email: data.email, name: data.name ?? null, passwordHash, pendingApproval: settings.signupRequiresApproval },
    });
    // Every account has its personal organization (lib/orgs), its projects' home unless it picks another.
    await ensurePersonalOrganization(db, user);
    return { ...toSessionUser(user), pendingApproval: user.pendingApproval };
  } catch (err) {
    await slot.refund();
    // The unique index decides, not a prior lookup: two parallel sign-ups
    // with one email cannot both pass.
    if (isUniqueViolation(err)) throw new EmailTakenError();
    throw err;
  }
}

/**
 * The account lock's key: the account from one client address. A stranger
 * guessing from elsewhere locks only their own address out of the account,
 * never its owner (the per-address limit bounds what they try across accounts).
 */
export function accountLockKey(email: string, address: string): ScopedKey {
  return { scope: email, key: address };
}

/**
 * Checks credentials; disabled users are refused even with the right password.
 * Every attempt is counted against the client's address and against the
 * account from that address BEFORE the password is checked, and given back
 * when it was right: parallel guesses cannot slip past the limit, and a
 * locked account stays locked for that address even with the right password.
 * Unknown emails are counted the same way, so the lock-out does not reveal
 * which accounts exist. An admin can lift an account's lock for every address
 * (lib/admin/service.ts unlockAccount).
 */
export async function authenticate(db: Db, input: unknown, client: ClientContext): Promise<SessionUser> {
  const data = parseOrThrow(signInSchema, input);
  const lock = accountLockKey(data.email, client.address);
  await client.limiter.consume("loginIp", client.address);
  await client.limiter.consume("loginAccount", lock);
  const user = await db.user.findUnique({ where: { email: data.email } });
  if (!user) {
    await burnPasswordCheck(data.password);
    throw new InvalidCredentialsError();
  }
  if (!(await verifyPassword(user.passwordHash, data.password))) throw new InvalidCredentialsError();
  await client.limiter.reset("loginAccount", lock);
  await client.limiter.refund("loginIp", client.address);
  if (user.disabled) throw new AccountDisabledError();
  if (user.pendingApproval) throw new AccountPendingError();
  return toSessionUser(user);
}

/** Loads the live user behind a session; a user disabled (or not approved) since login is out. */
export async function loadActiveUser(db: Db, id: string): Promise<SessionUser> {
  const user = await db.user.findUnique({ where: { id } });
  if (!user) throw new NotFoundError("Account not found.");
  if (user.disabled) throw new AccountDisabledError();
  if (user.pendingApproval) throw new AccountPendingError();
  return toSessionUser(user);
}

export type BootstrapResult = { outcome: "created" | "unchanged" | "skipped" } | { outcome: "refused"; reason: string };

/**
 * First start: create the admin named by SUPAFLEET_ADMIN_EMAIL/PASSWORD when
 * no such user exists. An existing account with that email is never promoted
 * or re-enabled: whoever registered the address first would otherwise become
 * admin. Its password is never reset either, so restarts change nothing.
 */
export async function ensureBootstrapAdmin(db: Db, admin: { email: string; password: string } | undefined): Promise<BootstrapResult> {
  if (!admin) return { outcome: "skipped" };
  const existing = await db.user.findUnique({ where: { email: admin.email } });
  if (existing) return judgeExisting(existing, admin.email);
  try {
    await db.user.create({
      // The operator chose this address in the environment: nothing to confirm.
      data: { id: randomUUID(), email: admin.email, passwordHash: await hashPassword(admin.password), role: "ADMIN", emailVerifiedAt: new Date() },
    });
    return { outcome: "created" };
  } catch (err) {
    // another process won the race: judge what it made
    if (isUniqueViolation(err)) {
      const row = await db.user.findUnique({ where: { email: admin.email } });
      if (row) return judgeExisting(row, admin.email);
    }
    throw err;
  }
}

function judgeExisting(u: { role: string; disabled: boolean; pendingApproval: boolean }, email: string): BootstrapResult {
  if (u.role === "ADMIN" && !u.disabled && !u.pendingApproval) return { outcome: "unchanged" };
  const state = u.role !== "ADMIN" ? "is not an administrator" : u.disabled ? "is a disabled administrator" : "is waiting for approval";
  return {
    outcome: "refused",
    reason: `SUPAFLEET_ADMIN_EMAIL ${email} belongs to an existing account that ${state}; the bootstrap never promotes or re-enables an existing account (anyone could have registered that address). Promote it from the admin console as another admin, or set SUPAFLEET_ADMIN_EMAIL to an unused address.`,
  };
}

/** The account rules above on the process's database and limiter; built by the composition root (lib/services.ts). */
export class UserService {
  constructor(
    private readonly db: Db,
    private readonly limiter: RateLimiter,
  ) {}

  signUp = (input: unknown, address: string) => signUp(this.db, input, { address, limiter: this.limiter });
  authenticate = (input: unknown, address: string) => authenticate(this.db, input, { address, limiter: this.limiter });
  loadActiveUser = (id: string) => loadActiveUser(this.db, id);
  ensureBootstrapAdmin = (admin: { email: string; password: string } | undefined) => ensureBootstrapAdmin(this.db, admin);
}
