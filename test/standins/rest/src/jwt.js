// PostgREST's JWT handling, from PostgREST/postgrest v14.17 (same in v14.5):
// src/PostgREST/Config.hs parseSecret (jwt-secret is a JWKS, a JWK, or a text
// secret of at least 32 characters), src/PostgREST/Auth.hs (Bearer token or
// none), src/PostgREST/Auth/Jwt.hs (decode with the key set, then the exp/nbf/
// iat/aud checks with 30 s of skew, then the role claim), and the decoding of
// the jose-jwt library it uses (tekul/jose-jwt Jose/Jwt.hs decode, Jose/Jwk.hs
// canDecodeJws, Jose/Internal/Parser.hs: any parse failure is BadCrypto).
"use strict";
const crypto = require("crypto");
const { PgrstError, jwtError } = require("./errors");

const JWS_ALGS = { HS256: "sha256", HS384: "sha384", HS512: "sha512", RS256: "sha256", RS384: "sha384", RS512: "sha512", ES256: "sha256", ES384: "sha384", ES512: "sha512", EdDSA: null };
// jose-jwt's algs table: these parse (and "none" is an unsecured JWT); any other alg fails parsing.
const ENC_ALGS = ["RSA1_5", "RSA-OAEP", "RSA-OAEP-256", "A128KW", "A192KW", "A256KW"];

function b64url(s) {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new Error("Invalid Base64");
  return Buffer.from(s, "base64url");
}

/** One JWK as jose-jwt reads it, or null when it is not one. */
function readJwk(o) {
  if (!o || typeof o !== "object" || Array.isArray(o)) return null;
  const meta = { kid: typeof o.kid === "string" ? o.kid : undefined, use: o.use, alg: typeof o.alg === "string" ? o.alg : undefined };
  if (o.kty === "oct" && typeof o.k === "string") return { ...meta, type: "oct", secret: b64url(o.k) };
  if (o.kty === "EC" || o.kty === "RSA" || o.kty === "OKP") {
    const pub = { ...o };
    for (const k of ["d", "p", "q", "dp", "dq", "qi", "key_ops", "ext"]) delete pub[k];
    try {
      return { ...meta, type: o.kty, key: crypto.createPublicKey({ key: pub, format: "jwk" }) };
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * PGRST_JWT_SECRET (after jwt-secret-is-base64) into a key set: a JWKS, a single
 * JWK, or the text itself as an HS256 key. Throws PostgREST's config error for short secrets.
 */
function loadKeySet(secret) {
  let json;
  try {
    json = JSON.parse(secret.toString("utf8"));
  } catch {
    json = undefined;
  }
  if (json && Array.isArray(json.keys)) {
    const keys = json.keys.map(readJwk);
    if (keys.every(Boolean)) return keys;
  }
  const single = readJwk(json);
  if (single) return [single];
  if (secret.length < 32) throw new Error("The JWT secret must be at least 32 characters long.");
  return [{ type: "oct", secret, alg: "HS256", use: "sig" }];
}

function canDecode(header, k) {
  if (k.use === "enc") return false;
  if (header.kid !== undefined && header.kid !== k.kid) return false;
  if (k.alg !== undefined && k.alg !== header.alg) return false;
  const a = header.alg;
  if (a.startsWith("HS")) return k.type === "oct";
  if (a.startsWith("RS")) return k.type === "RSA";
  if (a.startsWith("ES")) return k.type === "EC";
  if (a === "EdDSA") return k.type === "OKP";
  return false;
}

function verifyWith(k, alg, input, sig) {
  try {
    if (k.type === "oct") {
      const mac = crypto.createHmac(JWS_ALGS[alg], k.secret).update(input).digest();
      return mac.length === sig.length && crypto.timingSafeEqual(mac, sig);
    }
    if (k.type === "EC") return crypto.verify(JWS_ALGS[alg], Buffer.from(input), { key: k.key, dsaEncoding: "ieee-p1363" }, sig);
    return crypto.verify(JWS_ALGS[alg], Buffer.from(input), k.key, sig);
  } catch {
    return false;
  }
}

const decodeErr = (message, details) => jwtError("PGRST301", message, details);
const claimsErr = (message) => jwtError("PGRST303", message);

/** Auth/Jwt.hs parseToken + decodeClaims: the verified claims object. */
function decodeToken(keys, token) {
  if (token === "") throw decodeErr("Empty JWT is sent in Authorization header");
  const parts = token.split(".");
  if (parts.length !== 3) throw decodeErr(`Expected 3 parts in JWT; got ${parts.length}`);
  let header, payload, sig;
  try {
    header = JSON.parse(b64url(parts[0]).toString("utf8"));
    if (!header || typeof header.alg !== "string") throw new Error("no alg");
    payload = b64url(parts[1]);
    sig = b64url(parts[2]);
  } catch {
    throw decodeErr("JWT cryptographic operation failed");
  }
  if (header.alg === "none") throw decodeErr("Wrong or unsupported encoding algorithm", "JWT is unsecured but expected 'alg' was not 'none'");
  if (!(header.alg in JWS_ALGS) || ENC_ALGS.includes(header.alg)) throw decodeErr("JWT cryptographic operation failed");
  const usable = keys.filter((k) => canDecode(header, k));
  if (usable.length === 0) throw decodeErr("No suitable key or wrong key type", "No suitable key was found to decode the JWT");
  const input = `${parts[0]}.${parts[1]}`;
  if (!usable.some((k) => verifyWith(k, header.alg, input, sig))) {
    throw decodeErr("No suitable key or wrong key type", "None of the keys was able to decode the JWT");
  }
  let claims;
  try {
    claims = JSON.parse(payload.toString("utf8"));
  } catch {
    claims = null;
  }
  if (!claims || typeof claims !== "object" || Array.isArray(claims)) throw claimsErr("Parsing claims failed");
  return claims;
}

// Scientific.toBoundedInteger: a number that is not a whole Int64 counts as 0.
const toSec = (v) => (Number.isInteger(v) ? v : 0);

/** Auth/Jwt.hs checkForErrors: the first failing check, in this order. */
function validateClaims(claims, audience, now) {
  const skew = 30;
  const num = (key, notNumber, bad) => {
    const v = claims[key];
    if (v === undefined || v === null) return;
    if (typeof v !== "number") throw claimsErr(notNumber);
    if (bad(toSec(v))) throw claimsErr(bad.message);
  };
  const expired = (v) => now - skew > v;
  expired.message = "JWT expired";
  const notYet = (v) => now + skew < v;
  notYet.message = "JWT not yet valid";
  const future = (v) => now + skew < v;
  future.message = "JWT issued at future";
  num("exp", "The JWT 'exp' claim must be a number", expired);
  num("nbf", "The JWT 'nbf' claim must be a number", notYet);
  num("iat", "The JWT 'iat' claim must be a number", future);
  const aud = claims.aud;
  if (aud === undefined || aud === null) return;
  const matches = (a) => audience === undefined || a === audience;
  if (typeof aud === "string") {
    if (!matches(aud)) throw claimsErr("JWT not in audience");
  } else if (Array.isArray(aud) && aud.every((a) => typeof a === "string")) {
    if (aud.length > 0 && !aud.some(matches)) throw claimsErr("JWT not in audience");
  } else throw claimsErr("The JWT 'aud' claim must be a string or an array of strings");
}

/**
 * Auth.hs middleware + Jwt.hs parseClaims: {claims, role} for a request's
 * Authorization header. No Bearer token: empty claims and the anon role.
 */
function authenticate(config, authorization, now = Math.floor(Date.now() / 1000)) {
  // wai-extra extractBearerAuth: "Bearer" (any case), spaces, then the token.
  let token = null;
  if (authorization !== undefined) {
    const m = /^(\S*)\s*([\s\S]*)$/.exec(authorization);
    if (m && m[1].toLowerCase() === "bearer") token = m[2];
  }
  // Auth/JwtCache.hs + Error.hs: a token with no jwt-secret configured is PGRST300 (500).
  if (token !== null && !config.jwtKeys) throw new PgrstError(500, "PGRST300", "Server lacks JWT secret");
  const claims = token === null ? {} : decodeToken(config.jwtKeys, token);
  validateClaims(claims, config.jwtAud, now);
  let v = claims;
  for (const key of config.roleClaimPath) v = v && typeof v === "object" && !Array.isArray(v) ? v[key] : undefined;
  let role;
  if (v !== undefined) role = typeof v === "string" ? v : JSON.stringify(v);
  else if (config.anonRole !== undefined) role = config.anonRole;
  else throw jwtError("PGRST302", "Anonymous access is disabled");
  return { claims: { ...claims, role }, role };
}

module.exports = { loadKeySet, authenticate };
