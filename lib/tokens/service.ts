// Personal access tokens: created, listed and revoked by their owner on the
// account page; checked on every Management API request. Nothing is cached:
// each request reads the token's row, so a revoke or an expiry takes effect
// on the very next request, in every process.
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError } from "@/lib/errors";
import { loadActiveUser } from "@/lib/users/service";
import { parseOrThrow, type SessionUser } from "@/lib/auth/actor";
import { createTokenSchema, revokeTokenSchema } from "@/lib/validations/tokens";
import { displayPrefix, generateToken, hashToken, TOKEN_PATTERN } from "@/lib/tokens/format";

/** Live (not revoked, not expired) tokens one user may hold. */
export const MAX_ACTIVE_TOKENS = 25;
/** The account page lists at most this many tokens, newest first. */
const LIST_LIMIT = 100;
/** lastUsedAt is written at most this often per token: a busy token costs one write a minute, not one per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;
const DAY_MS = 86_400_000;

export type TokenState = "active" | "expired" | "revoked";

export interface TokenView {
  id: string;
  name: string;
  prefix: string;
  admin: boolean;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  state: TokenState;
}

/** Who a request acts as: the token's owner, re-read from the database, and whether it may act on every project. */
export interface TokenPrincipal {
  user: SessionUser;
  tokenId: string;
  admin: boolean;
}

type TokenRow = {
  id: string;
  name: string;
  prefix: string;
  admin: boolean;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

function stateOf(row: Pick<TokenRow, "expiresAt" | "revokedAt">, now: Date): TokenState {
  if (row.revokedAt) return "revoked";
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}

function view(row: TokenRow, now: Date): TokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    admin: row.admin,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    state: stateOf(row, now),
  };
}

/** Makes a token; its value is returned here and never again. */
export async function createToken(db: Db, actor: SessionUser, input: unknown, now = new Date()): Promise<{ token: string; view: TokenView }> {
  const data = parseOrThrow(createTokenSchema, input);
  if (data.admin && actor.role !== "ADMIN") throw new ForbiddenError("Only administrators can create tokens that act on every project.");
  const token = generateToken();
  const row = await db.$transaction(async (tx) => {
    // The owner's row lock (the one project creates take) serialises one
    // user's parallel creates, so the limit below cannot be raced.
    await tx.user.update({ where: { id: actor.id }, data: { quotaVersion: { increment: 1 } } });
    const live = await tx.apiToken.count({ where: { userId: actor.id, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] } });
    if (live >= MAX_ACTIVE_TOKENS) throw new ConflictError(`You already have ${MAX_ACTIVE_TOKENS} active tokens. Revoke one first.`);
    return tx.apiToken.create({
      data: {
        id: randomUUID(),
        userId: actor.id,
        name: data.name,
        tokenHash: hashToken(token),
        prefix: displayPrefix(token),
        admin: data.admin,
        createdAt: now,
        expiresAt: data.expiresInDays === "never" ? null : new Date(now.getTime() + Number(data.expiresInDays) * DAY_MS),
      },
    });
  });
  return { token, view: view(row, now) };
}

export async function listTokens(db: Db, actor: SessionUser, now = new Date()): Promise<TokenView[]> {
  const rows = await db.apiToken.findMany({ where: { userId: actor.id }, orderBy: { createdAt: "desc" }, take: LIST_LIMIT });
  return rows.map((r) => view(r, now));
}

/** Revokes one of the actor's own tokens; revoking it again changes nothing. */
export async function revokeToken(db: Db, actor: SessionUser, input: unknown, now = new Date()): Promise<void> {
  const { id } = parseOrThrow(revokeTokenSchema, input);
  const { count } = await db.apiToken.updateMany({ where: { id, userId: actor.id, revokedAt: null }, data: { revokedAt: now } });
  if (count === 0 && !(await db.apiToken.findFirst({ where: { id, userId: actor.id }, select: { id: true } }))) {
    throw new NotFoundError("Token not found.");
  }
}

/** The token in an Authorization header: `Bearer sbp_…`. */
export function bearerToken(header: string | null): string | null {
  const m = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header ?? "");
  return m ? m[1]! : null;
}

/**
 * Checks the token of one request. Refused at once when malformed, unknown,
 * revoked, expired, or when its owner is disabled. Records the use
 * (lastUsedAt, at most once a minute).
 */
export async function authenticateToken(db: Db, authorization: string | null, now = new Date()): Promise<TokenPrincipal> {
  const token = bearerToken(authorization);
  if (!token) throw new UnauthenticatedError("Send a personal access token: Authorization: Bearer sbp_…");
  // The shape is checked before any lookup: garbage costs no query.
  if (!TOKEN_PATTERN.test(token)) throw new UnauthenticatedError("Invalid access token.");
  const row = await db.apiToken.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!row) throw new UnauthenticatedError("Invalid access token.");
  const state = stateOf(row, now);
  if (state === "revoked") throw new UnauthenticatedError("This access token has been revoked.");
  if (state === "expired") throw new UnauthenticatedError("This access token has expired.");
  // Admin tokens made before they had to expire are not honoured: a new one is a minute's work.
  if (row.admin && !row.expiresAt)
    throw new UnauthenticatedError("This admin token never expires, which is no longer allowed. Make a new admin token with an expiry.");
  // Role and disabled flag as they are now, not as they were at creation.
  const user = await loadActiveUser(db, row.userId);
  const cutoff = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  if (!row.lastUsedAt || row.lastUsedAt < cutoff) {
    // Conditional, so parallel requests of one token write once between them.
    await db.apiToken.updateMany({ where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: cutoff } }] }, data: { lastUsedAt: now } });
  }
  return { user: { ...user, via: "api" }, tokenId: row.id, admin: row.admin && user.role === "ADMIN" };
}

/** Personal access tokens on the process's database; built by the composition root (lib/services.ts). */
export class TokenService {
  constructor(private readonly db: Db) {}

  create = (actor: SessionUser, input: unknown) => createToken(this.db, actor, input);
  list = (actor: SessionUser) => listTokens(this.db, actor);
  revoke = (actor: SessionUser, input: unknown) => revokeToken(this.db, actor, input);
  authenticate = (authorization: string | null) => authenticateToken(this.db, authorization);
}
