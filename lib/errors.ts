// Typed errors. Services throw these; app/ maps them to HTTP status and user
// messages with toHttpError() — the only place that knows about HTTP. The base
// class is lib/app-error.ts; the runtime adapters' errors are in
// lib/runtime-errors.ts, re-exported here.
import { randomUUID } from "node:crypto";
import { AppError, appError, describeError, isAppError } from "@/lib/app-error";

export { AppError, describeError, isAppError };
export * from "@/lib/runtime-errors";

// ---- input, auth, ownership -------------------------------------------------

export class ValidationError extends AppError {
  readonly fieldErrors: Record<string, string[]>;
  constructor(message: string, fieldErrors: Record<string, string[]> = {}) {
    super("validation_failed", 400, message);
    this.fieldErrors = fieldErrors;
  }
}

export class UnauthenticatedError extends appError("unauthenticated", 401, (message: string = "You must be signed in.") => message) {}

export class ForbiddenError extends appError("forbidden", 403, (message: string = "You are not allowed to do that.") => message) {}

/** An upstream Management API operation Supafleet does not offer: named, so a client is never left with a bare 404. */
export class FeatureUnavailableError extends appError("feature_unavailable", 403, (message: string) => message) {}

/** Also used for "exists but not yours": never reveal other users' projects. */
export class NotFoundError extends appError("not_found", 404, (message: string = "Not found.") => message) {}

export class ConflictError extends appError("conflict", 409, (message: string) => message) {}

// ---- accounts ---------------------------------------------------------------

export class EmailTakenError extends appError("email_taken", 409, () => "An account with this email already exists.") {}

export class SignupDisabledError extends appError("signup_disabled", 403, () => "Sign-up is switched off on this server.") {}

export class InvalidCredentialsError extends appError("invalid_credentials", 401, () => "Wrong email or password.") {}

export class AccountDisabledError extends appError("account_disabled", 403, () => "This account is disabled. Contact an administrator.") {}

export class AccountPendingError extends appError(
  "account_pending",
  403,
  () => "Your account is waiting for an administrator's approval. You can log in once it is approved.",
) {}

/** SMTP is configured and the owner has not confirmed the address yet: no projects. */
export class EmailUnverifiedError extends appError(
  "email_unverified",
  403,
  () => "Confirm your email address before creating projects: open the link we mailed you, or send a new one from your account page.",
) {}

/** A mailed link (confirm, reset) or re-login ticket that is unknown, used or expired. */
export class InvalidAccountTokenError extends appError(
  "invalid_token",
  400,
  (what: string = "link") => `This ${what} is invalid, already used or expired. Ask for a new one.`,
) {}

/** The password was right and the account has two-factor authentication: the code is next. */
export class TotpRequiredError extends appError("totp_required", 401, () => "Enter the 6-digit code from your authenticator app.") {}

export class InvalidTotpError extends appError(
  "invalid_totp",
  401,
  () => "That code is not right (or was already used). Enter the current code from your authenticator app.",
) {}

/** Administrators must have two-factor authentication before any admin power works. */
export class TotpSetupRequiredError extends appError(
  "totp_setup_required",
  403,
  () => "Administrators must set up two-factor authentication first (Account → Security).",
) {}

/** The installation has no SMTP settings, so there is nothing to mail with. */
export class MailNotConfiguredError extends appError(
  "mail_not_configured",
  409,
  () => "This installation sends no mail (no SMTP settings). Ask an administrator.",
) {}

// ---- throttling -----------------------------------------------------------------

/** Too many attempts: the caller may retry after retryAfterSeconds (HTTP 429 + Retry-After). */
export class RateLimitedError extends AppError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, what = "attempts") {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super("rate_limited", 429, `Too many ${what}. Try again in ${seconds} s.`);
    this.retryAfterSeconds = seconds;
  }
}

// ---- projects and capacity ----------------------------------------------------

export class QuotaExceededError extends appError(
  "quota_exceeded",
  403,
  (limit: number) => `Project limit reached (${limit}). Delete a project or ask an administrator for a higher quota.`,
) {}

/** A backup that would pass its owner's backup space, or leave the backup disk too full: refused before it starts. */
export class BackupSpaceError extends appError("backup_space", 409, (message: string) => message) {}

export class NoFreePortError extends appError("no_free_port", 503, (range: string) => `No free port left in ${range}; the host is full.`, { exposed: true }) {}

/** The host cannot fit another running project (memory, disk): refused before anything is made. */
export class CapacityExceededError extends appError("capacity_exceeded", 503, (message: string) => message, { exposed: true }) {}

export class NoFreeSubnetError extends appError("no_free_subnet", 503, (pool: string) => `No free network subnet left in ${pool}; the host is full.`, {
  exposed: true,
}) {}

export class OrganizationLimitError extends appError(
  "organization_limit",
  403,
  (limit: number) => `You own ${limit} organizations besides your personal one, the most one account may. Delete or hand one over first.`,
) {}

/** An organization must keep at least one Owner (Supabase's rule, lib/orgs/service.ts). */
export class LastOwnerError extends appError("last_owner", 409, () => "An organization must keep at least one Owner: make someone else Owner first.") {}

export class InvalidStateError extends appError("invalid_state", 409, (message: string) => message) {}

// ---- Management API (/v1) -------------------------------------------------------

export class PayloadTooLargeError extends appError("payload_too_large", 413, (limitBytes: number) => `The request body is larger than ${limitBytes} bytes.`) {}

/** SQL sent to a project's database failed there; the message is Postgres's own. */
export class QueryFailedError extends appError("query_failed", 400, (message: string) => message) {}

/** A query's rows passed what one request may carry (bytes or rows): refused, and the query stopped on the server. */
export class ResultTooLargeError extends appError("result_too_large", 413, (message: string) => message) {}

/**
 * A query ran past its time limit although the server's statement_timeout
 * should have ended it (the query's own SQL lifted it): stopped on the server.
 * 408 as postgres-meta answers its query read timeout (supabase/postgres-meta
 * src/server/utils.ts translateErrorToResponseCode, v0.98.0).
 */
export class QueryTimeoutError extends appError(
  "query_timeout",
  408,
  (seconds: number) => `Failed to run sql query: Query read timeout: the query ran longer than ${seconds} s and was stopped on the server.`,
) {}

export class DatabaseUnreachableError extends appError("database_unreachable", 502, (detail: string) => `The project's database did not answer: ${detail}`) {}

// ---- configuration ------------------------------------------------------------

export class ConfigError extends appError("config_error", 500, (message: string) => message) {}

// ---- secrets ------------------------------------------------------------------

export class SecretDecryptError extends appError(
  "secret_decrypt_failed",
  500,
  (message: string = "Secrets could not be decrypted (wrong master key or tampered data).") => message,
) {}

// ---- mapping ------------------------------------------------------------------

export interface HttpError {
  status: number;
  code: string;
  message: string;
  fieldErrors?: Record<string, string[]>;
  /** Seconds until a retry may succeed (429): the Retry-After header. */
  retryAfter?: number;
}

/**
 * The one mapper from any thrown value to an HTTP answer. 4xx errors are the
 * user's to fix and say what is wrong. Every 5xx (and every unknown error)
 * gets a generic sentence with an error id: the details (nginx -t output,
 * Docker and Prisma messages, log tails, paths) go to the server log under
 * that id, never to the browser.
 */
export function toHttpError(err: unknown): HttpError {
  if (isAppError(err) && (err.status < 500 || err.exposed)) return clientError(err);
  const id = randomUUID().slice(0, 8);
  const code = isAppError(err) ? err.code : "internal_error";
  const status = isAppError(err) ? err.status : 500;
  console.error(`[supafleet] error ${id} (${code}):`, describeForLog(err));
  return { status, code, message: `Something went wrong on our side. Please try again; if it keeps happening, tell an administrator error id ${id}.` };
}

function describeForLog(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `\n  caused by: ${err.cause.stack ?? err.cause.message}` : "";
  return `${err.stack ?? err.message}${cause}`;
}

function clientError(err: AppError): HttpError {
  if (err.code === "validation_failed") {
    return { status: err.status, code: err.code, message: err.publicMessage, fieldErrors: (err as ValidationError).fieldErrors };
  }
  if (err.code === "rate_limited") {
    return { status: err.status, code: err.code, message: err.publicMessage, retryAfter: (err as RateLimitedError).retryAfterSeconds };
  }
  return { status: err.status, code: err.code, message: err.publicMessage };
}
