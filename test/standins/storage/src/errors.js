// Errors as storage-api renders them (supabase/storage v1.70.6, the newest tag in
// the stored snapshots: v1.74.0 is not there):
// - src/internal/errors/codes.ts: the ERRORS factories (code, error, httpStatusCode, message);
// - src/internal/errors/storage-error.ts: userStatusCode is 400 unless the error is a
//   500 (or withStatusCode set it), render() puts httpStatusCode as a string in the body;
// - src/http/error-handler.ts: the reply status is userStatusCode, the body
//   {statusCode, code, error: error.error || code, message}.
// So a too-large upload answers HTTP 400 with {"statusCode":"413",...}, as upstream.
"use strict";

class StorageError extends Error {
  constructor({ code, httpStatusCode, message, error, userStatusCode }) {
    super(message);
    this.code = code;
    this.httpStatusCode = httpStatusCode;
    this.error = error;
    this.userStatusCode = userStatusCode ?? (httpStatusCode === 500 ? 500 : 400);
  }
  render() {
    return { statusCode: String(this.httpStatusCode), code: this.code, error: this.error || this.code, message: this.message };
  }
}

const ERRORS = {
  NoSuchBucket: () => new StorageError({ code: "NoSuchBucket", error: "Bucket not found", httpStatusCode: 404, message: "Bucket not found" }),
  NoSuchKey: () => new StorageError({ code: "NoSuchKey", error: "not_found", httpStatusCode: 404, message: "Object not found" }),
  MissingParameter: (p) => new StorageError({ code: "MissingParameter", httpStatusCode: 400, message: `Missing Required Parameter ${p}` }),
  InvalidParameter: (p, message) => new StorageError({ code: "InvalidParameter", httpStatusCode: 400, message: message || `Invalid Parameter ${p}` }),
  AccessDenied: (action, status) =>
    new StorageError({ code: "AccessDenied", error: "Unauthorized", httpStatusCode: 403, message: action || "Access denied", userStatusCode: status }),
  ResourceAlreadyExists: () => new StorageError({ code: "ResourceAlreadyExists", error: "Duplicate", httpStatusCode: 409, message: "The resource already exists" }),
  InvalidMimeType: (m) => new StorageError({ code: "InvalidMimeType", error: "invalid_mime_type", httpStatusCode: 415, message: `mime type ${m} is not supported` }),
  EntityTooLarge: (entity = "object", limit = "the maximum allowed size") =>
    new StorageError({ code: "EntityTooLarge", error: "Payload too large", httpStatusCode: 413, message: `The ${entity} exceeded ${limit}` }),
  InvalidBucketName: () => new StorageError({ code: "InvalidBucketName", error: "Invalid Input", httpStatusCode: 400, message: "Bucket name invalid" }),
  InvalidKey: (key) => new StorageError({ code: "InvalidKey", httpStatusCode: 400, message: `Invalid key: ${key}` }),
  NoContentProvided: () => new StorageError({ code: "InvalidRequest", httpStatusCode: 400, message: "No content provided" }),
  InvalidJWT: (message) => new StorageError({ code: "InvalidJWT", httpStatusCode: 400, message: message || "Invalid JWT" }),
  InvalidSignature: () => new StorageError({ code: "InvalidSignature", httpStatusCode: 400, message: "Invalid signature" }),
  BucketNotEmpty: () => new StorageError({ code: "ResourceNotEmpty", httpStatusCode: 409, message: "The bucket you tried to delete is not empty" }),
  RouteNotFound: (method, url) => new StorageError({ code: "NotFound", error: "Not Found", httpStatusCode: 404, message: `Route ${method}:${url} not found`, userStatusCode: 404 }),
  InternalError: (message) => new StorageError({ code: "InternalError", httpStatusCode: 500, message: message || "Internal server error" }),
};

// src/storage/database/errors.ts fromDBError: Postgres errors the client can cause.
function fromDbError(e) {
  if (e instanceof StorageError) return e;
  switch (e && e.code) {
    case "42501":
      return ERRORS.AccessDenied(String(e.message).includes("row-level security") ? "new row violates row-level security policy" : e.message);
    case "23505":
      return ERRORS.ResourceAlreadyExists();
    case "22P02":
      return ERRORS.InvalidParameter("input", e.message);
    default:
      return null;
  }
}

module.exports = { StorageError, ERRORS, fromDbError };
