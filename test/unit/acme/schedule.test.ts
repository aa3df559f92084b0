import { describe, expect, it } from "vitest";
import {
  BACKOFF_BASE_MS,
  BACKOFF_MAX_MS,
  RATE_LIMITED_MIN_MS,
  RETRY_AFTER_MAX_MS,
  backoffDelay,
  expiryLevel,
  isDue,
  nextAttempt,
  parseRetryAfter,
  renewalDue,
} from "@/lib/acme/schedule";

const DAY = 86_400_000;
const t0 = new Date("2026-12-01T00:00:00Z");
const at = (days: number) => new Date(t0.getTime() + days * DAY);

describe("renewal timing", () => {
  it("is due once two thirds of the lifetime has passed (day 60 of 90)", () => {
    expect(renewalDue(t0, at(90)).toISOString()).toBe(at(60).toISOString());
    expect(renewalDue(t0, at(6)).toISOString()).toBe(at(4).toISOString());
  });

  it("a host without a certificate is due at once; one with a fresh certificate is not", () => {
    const none = { notBefore: null, notAfter: null, failures: 0, nextAttemptAt: null };
    expect(isDue(none, t0)).toBe(true);
    const fresh = { notBefore: t0, notAfter: at(90), failures: 0, nextAttemptAt: null };
    expect(isDue(fresh, at(59))).toBe(false);
    expect(nextAttempt(fresh, at(1)).toISOString()).toBe(at(60).toISOString());
    expect(isDue(fresh, at(60))).toBe(true);
  });

  it("a failure's backoff holds back both a first issue and a renewal", () => {
    const failed = { notBefore: null, notAfter: null, failures: 2, nextAttemptAt: at(1) };
    expect(isDue(failed, at(0.5))).toBe(false);
    expect(isDue(failed, at(1))).toBe(true);
    const renewing = { notBefore: t0, notAfter: at(90), failures: 1, nextAttemptAt: at(61) };
    expect(isDue(renewing, at(60.5))).toBe(false);
    expect(nextAttempt(renewing, at(60.5)).toISOString()).toBe(at(61).toISOString());
    // a backoff that ended before the renewal is due changes nothing
    expect(nextAttempt({ ...renewing, nextAttemptAt: at(10) }, at(11)).toISOString()).toBe(at(60).toISOString());
  });
});

describe("backoff", () => {
  it("doubles per consecutive failure from one minute, up to a day", () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n))).toEqual([1, 2, 4, 8].map((m) => m * BACKOFF_BASE_MS));
    expect(backoffDelay(30)).toBe(BACKOFF_MAX_MS);
    expect(backoffDelay(1_000_000)).toBe(BACKOFF_MAX_MS);
  });

  it("waits at least the CA's Retry-After, believed up to a week", () => {
    expect(backoffDelay(1, { retryAfterMs: 3_600_000 })).toBe(3_600_000);
    expect(backoffDelay(5, { retryAfterMs: 1000 })).toBe(16 * BACKOFF_BASE_MS);
    expect(backoffDelay(1, { retryAfterMs: 365 * DAY })).toBe(RETRY_AFTER_MAX_MS);
    expect(backoffDelay(1, { retryAfterMs: Number.NaN })).toBe(BACKOFF_BASE_MS);
  });

  it("after a rateLimited problem waits at least an hour", () => {
    expect(backoffDelay(1, { rateLimited: true })).toBe(RATE_LIMITED_MIN_MS);
    expect(backoffDelay(20, { rateLimited: true })).toBe(BACKOFF_MAX_MS);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = new Date("2026-12-07T12:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Mon, 07 Dec 2026 13:00:00 GMT", now)).toBe(3_600_000);
    expect(parseRetryAfter("Mon, 07 Dec 2026 11:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe("the console's expiry warning", () => {
  it("warns within 14 days of expiry and flags expired certificates", () => {
    expect(expiryLevel(null, t0)).toBe("none");
    expect(expiryLevel(at(15), t0)).toBe("ok");
    expect(expiryLevel(at(14), t0)).toBe("warning");
    expect(expiryLevel(at(0.1), t0)).toBe("warning");
    expect(expiryLevel(t0, t0)).toBe("expired");
  });
});
