// Typed errors. Services throw these; app/ maps them to HTTP status and user
// messages with toHttpError() — the only place that knows about HTTP.

// Next.js can load this module more than once (instrumentation, pages and
// actions are separate bundles) while sharing the services on globalThis, so
// `instanceof` across bundles is unreliable. A registered symbol is not.
const BRAND = Symbol.for("supafleet.app-error");

/** True for any AppError, from whichever copy of this module it came. */
export function isAppError(err: unknown, code?: string): err is AppError {
  if (typeof err !== "object" || err === null || (err as Record<symbol, unknown>)[BRAND] !== true) return false;
  return code === undefined || (err as AppError).code === code;
}

export class AppError extends Error {
  readonly [BRAND] = true;
  readonly code: string;
  readonly status: number;
  /** Safe to show to the user (never contains secrets). */
  readonly publicMessage: string;

  constructor(code: string, status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.publicMessage = message;
  }
}

// ---- input, auth, ownership -------------------------------------------------

export class ValidationError extends AppError {
  readonly fieldErrors: Record<string, string[]>;
  constructor(message: string, fieldErrors: Record<string, string[]> = {}) {
    super("validation_failed", 400, message);
    this.fieldErrors = fieldErrors;
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = "You must be signed in.") {
    super("unauthenticated", 401, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = "You are not allowed to do that.") {
    super("forbidden", 403, message);
  }
}

/** Also used for "exists but not yours": never reveal other users' projects. */
export class NotFoundError extends AppError {
  constructor(message = "Not found.") {
    super("not_found", 404, message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super("conflict", 409, message);
  }
}

// ---- accounts ---------------------------------------------------------------

export class EmailTakenError extends AppError {
  constructor() {
    super("email_taken", 409, "An account with this email already exists.");
  }
}

export class SignupDisabledError extends AppError {
  constructor() {
    super("signup_disabled", 403, "Sign-up is switched off on this server.");
  }
}

export class InvalidCredentialsError extends AppError {
  constructor() {
    super("invalid_credentials", 401, "Wrong email or password.");
  }
}

export class AccountDisabledError extends AppError {
  constructor() {
    super("account_disabled", 403, "This account is disabled. Contact an administrator.");
  }
}

// ---- projects and capacity ----------------------------------------------------

export class QuotaExceededError extends AppError {
  constructor(limit: number) {
    super("quota_exceeded", 403, `Project limit reached (${limit}). Delete a project or ask an administrator for a higher quota.`);
  }
}

export class NoFreePortError extends AppError {
  constructor(range: string) {
    super("no_free_port", 503, `No free port left in ${range}; the host is full.`);
  }
}

export class InvalidStateError extends AppError {
  constructor(message: string) {
    super("invalid_state", 409, message);
  }
}

// ---- Management API (/v1) -------------------------------------------------------

export class TooManyRequestsError extends AppError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, message = "Too many requests. Try again later.") {
    super("rate_limited", 429, message);
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super("payload_too_large", 413, `The request body is larger than ${limitBytes} bytes.`);
  }
}

/** SQL sent to a project's database failed there; the message is Postgres's own. */
export class QueryFailedError extends AppError {
  constructor(message: string) {
    super("query_failed", 400, message);
  }
}

export class DatabaseUnreachableError extends AppError {
  constructor(detail: string) {
    super("database_unreachable", 502, `The project's database did not answer: ${detail}`);
  }
}

// ---- configuration ------------------------------------------------------------

export class ConfigError extends AppError {
  constructor(message: string) {
    super("config_error", 500, message);
  }
}

// ---- secrets ------------------------------------------------------------------

export class SecretDecryptError extends AppError {
  constructor(message = "Secrets could not be decrypted (wrong master key or tampered data).") {
    super("secret_decrypt_failed", 500, message);
  }
}

// ---- mapping ------------------------------------------------------------------

export interface HttpError {
  status: number;
  code: string;
  message: string;
  fieldErrors?: Record<string, string[]>;
  /** For 429: when to try again (the Retry-After header). */
  retryAfterSeconds?: number;
}

/** The one mapper from any thrown value to an HTTP answer. Unknown errors
 * become a generic 500 so internals (paths, SQL, secrets) never leak. */
export function toHttpError(err: unknown): HttpError {
  if (isAppError(err, "validation_failed")) {
    return { status: err.status, code: err.code, message: err.publicMessage, fieldErrors: (err as ValidationError).fieldErrors };
  }
  if (isAppError(err, "rate_limited")) {
    return { status: err.status, code: err.code, message: err.publicMessage, retryAfterSeconds: (err as TooManyRequestsError).retryAfterSeconds };
  }
  if (isAppError(err)) {
    return { status: err.status, code: err.code, message: err.publicMessage };
  }
  return { status: 500, code: "internal_error", message: "Something went wrong. Please try again." };
}

// ---- Docker runtime -------------------------------------------------------------

export class DockerUnavailableError extends AppError {
  constructor(detail: string) {
    super("docker_unavailable", 503, `The Docker engine is not reachable: ${detail}`);
  }
}

export class ImagePullError extends AppError {
  readonly image: string;
  constructor(image: string, reason: string) {
    super("image_pull_failed", 502, `Image ${image} could not be pulled: ${reason}`);
    this.image = image;
  }
}

export class ServiceUnhealthyError extends AppError {
  constructor(service: string, output: string) {
    super("service_unhealthy", 502, `Service ${service} failed its health check${output ? `: ${output}` : "."}`);
  }
}

export class ServiceExitedError extends AppError {
  constructor(service: string, exitCode: number, logTail: string) {
    super("service_exited", 502, `Service ${service} exited with code ${exitCode}${logTail ? `. Last log lines:\n${logTail}` : "."}`);
  }
}

export class StackTimeoutError extends AppError {
  constructor(waitingFor: string[], seconds: number) {
    super("stack_timeout", 504, `The stack was not healthy after ${seconds} s; still waiting for: ${waitingFor.join(", ")}.`);
  }
}

export class ResourceConflictError extends AppError {
  constructor(message: string) {
    super("resource_conflict", 409, message);
  }
}

// ---- proxy (nginx) ------------------------------------------------------------------

export class InvalidProxyInputError extends AppError {
  constructor(message: string) {
    super("invalid_proxy_input", 500, `Refusing to render nginx config: ${message}`);
  }
}

export class NginxConfigInvalidError extends AppError {
  readonly nginxOutput: string;
  constructor(output: string) {
    super("nginx_config_invalid", 500, `nginx rejected the generated config; the previous one stays live. ${output.slice(0, 1000)}`);
    this.nginxOutput = output;
  }
}

export class NginxReloadError extends AppError {
  constructor(output: string) {
    super("nginx_reload_failed", 500, `nginx reload failed; the previous config was restored. ${output.slice(0, 1000)}`);
  }
}
