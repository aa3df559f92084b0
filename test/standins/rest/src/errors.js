// PostgREST's error answers, as PostgREST/postgrest src/PostgREST/Error.hs
// (tag v14.17; v14.5 differs only in PGRST000's message and the fuzzy-hint
// threshold): body {code, details, hint, message} (aeson sorts the keys),
// Content-Type application/json; charset=utf-8, Proxy-Status on every error,
// WWW-Authenticate on 401s.
"use strict";

class PgrstError extends Error {
  constructor(status, code, message, details = null, hint = null, headers = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.hint = hint;
    this.headers = headers;
  }
}

const apiError = {
  // QueryParamError: message is Parsec's position line, details its messages.
  queryParam: (message, details) => new PgrstError(400, "PGRST100", message, details),
  invalidBody: (message) => new PgrstError(400, "PGRST102", message),
  invalidRange: (details) => new PgrstError(416, "PGRST103", "Requested range not satisfiable", details),
  unacceptableSchema: (schema, schemas) =>
    new PgrstError(406, "PGRST106", `Invalid schema: ${schema}`, null, `Only the following schemas are exposed: ${schemas.join(", ")}`),
  mediaType: (types) => new PgrstError(406, "PGRST107", `None of these media types are available: ${types.join(", ")}`),
  notEmbedded: (resource) =>
    new PgrstError(400, "PGRST108", `'${resource}' is not an embedded resource in this request`, null, `Verify that '${resource}' is included in the 'select' query parameter.`),
  singularity: (n) => new PgrstError(406, "PGRST116", "Cannot coerce the result to a single JSON object", `The result contains ${n} rows`),
  unsupportedMethod: (method) => new PgrstError(405, "PGRST117", `Unsupported HTTP method: ${method}`),
  invalidPreferences: (prefs) => new PgrstError(400, "PGRST122", "Invalid preferences given with handling=strict", `Invalid preferences: ${prefs.join(", ")}`),
  aggregatesNotAllowed: () => new PgrstError(400, "PGRST123", "Use of aggregate functions is not allowed"),
  invalidResourcePath: () => new PgrstError(404, "PGRST125", "Invalid path specified in request URL"),
  // PGRST127 is upstream's own "Feature not implemented"; the stand-in answers
  // it for what it does not implement, so nothing passes that would not pass upstream.
  notImplemented: (what) => new PgrstError(400, "PGRST127", "Feature not implemented", `${what} (not implemented by the Supafleet stand-in)`),
  columnNotFound: (rel, col) => new PgrstError(400, "PGRST204", `Could not find the '${col}' column of '${rel}' in the schema cache`),
  tableNotFound: (schema, rel, hint) =>
    new PgrstError(404, "PGRST205", `Could not find the table '${schema}.${rel}' in the schema cache`, null, hint),
  noSchemaCache: () => new PgrstError(503, "PGRST002", "Could not query the database for the schema cache. Retrying."),
};

// JwtError: 401 with an invalid_token challenge (Error.hs invalidTokenHeader; Haskell's `show` of the message).
function jwtError(code, message, details = null) {
  const header = code === "PGRST302" ? "Bearer" : `Bearer error="invalid_token", error_description=${JSON.stringify(message)}`;
  return new PgrstError(401, code, message, details, null, { "WWW-Authenticate": header });
}

// Error.hs pgErrorStatus: the HTTP status of a PostgreSQL error by SQLSTATE.
function pgErrorStatus(authed, code, message) {
  const c = code || "";
  const is = (p) => c.startsWith(p);
  if (is("08")) return 503;
  if (is("09")) return 500;
  if (is("0L") || is("0P")) return 403;
  if (c === "23503" || c === "23505") return 409;
  if (c === "25006") return 405;
  if (c === "21000") return message.endsWith("requires a WHERE clause") ? 400 : 500;
  if (c === "22023") return message.startsWith("role") && message.endsWith("does not exist") ? 401 : 400;
  if (is("25")) return 500;
  if (is("28")) return 403;
  if (is("2D") || is("38") || is("39") || is("3B") || is("40")) return 500;
  if (c === "53400") return 500;
  if (is("53")) return 503;
  if (is("54") || is("55")) return 500;
  if (c === "57P01") return 503;
  if (is("57") || is("58") || is("F0") || is("HV")) return 500;
  if (c === "P0001") return 400;
  if (is("P0") || is("XX")) return 500;
  if (c === "42883") return message.startsWith("function xmlagg(") ? 406 : 404;
  if (c === "42P01") return 404;
  if (c === "42P17") return 500;
  if (c === "42501") return authed ? 403 : 401;
  if (is("PT")) {
    const n = Number(c.slice(2));
    return Number.isInteger(n) && n >= 100 && n <= 599 ? n : 500;
  }
  return 400;
}

/** A node-postgres error as PostgREST answers it (PgError). Connection failures are PGRST000/001 (503). */
function fromPgError(err, authed) {
  if (err instanceof PgrstError) return err;
  if (typeof err.code !== "string" || !/^[0-9A-Z]{5}$/.test(err.code)) {
    return new PgrstError(503, "PGRST001", "Database client error. Retrying the connection.", err.message || null);
  }
  const status = pgErrorStatus(authed, err.code, err.message);
  return new PgrstError(status, err.code, err.message, err.detail ?? null, err.hint ?? null, status === 401 ? { "WWW-Authenticate": "Bearer" } : {});
}

function errorBody(e) {
  return JSON.stringify({ code: e.code, details: e.details, hint: e.hint, message: e.message });
}

module.exports = { PgrstError, apiError, jwtError, fromPgError, errorBody };
