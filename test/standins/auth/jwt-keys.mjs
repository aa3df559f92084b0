// GOTRUE_JWT_KEYS and the signing key, as supabase/auth v2.196.0 (@0204331)
// internal/conf/jwk.go: the value is a JSON array of private JWKs; each one's
// public key gets use=sig and key_ops=[verify] and is stored under its kid;
// Validate wants exactly one private key whose key_ops contain "sign"
// ("no signing key detected" / "multiple signing keys detected, only 1
// signing key is supported"). Without keys, ApplyDefaults turns
// GOTRUE_JWT_SECRET into an HS256 key with kid GOTRUE_JWT_KEY_ID.
// SignJWT (internal/tokens/service.go) signs with GetSigningJwk's key, the
// algorithm from GetSigningAlg (RS256, RS512, ES256, ES512, EdDSA, else
// HS256) and the key's kid in the header when it has one.
import { importJWK } from "jose";
import { ConfigError } from "./errors.mjs";

const ASYMMETRIC = new Set(["RS256", "RS512", "ES256", "ES512", "EdDSA"]);

export function parseJwtKeys(value) {
  let data;
  try {
    data = JSON.parse(value);
  } catch (e) {
    throw new ConfigError(
      `envconfig.Process: assigning GOTRUE_JWT_KEYS to Keys: converting '${value.length > 0 ? "…" : ""}' to type conf.JwtKeysDecoder. details: ${e.message}`,
    );
  }
  if (!Array.isArray(data)) throw new ConfigError("envconfig.Process: assigning GOTRUE_JWT_KEYS to Keys: json: cannot unmarshal into []json.RawMessage");
  return data.map((k) => {
    if (typeof k !== "object" || k === null || typeof k.kty !== "string") throw new ConfigError("failed to parse key: invalid key type");
    return k;
  });
}

/** jwk.go Validate + GetSigningJwk + GetSigningAlg. */
export function validateJwtKeys(jwt) {
  if (jwt.keys.length === 0) {
    // applyDefaultsJWT: the secret as an oct key, alg HS256, kid = GOTRUE_JWT_KEY_ID.
    jwt.signing = { alg: "HS256", kid: jwt.keyID, jwk: { kty: "oct", k: Buffer.from(jwt.secret).toString("base64url") } };
    jwt.validMethods = ["HS256"];
    jwt.publicByKid = new Map([[jwt.keyID, jwt.signing.jwk]]);
    return;
  }
  const signing = jwt.keys.filter((k) => Array.isArray(k.key_ops) && k.key_ops.includes("sign"));
  if (signing.length === 0) throw new ConfigError("no signing key detected");
  if (signing.length > 1) throw new ConfigError("multiple signing keys detected, only 1 signing key is supported");
  for (const k of jwt.keys) {
    if (k.kty === "EC" && (!k.crv || !k.x || !k.y)) throw new ConfigError(`failed to validate key: missing required field`);
    if (k.kty === "oct" && !k.k) throw new ConfigError(`failed to validate key: missing required field "k"`);
  }
  const key = signing[0];
  const alg = ASYMMETRIC.has(key.alg) ? key.alg : "HS256";
  jwt.signing = { alg, kid: key.kid ?? "", jwk: key };
  // ApplyDefaults: ValidMethods = every key's algorithm.
  jwt.validMethods = jwt.keys.map((k) => k.alg ?? "");
  jwt.publicByKid = new Map();
  for (const k of jwt.keys) {
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = k;
    jwt.publicByKid.set(k.kid ?? "", k.kty === "oct" ? k : { ...pub, use: "sig", key_ops: ["verify"] });
  }
}

/** The imported signing key (cached). */
export async function signingKey(jwt) {
  if (!jwt.signingKeyObject) jwt.signingKeyObject = await importJWK({ ...jwt.signing.jwk, alg: jwt.signing.alg }, jwt.signing.alg);
  return jwt.signingKeyObject;
}
