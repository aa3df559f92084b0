// Edge runtime main service (supabase/supabase docker/volumes/functions/main/index.ts
// @025f3cad): when VERIFY_JWT is on, checks the bearer token, legacy HS256
// with JWT_SECRET, ES256/RS256 with the project's public keys (SUPABASE_JWKS),
// then hands each request to a user worker for /<function-name>.
import * as jose from "jsr:@panva/jose@6";

console.log("main function started");

const JWT_SECRET = Deno.env.get("JWT_SECRET");
const SUPABASE_JWKS = parseJwks(Deno.env.get("SUPABASE_JWKS"));
const LOCAL_JWKS = SUPABASE_JWKS ? jose.createLocalJWKSet(SUPABASE_JWKS) : null;
const VERIFY_JWT = Deno.env.get("VERIFY_JWT") === "true";

type AuthFailure = { code: string; message: string };

const authFailure = (code: string, message: string): AuthFailure => ({ code, message });

const AUTH_FAILURE = {
  MissingAuthHeader: authFailure("UNAUTHORIZED_NO_AUTH_HEADER", "Missing authorization header"),
  InvalidJwtFormat: authFailure("UNAUTHORIZED_INVALID_JWT_FORMAT", "Invalid JWT format"),
  LegacyJwt: authFailure("UNAUTHORIZED_LEGACY_JWT", "Invalid JWT"),
  AsymmetricJwt: authFailure("UNAUTHORIZED_ASYMMETRIC_JWT", "Invalid JWT"),
  UnsupportedTokenAlgorithm: (algorithm: string | undefined) =>
    authFailure("UNAUTHORIZED_UNSUPPORTED_TOKEN_ALGORITHM", `Unsupported JWT algorithm ${algorithm}`),
};

// Only the shape is checked here; the keys themselves are jose's to judge.
export function parseJwks(raw: string | undefined): jose.JSONWebKeySet | null {
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw);
    return parsed?.keys && Array.isArray(parsed.keys) ? (parsed as jose.JSONWebKeySet) : null;
  } catch {
    return null;
  }
}

/** The token of an "Authorization: Bearer <token>" header, or why there is none. */
function getAuthToken(req: Request): string | AuthFailure {
  const authHeader = req.headers.get("authorization");
  if (!authHeader) return AUTH_FAILURE.MissingAuthHeader;
  const tokenParts = authHeader.split(" ");
  const [bearer, token] = tokenParts;
  if (bearer !== "Bearer" || tokenParts.length !== 2 || !token) return AUTH_FAILURE.InvalidJwtFormat;
  return token;
}

function getAuthErrorResponse({ code, message }: AuthFailure) {
  return new Response(JSON.stringify({ code, message, msg: message }), {
    status: 401,
    headers: { "Content-Type": "application/json", "sb-error-code": code },
  });
}

async function isValidLegacyJWT(jwt: string): Promise<AuthFailure | null> {
  if (!JWT_SECRET) {
    console.error("JWT_SECRET not available for HS256 token verification");
    return AUTH_FAILURE.LegacyJwt;
  }
  try {
    await jose.jwtVerify(jwt, new TextEncoder().encode(JWT_SECRET));
  } catch (e) {
    console.error("Symmetric Legacy JWT verification error", e);
    return AUTH_FAILURE.LegacyJwt;
  }
  return null;
}

async function isValidJWT(jwt: string): Promise<AuthFailure | null> {
  if (!LOCAL_JWKS) {
    console.error("JWKS not available for ES256/RS256 token verification");
    return AUTH_FAILURE.AsymmetricJwt;
  }
  try {
    await jose.jwtVerify(jwt, LOCAL_JWKS);
  } catch (e) {
    console.error("Asymmetric JWT verification error", e);
    return AUTH_FAILURE.AsymmetricJwt;
  }
  return null;
}

/** HS256 against JWT_SECRET (legacy keys), ES256/RS256 against SUPABASE_JWKS (Auth's signing keys). */
async function isValidHybridJWT(jwt: string): Promise<AuthFailure | null> {
  let jwtAlgorithm: string | undefined;
  try {
    jwtAlgorithm = jose.decodeProtectedHeader(jwt).alg;
  } catch (e) {
    console.error("JWT format error", e);
    return AUTH_FAILURE.InvalidJwtFormat;
  }
  if (jwtAlgorithm === "HS256") {
    console.log(`Legacy token type detected, attempting ${jwtAlgorithm} verification.`);
    return await isValidLegacyJWT(jwt);
  }
  if (jwtAlgorithm === "ES256" || jwtAlgorithm === "RS256") return await isValidJWT(jwt);
  return AUTH_FAILURE.UnsupportedTokenAlgorithm(jwtAlgorithm);
}

Deno.serve(async (req: Request) => {
  if (req.method !== "OPTIONS" && VERIFY_JWT) {
    try {
      const token = getAuthToken(req);
      if (typeof token !== "string") return getAuthErrorResponse(token);
      const failure = await isValidHybridJWT(token);
      if (failure) return getAuthErrorResponse(failure);
    } catch (e) {
      console.error(e);
      return getAuthErrorResponse(AUTH_FAILURE.InvalidJwtFormat);
    }
  }

  const url = new URL(req.url);
  const { pathname } = url;
  const path_parts = pathname.split("/");
  const service_name = path_parts[1];

  if (!service_name || service_name === "") {
    return new Response(JSON.stringify({ msg: "missing function name in request" }), { status: 400, headers: { "Content-Type": "application/json" } });
  }

  const servicePath = `/home/deno/functions/${service_name}`;
  console.error(`serving the request with ${servicePath}`);

  const memoryLimitMb = 150;
  const workerTimeoutMs = 1 * 60 * 1000;
  const noModuleCache = false;
  const importMapPath = null;
  const envVarsObj = Deno.env.toObject();
  const envVars = Object.keys(envVarsObj).map((k) => [k, envVarsObj[k]]);

  try {
    const worker = await EdgeRuntime.userWorkers.create({ servicePath, memoryLimitMb, workerTimeoutMs, noModuleCache, importMapPath, envVars });
    return await worker.fetch(req);
  } catch (e) {
    return new Response(JSON.stringify({ msg: String(e) }), { status: 500, headers: { "Content-Type": "application/json" } });
  }
});
