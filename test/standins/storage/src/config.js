// The settings storage-api reads (supabase/storage v1.70.6 src/config.ts), with the
// same names, fallbacks and defaults; the stand-in reads no others.
"use strict";
const fs = require("fs");

function env(...names) {
  for (const n of names) if (process.env[n] !== undefined && process.env[n] !== "") return process.env[n];
  return undefined;
}

function loadConfig() {
  const backend = env("STORAGE_BACKEND");
  // Only the file backend exists here (the template sets STORAGE_BACKEND=file).
  if (backend !== "file") throw new Error(`storage stand-in: STORAGE_BACKEND=${backend} is not implemented (only "file")`);
  const jwks = env("JWT_JWKS");
  let jwtJWKS = null;
  if (jwks) {
    try {
      jwtJWKS = JSON.parse(jwks);
    } catch {
      // config.ts: the same message, and the process does not start.
      throw new Error("Unable to parse JWT_JWKS value to JSON");
    }
  }
  const databaseURL = env("DATABASE_URL");
  if (!databaseURL) throw new Error("DATABASE_URL is required");
  const fileSizeLimit = Number(env("UPLOAD_FILE_SIZE_LIMIT", "FILE_SIZE_LIMIT"));
  if (!Number.isFinite(fileSizeLimit) || fileSizeLimit <= 0) throw new Error("FILE_SIZE_LIMIT must be a positive number of bytes");
  return {
    port: Number(env("SERVER_PORT", "PORT")) || 5000,
    host: env("SERVER_HOST", "HOST") || "0.0.0.0",
    tenantId: env("PROJECT_REF", "TENANT_ID") || "storage-single-tenant",
    region: env("STORAGE_S3_REGION", "REGION"),
    jwtSecret: env("AUTH_JWT_SECRET", "PGRST_JWT_SECRET") || "",
    jwtAlgorithm: env("AUTH_JWT_ALGORITHM", "PGRST_JWT_ALGORITHM") || "HS256",
    jwtJWKS,
    anonKey: env("ANON_KEY"),
    serviceKey: env("SERVICE_KEY"),
    databaseURL,
    fileSizeLimit,
    storageS3Bucket: env("STORAGE_S3_BUCKET", "GLOBAL_S3_BUCKET") || "",
    storageFilePath: env("STORAGE_FILE_BACKEND_PATH", "FILE_STORAGE_BACKEND_PATH"),
    publicUrl: env("STORAGE_PUBLIC_URL"),
    allowForwardedPath: env("REQUEST_ALLOW_X_FORWARDED_PATH") === "true",
    signedUploadUrlExpirationTime: Number(env("SIGNED_UPLOAD_URL_EXPIRATION_TIME")) || 60,
  };
}

// The file backend writes under this path: it must exist and be writable, or
// nothing can be stored (as before: fail at start, not at the first upload).
function checkBackendPath(dir) {
  if (!dir) throw new Error("FILE_STORAGE_BACKEND_PATH is required with STORAGE_BACKEND=file");
  fs.mkdirSync(dir, { recursive: true });
  fs.accessSync(dir, fs.constants.W_OK);
}

module.exports = { loadConfig, checkBackendPath };
