// JWT verification as storage-api does it (supabase/storage v1.70.6
// src/internal/auth/jwt.ts verifyJWT / findJWKFromHeader / getJWTAlgorithms, with
// jose): HS tokens without a kid use AUTH_JWT_SECRET; other tokens take the
// JWT_JWKS key with their kid and key type (ES256 user tokens from Auth), and
// fall back to the secret when none matches. Signed URLs are HS256 tokens over the
// same secret (signJWT), scoped to download or upload.
"use strict";
const { jwtVerify, importJWK, SignJWT } = require("jose");
const { ERRORS } = require("./errors");

const HMAC = ["HS256", "HS384", "HS512"];
const RSA = ["RS256", "RS384", "RS512"];
const ECC = ["ES256", "ES384", "ES512"];
const ED = ["EdDSA"];
const encoder = new TextEncoder();

function algorithms(cfg) {
  const keys = cfg.jwtJWKS && cfg.jwtJWKS.keys;
  if (!keys || !keys.length) return [cfg.jwtAlgorithm];
  return [
    cfg.jwtAlgorithm,
    ...(keys.some((k) => k.kty === "RSA") ? RSA : []),
    ...(keys.some((k) => k.kty === "EC") ? ECC : []),
    ...(keys.some((k) => k.kty === "OKP" && (k.crv === "Ed25519" || k.crv === "Ed448")) ? ED : []),
    ...(keys.some((k) => k.kty === "oct" && k.k) ? HMAC : []),
  ];
}

async function keyFor(cfg, header) {
  const keys = cfg.jwtJWKS && cfg.jwtJWKS.keys;
  if (!keys) return encoder.encode(cfg.jwtSecret);
  if (HMAC.includes(header.alg)) {
    if (!header.kid && header.alg === cfg.jwtAlgorithm) return encoder.encode(cfg.jwtSecret);
    let mismatched;
    const jwk = keys.find((k) => {
      if ((!k.kid || k.kid === header.kid) && k.kty === "oct" && k.k) {
        if (k.alg !== undefined && k.alg !== header.alg) {
          mismatched = mismatched || k;
          return false;
        }
        return true;
      }
      return false;
    });
    if (!jwk && mismatched) throw ERRORS.AccessDenied(`JWT algorithm "${header.alg}" does not match JWK algorithm "${mismatched.alg}"`);
    if (!jwk) return encoder.encode(cfg.jwtSecret);
    return Buffer.from(jwk.k, "base64");
  }
  const kty = ECC.includes(header.alg) ? "EC" : ED.includes(header.alg) ? "OKP" : "RSA";
  const jwk = keys.find((k) => ((!k.kid && !header.kid) || k.kid === header.kid) && k.kty === kty && (k.alg === undefined || k.alg === header.alg));
  if (!jwk) return encoder.encode(cfg.jwtSecret);
  return importJWK(jwk, jwk.alg || header.alg);
}

async function verifyJWT(cfg, token) {
  try {
    const { payload } = await jwtVerify(token, (header) => keyFor(cfg, header), { algorithms: algorithms(cfg) });
    return payload;
  } catch (e) {
    if (e && e.code === "AccessDenied") throw e;
    throw ERRORS.AccessDenied(e.message);
  }
}

// src/http/plugins/jwt.ts: "Bearer <jwt>" from the Authorization header; a bad or
// missing token is AccessDenied (HTTP 400, body statusCode "403") unless the route
// allows it, and then the request goes on as anon.
async function authenticate(cfg, req) {
  const jwt = String(req.headers.authorization || "").replace(/^Bearer\s+/i, "");
  const payload = await verifyJWT(cfg, jwt);
  return { jwt, payload, role: payload.role, owner: payload.sub };
}

function signURLToken(cfg, payload, expiresIn) {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: cfg.jwtAlgorithm })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn)
    .sign(encoder.encode(cfg.jwtSecret));
}

module.exports = { verifyJWT, authenticate, signURLToken };
