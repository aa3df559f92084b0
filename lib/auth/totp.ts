// TOTP (RFC 6238) as authenticator apps expect it: HMAC-SHA1, 6 digits, 30 s
// steps, a 20-byte key shown as base32. Built on @oslojs/otp's HOTP
// (node_modules/@oslojs/otp/dist/totp.js computes TOTP the same way: counter =
// floor(unix seconds / period)); the step is kept so a code is never
// accepted twice (lib/users/two-factor.ts).
import { randomBytes } from "node:crypto";
import { encodeBase32NoPadding, decodeBase32IgnorePadding } from "@oslojs/encoding";
import { createTOTPKeyURI, generateHOTP, verifyHOTP } from "@oslojs/otp";

export const TOTP_PERIOD_SEC = 30;
export const TOTP_DIGITS = 6;
/** Steps either side of now a code may come from: clocks drift, people type slowly. */
export const TOTP_WINDOW = 1;

export function newTotpKey(): Uint8Array {
  return new Uint8Array(randomBytes(20));
}

export function totpKeyText(key: Uint8Array): string {
  return encodeBase32NoPadding(key);
}

export function totpKeyFromText(text: string): Uint8Array {
  return decodeBase32IgnorePadding(text.replace(/\s+/g, "").toUpperCase());
}

export function totpUri(issuer: string, account: string, key: Uint8Array): string {
  return createTOTPKeyURI(issuer, account, key, TOTP_PERIOD_SEC, TOTP_DIGITS);
}

export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SEC);
}

/** The code for a step (tests and the recovery check). */
export function totpCode(key: Uint8Array, step: number): string {
  return generateHOTP(key, BigInt(step), TOTP_DIGITS);
}

/** The step a code belongs to, within the window around now; null if it matches none. */
export function matchTotp(key: Uint8Array, code: string, nowMs = Date.now()): number | null {
  const clean = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(clean)) return null;
  const now = totpStep(nowMs);
  for (let step = now - TOTP_WINDOW; step <= now + TOTP_WINDOW; step++) {
    if (verifyHOTP(key, BigInt(step), TOTP_DIGITS, clean)) return step;
  }
  return null;
}
