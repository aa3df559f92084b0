// Errors as supabase/auth v2.196.0 (@0204331) renders them:
// internal/api/apierrors/apierrors.go HTTPError {code, error_code, msg}
// (+ x-sb-error-code header), or, when the request's X-Supabase-Api-Version
// is 2024-01-01 or later (internal/api/apiversions.go), {code: error_code,
// message} with that header echoed (internal/api/errors.go
// handleResponseErrorHTTP). OAuthError {error, error_description} is 400.
export class ConfigError extends Error {}

export class HTTPError extends Error {
  constructor(status, errorCode, message) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
  }
}

export class WeakPasswordError extends Error {
  constructor(message, reasons) {
    super(message);
    this.reasons = reasons;
  }
}

export class OAuthError extends Error {
  constructor(error, description) {
    super(description);
    this.error = error;
  }
}

export const badRequest = (code, msg) => new HTTPError(400, code, msg);
export const unprocessable = (code, msg) => new HTTPError(422, code, msg);
export const forbidden = (code, msg) => new HTTPError(403, code, msg);
export const internal = (msg) => new HTTPError(500, "", msg);
