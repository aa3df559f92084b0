// TOTP against RFC 6238's own test vectors (Appendix B: SHA-1 key
// "12345678901234567890"; at T=59 s the 8-digit code is 94287082, so the
// 6-digit code is its last six digits, 287082; at T=1111111109 it is 07081804).
import { describe, expect, it } from "vitest";
import { matchTotp, newTotpKey, totpCode, totpKeyFromText, totpKeyText, totpStep, totpUri } from "@/lib/auth/totp";

const rfcKey = new TextEncoder().encode("12345678901234567890");

describe("TOTP", () => {
  it("computes RFC 6238's codes", () => {
    expect(totpCode(rfcKey, totpStep(59_000))).toBe("287082");
    expect(totpCode(rfcKey, totpStep(1_111_111_109_000))).toBe("081804");
  });

  it("matches a code within one step either side, and names the step", () => {
    const now = 1_111_111_109_000;
    const step = totpStep(now);
    expect(matchTotp(rfcKey, "081804", now)).toBe(step);
    expect(matchTotp(rfcKey, totpCode(rfcKey, step - 1), now)).toBe(step - 1);
    expect(matchTotp(rfcKey, totpCode(rfcKey, step + 1), now)).toBe(step + 1);
    expect(matchTotp(rfcKey, totpCode(rfcKey, step - 2), now)).toBeNull();
    expect(matchTotp(rfcKey, totpCode(rfcKey, step + 2), now)).toBeNull();
  });

  it("refuses what is not six digits", () => {
    expect(matchTotp(rfcKey, "", 59_000)).toBeNull();
    expect(matchTotp(rfcKey, "28708", 59_000)).toBeNull();
    expect(matchTotp(rfcKey, "94287082", 59_000)).toBeNull();
    expect(matchTotp(rfcKey, "28708a", 59_000)).toBeNull();
    expect(matchTotp(rfcKey, "287 082", 59_000)).toBe(totpStep(59_000));
  });

  it("makes 160-bit keys that survive their base32 text, and an otpauth URI apps read", () => {
    const a = newTotpKey();
    const b = newTotpKey();
    expect(a.length).toBe(20);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    const text = totpKeyText(a);
    expect(text).toMatch(/^[A-Z2-7]{32}$/);
    expect(Buffer.from(totpKeyFromText(text.toLowerCase())).equals(Buffer.from(a))).toBe(true);
    const uri = new URL(totpUri("Supafleet", "ada@example.com", a));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.searchParams.get("secret")).toBe(text);
    expect(uri.searchParams.get("digits")).toBe("6");
    expect(uri.searchParams.get("period")).toBe("30");
  });
});
