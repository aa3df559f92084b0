// PostgREST's settings from its PGRST_* environment (PostgREST/postgrest
// v14.17 and v14.5, src/PostgREST/Config.hs parser): the same names, aliases,
// defaults and failures. Strings that are empty count as unset (optString);
// an integer that does not read is ignored (coerceInt via readMaybe).
// PGRST_DB_USE_LEGACY_GUCS is not a v14 setting (the parser has no
// db-use-legacy-gucs), so it is read by nobody, as upstream: claims always go
// to request.jwt.claims as one JSON value.
"use strict";
const { loadKeySet } = require("./jwt");

class ConfigError extends Error {}

function readConfig(env = process.env) {
  const opt = (k) => (env[`PGRST_${k}`] === undefined || env[`PGRST_${k}`] === "" ? undefined : env[`PGRST_${k}`]);
  const optInt = (k) => {
    const v = opt(k);
    return v !== undefined && /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : undefined;
  };
  const optBool = (k) => {
    const v = opt(k);
    if (v === undefined) return undefined;
    const letters = v.replace(/[^A-Za-z]/g, "").toLowerCase();
    if (letters === "true") return true;
    if (letters === "false") return false;
    return /^-?\d+$/.test(v) ? Number(v) > 0 : undefined;
  };
  const split = (v) => v.split(",").map((s) => s.trim());

  const serverPort = optInt("SERVER_PORT") ?? 3000;
  const adminPort = optInt("ADMIN_SERVER_PORT");
  if (adminPort !== undefined && adminPort === serverPort) throw new ConfigError("admin-server-port cannot be the same as server-port");
  const openapiMode = opt("OPENAPI_MODE") ?? "follow-privileges";
  if (!["follow-privileges", "ignore-privileges", "disabled"].includes(openapiMode)) throw new ConfigError("Invalid openapi-mode. Check your configuration.");
  const logLevel = opt("LOG_LEVEL") ?? "error";
  if (!["crit", "error", "warn", "info", "debug"].includes(logLevel)) throw new ConfigError("Invalid logging level. Check your configuration.");
  const aud = opt("JWT_AUD");
  // optStringOrURI: with a ":" it must be an RFC 3986 URI.
  if (aud !== undefined && aud.includes(":") && !/^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/.test(aud)) throw new ConfigError("jwt-aud should be a string or a valid URI");
  const roleClaimKey = opt("JWT_ROLE_CLAIM_KEY") ?? opt("ROLE_CLAIM_KEY") ?? ".role";
  // Config/JSPath.hs: ".key" steps; the stand-in reads plain (or "quoted") keys only.
  const path = [];
  for (const m of roleClaimKey.matchAll(/\.(?:"([^"]*)"|([A-Za-z0-9_$@-]+))/g)) path.push(m[1] ?? m[2]);
  if (path.length === 0 || path.map((p) => `.${p}`).join("").length > roleClaimKey.replace(/"/g, "").length) {
    throw new ConfigError(`jwt-role-claim-key '${roleClaimKey}' is not a path of keys (the Supafleet stand-in reads only those)`);
  }

  let secret = opt("JWT_SECRET");
  let jwtKeys;
  if (secret !== undefined) {
    let bytes = Buffer.from(secret, "utf8");
    if (secret.startsWith("@")) {
      try {
        bytes = require("fs").readFileSync(secret.slice(1));
        if (bytes[bytes.length - 1] === 10) bytes = bytes.subarray(0, -1);
      } catch (e) {
        throw new ConfigError(`${secret.slice(1)}: openFile: does not exist (${e.code})`);
      }
    }
    if (optBool("JWT_SECRET_IS_BASE64") ?? optBool("SECRET_IS_BASE64")) {
      const b64 = bytes.toString("utf8").replace(/-/g, "+").replace(/_/g, "/").replace(/\./g, "=").trim();
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) throw new ConfigError("invalid base64 jwt-secret");
      bytes = Buffer.from(b64, "base64");
    }
    try {
      jwtKeys = loadKeySet(bytes);
    } catch (e) {
      throw new ConfigError(e.message);
    }
  }

  const appSettings = Object.entries(env)
    .filter(([k]) => k.startsWith("PGRST_APP_SETTINGS_"))
    .map(([k, v]) => [`app.settings.${k.slice("PGRST_APP_SETTINGS_".length)}`, v]);

  const extra = env.PGRST_DB_EXTRA_SEARCH_PATH; // optStringEmptyable: "" means none
  return {
    dbUri: opt("DB_URI") ?? "postgresql://",
    schemas: split(opt("DB_SCHEMAS") ?? opt("DB_SCHEMA") ?? "public"),
    anonRole: opt("DB_ANON_ROLE"),
    extraSearchPath: extra === undefined ? ["public"] : extra === "" ? [] : split(extra),
    maxRows: optInt("DB_MAX_ROWS") ?? optInt("MAX_ROWS"),
    poolSize: optInt("DB_POOL") ?? 10,
    channel: opt("DB_CHANNEL") ?? "pgrst",
    channelEnabled: optBool("DB_CHANNEL_ENABLED") ?? true,
    aggregatesEnabled: optBool("DB_AGGREGATES_ENABLED") ?? false,
    jwtKeys,
    jwtAud: aud,
    roleClaimPath: path,
    openapiMode,
    appSettings,
    serverHost: opt("SERVER_HOST") ?? "!4",
    serverPort,
    adminHost: opt("ADMIN_SERVER_HOST") ?? opt("SERVER_HOST") ?? "!4",
    adminPort,
  };
}

module.exports = { readConfig, ConfigError };
