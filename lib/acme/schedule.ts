// When a certificate is due: pure functions of its dates, its failures and the
// clock, so renewal timing and backoff are unit-tested without a CA.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** First retry after a failure; doubles per consecutive failure. */
export const BACKOFF_BASE_MS = MINUTE;
/** Never wait longer than this between attempts (a CA outage ends; a day keeps the admin's view fresh). */
export const BACKOFF_MAX_MS = DAY;
/**
 * After a rateLimited problem without Retry-After: Let's Encrypt's limits are
 * per hour to per week (https://letsencrypt.org/docs/rate-limits/), so
 * retrying sooner only burns more of them.
 */
export const RATE_LIMITED_MIN_MS = HOUR;
/** A CA's Retry-After is believed up to this long (a wrong header must not park a certificate for months). */
export const RETRY_AFTER_MAX_MS = 7 * DAY;
/** The admin console warns this long before a certificate expires. */
export const EXPIRY_WARNING_MS = 14 * DAY;

export interface CertificateState {
  notBefore: Date | null;
  notAfter: Date | null;
  /** consecutive failures since the last issue */
  failures: number;
  /** set after a failure: not before this */
  nextAttemptAt: Date | null;
}

/** Renew once two thirds of the lifetime has passed: day 60 of a 90-day certificate, with a month left for retries. */
export function renewalDue(notBefore: Date, notAfter: Date): Date {
  const life = notAfter.getTime() - notBefore.getTime();
  return new Date(notBefore.getTime() + Math.floor((life * 2) / 3));
}

export interface FailureHint {
  /** the CA's Retry-After, in ms from now */
  retryAfterMs?: number;
  /** the CA answered urn:ietf:params:acme:error:rateLimited */
  rateLimited?: boolean;
}

/** How long to wait after the `failures`-th consecutive failure (1-based). */
export function backoffDelay(failures: number, hint: FailureHint = {}): number {
  const n = Math.max(1, Math.floor(failures));
  let delay = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(n - 1, 30));
  if (hint.rateLimited) delay = Math.max(delay, RATE_LIMITED_MIN_MS);
  if (hint.retryAfterMs !== undefined && Number.isFinite(hint.retryAfterMs) && hint.retryAfterMs > 0) {
    delay = Math.max(delay, Math.min(hint.retryAfterMs, RETRY_AFTER_MAX_MS));
  }
  return delay;
}

/** The next moment anything should be tried for this certificate; `now` when it is due. */
export function nextAttempt(state: CertificateState, now: Date): Date {
  const backoff = state.nextAttemptAt && state.nextAttemptAt > now ? state.nextAttemptAt : null;
  if (!state.notBefore || !state.notAfter) return backoff ?? now;
  const due = renewalDue(state.notBefore, state.notAfter);
  const at = backoff && backoff > due ? backoff : due;
  return at > now ? at : now;
}

export function isDue(state: CertificateState, now: Date): boolean {
  return nextAttempt(state, now).getTime() <= now.getTime();
}

export type ExpiryLevel = "ok" | "warning" | "expired" | "none";

/** For the admin console: expired, within 14 days of expiry, fine, or no certificate yet. */
export function expiryLevel(notAfter: Date | null, now: Date): ExpiryLevel {
  if (!notAfter) return "none";
  const left = notAfter.getTime() - now.getTime();
  if (left <= 0) return "expired";
  return left <= EXPIRY_WARNING_MS ? "warning" : "ok";
}

/** Retry-After (RFC 9110 §10.2.3): seconds, or an HTTP date; ms from now, or undefined. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d{1,10}$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}
