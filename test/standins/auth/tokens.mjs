// Sessions, refresh tokens and access tokens as supabase/auth v2.196.0
// (@0204331) internal/tokens/service.go issues them (refresh token algorithm
// version 0/1, the default: models.GrantAuthenticatedUser, a 12-character
// crypto.SecureAlphanumeric token in auth.refresh_tokens), the claims of
// GenerateAccessToken (v0hooks.AccessTokenClaims field order: iss, sub, aud,
// exp, iat, email, phone, app_metadata, user_metadata, role, aal, amr,
// session_id, is_anonymous; aud as a single string,
// jwt.MarshalSingleStringAsArray = false), SignJWT's key choice, and the
// checks of internal/api/auth.go parseJWTClaims / maybeLoadUserOrSession.
import { randomBytes, randomUUID } from "node:crypto";
import { SignJWT, jwtVerify, importJWK, decodeProtectedHeader } from "jose";
import { HTTPError, OAuthError, badRequest, forbidden } from "./errors.mjs";
import { signingKey } from "./jwt-keys.mjs";
import { userJSON } from "./users.mjs";

const NIL = "00000000-0000-0000-0000-000000000000";
const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** crypto.SecureAlphanumeric: base32 (no padding) of random bytes, lower-cased, cut to length (min 8). */
export function secureAlphanumeric(length) {
  const n = Math.max(length, 8);
  const bytes = randomBytes(Math.ceil((n * 5) / 8));
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out.toLowerCase().slice(0, n);
}

export class Tokens {
  constructor(config, users) {
    this.c = config;
    this.users = users;
    this.t = (name) => `${config.dbNamespaceQ}.${name}`;
  }

  /** IssueRefreshToken: a new session, its first refresh token, the amr claim, the access token. */
  async issue(db, user, method, req) {
    const sessionId = randomUUID();
    await db.query(
      `INSERT INTO ${this.t("sessions")} (id, user_id, created_at, updated_at, aal, user_agent, ip) VALUES ($1, $2, now(), now(), 'aal1', $3, $4)`,
      [sessionId, user.id, req.headers["user-agent"] ?? null, req.socket.remoteAddress ?? null],
    );
    const token = secureAlphanumeric(12);
    await db.query(
      `INSERT INTO ${this.t("refresh_tokens")} (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
       VALUES ($1, $2, $3, false, now(), now(), '', $4)`,
      [NIL, token, user.id, sessionId],
    );
    await this.users.touchLastSignIn(db, user.id);
    await this.addClaim(db, sessionId, method);
    return this.response(db, user.id, sessionId, token);
  }

  /** models.AddClaimToSession: one amr row per session and method, refreshed on reuse. */
  async addClaim(db, sessionId, method) {
    await db.query(
      `INSERT INTO ${this.t("mfa_amr_claims")} (id, session_id, created_at, updated_at, authentication_method) VALUES ($1, $2, now(), now(), $3)
       ON CONFLICT (session_id, authentication_method) DO UPDATE SET updated_at = now()`,
      [randomUUID(), sessionId, method],
    );
  }

  async response(db, userId, sessionId, refreshToken) {
    const user = await this.users.byId(db, userId);
    const identities = await this.users.identities(db, userId);
    const { token, expiresAt } = await this.accessToken(db, user, sessionId);
    return {
      access_token: token,
      token_type: "bearer",
      expires_in: expiresAt - Math.floor(Date.now() / 1000),
      expires_at: expiresAt,
      refresh_token: refreshToken,
      user: userJSON(user, identities),
    };
  }

  async accessToken(db, user, sessionId) {
    const amr = (
      await db.query(`SELECT authentication_method, updated_at FROM ${this.t("mfa_amr_claims")} WHERE session_id = $1 ORDER BY updated_at DESC`, [sessionId])
    ).rows.map((r) => ({ method: r.authentication_method, timestamp: Math.floor(new Date(r.updated_at).getTime() / 1000) }));
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + this.c.jwt.exp;
    const claims = {
      ...(this.c.jwt.issuer ? { iss: this.c.jwt.issuer } : {}),
      sub: user.id,
      aud: user.aud,
      exp,
      iat,
      email: user.email ?? "",
      phone: user.phone ?? "",
      app_metadata: user.raw_app_meta_data ?? {},
      user_metadata: user.raw_user_meta_data ?? {},
      role: user.role ?? "",
      aal: "aal1",
      amr,
      session_id: sessionId,
      is_anonymous: user.is_anonymous ?? false,
    };
    if (!claims.aud) delete claims.aud;
    const { alg, kid } = this.c.jwt.signing;
    const header = { alg, ...(kid ? { kid } : {}), typ: "JWT" };
    const token = await new SignJWT(claims).setProtectedHeader(header).sign(await signingKey(this.c.jwt));
    return { token, expiresAt: exp };
  }

  /** RefreshTokenGrant (algorithm v1): swap, reuse detection, family revocation. */
  async refresh(db, refreshToken) {
    if (!refreshToken) throw new OAuthError("invalid_request", "refresh_token required");
    const row = (await db.query(`SELECT * FROM ${this.t("refresh_tokens")} WHERE token = $1 FOR UPDATE`, [refreshToken])).rows[0];
    if (!row) throw badRequest("refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
    const user = await this.users.byId(db, row.user_id);
    if (!user) throw badRequest("refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
    if (user.banned_until && new Date(user.banned_until) > new Date()) throw badRequest("user_banned", "Invalid Refresh Token: User Banned");
    if (!row.session_id) throw badRequest("session_not_found", "Invalid Refresh Token: No Valid Session Found");
    if (row.revoked) {
      const active = (
        await db.query(`SELECT token FROM ${this.t("refresh_tokens")} WHERE session_id = $1 AND revoked = false ORDER BY id DESC LIMIT 1`, [row.session_id])
      ).rows[0];
      if (active && (await this.parentOf(db, active.token)) === row.token) {
        return this.response(db, user.id, row.session_id, active.token);
      }
      const reuseUntil = new Date(row.updated_at).getTime() + this.c.security.refreshTokenReuseInterval * 1000;
      if (Date.now() > reuseUntil) {
        if (this.c.security.refreshTokenRotationEnabled) {
          await db.query(`UPDATE ${this.t("refresh_tokens")} SET revoked = true, updated_at = now() WHERE session_id = $1`, [row.session_id]);
        }
        throw Object.assign(badRequest("refresh_token_already_used", "Invalid Refresh Token: Already Used"), { commit: true });
      }
    }
    // GrantRefreshTokenSwap: revoke the old one, issue its child in the same session.
    await db.query(`UPDATE ${this.t("refresh_tokens")} SET revoked = true, updated_at = now() WHERE id = $1`, [row.id]);
    const token = secureAlphanumeric(12);
    await db.query(
      `INSERT INTO ${this.t("refresh_tokens")} (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
       VALUES ($1, $2, $3, false, now(), now(), $4, $5)`,
      [NIL, token, user.id, row.token, row.session_id],
    );
    await db.query(`UPDATE ${this.t("sessions")} SET refreshed_at = now(), updated_at = now() WHERE id = $1`, [row.session_id]);
    return this.response(db, user.id, row.session_id, token);
  }

  async parentOf(db, token) {
    return (await db.query(`SELECT parent FROM ${this.t("refresh_tokens")} WHERE token = $1`, [token])).rows[0]?.parent ?? null;
  }

  /** requireAuthentication: bearer, signature (ValidMethods, key by kid, else HS256 secret), user, session. */
  async authenticate(db, req) {
    const m = /^(?:B|b)earer (\S+)$/.exec(req.headers.authorization ?? "");
    if (!m) throw new HTTPError(401, "no_authorization", "This endpoint requires a valid Bearer token");
    const jwt = this.c.jwt;
    let payload;
    try {
      const header = decodeProtectedHeader(m[1]);
      if (!jwt.validMethods.includes(header.alg)) throw new Error(`token is unverifiable: signing method ${header.alg} is invalid`);
      let jwk = typeof header.kid === "string" ? jwt.publicByKid.get(header.kid) : undefined;
      if (!jwk && header.kid === jwt.keyID) jwk = { kty: "oct", k: Buffer.from(jwt.secret).toString("base64url") };
      if (!jwk && header.alg === "HS256") jwk = { kty: "oct", k: Buffer.from(jwt.secret).toString("base64url") };
      if (!jwk) throw new Error(`token is unverifiable: error while executing keyfunc: unrecognized JWT kid ${header.kid} for algorithm ${header.alg}`);
      ({ payload } = await jwtVerify(m[1], await importJWK({ ...jwk, alg: header.alg }, header.alg), { algorithms: [header.alg] }));
    } catch (e) {
      const detail = e.code === "ERR_JWT_EXPIRED" ? "token has invalid claims: token is expired" : e.message;
      throw forbidden("bad_jwt", `invalid JWT: unable to parse or verify signature, ${detail}`);
    }
    if (!payload.sub) throw forbidden("bad_jwt", "invalid claim: missing sub claim");
    if (!/^[0-9a-f-]{36}$/i.test(payload.sub)) throw badRequest("bad_jwt", "invalid claim: sub claim must be a UUID");
    const user = await this.users.byId(db, payload.sub);
    if (!user) throw forbidden("user_not_found", "User from sub claim in JWT does not exist");
    let session = null;
    if (payload.session_id && payload.session_id !== NIL) {
      session = (await db.query(`SELECT * FROM ${this.t("sessions")} WHERE id = $1`, [payload.session_id])).rows[0];
      if (!session) throw forbidden("session_not_found", "Session from session_id claim in JWT does not exist");
    }
    if (user.banned_until && new Date(user.banned_until) > new Date()) throw forbidden("user_banned", "User is banned");
    return { user, session, claims: payload };
  }
}
