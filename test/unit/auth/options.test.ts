import { afterEach, describe, expect, it, vi } from "vitest";
import { resetEnvForTests } from "@/lib/env";

afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvForTests();
  vi.resetModules();
});

async function optionsWith(scheme: string) {
  vi.stubEnv("SUPAFLEET_PUBLIC_SCHEME", scheme);
  vi.stubEnv("NEXTAUTH_SECRET", "x".repeat(40));
  resetEnvForTests();
  vi.resetModules();
  const { getAuthOptions } = await import("@/lib/auth/options");
  return getAuthOptions();
}

describe("session cookies", () => {
  it("use __Secure-/__Host- names and the Secure flag when the public scheme is https", async () => {
    expect((await optionsWith("https")).useSecureCookies).toBe(true);
    expect((await optionsWith("http")).useSecureCookies).toBe(false);
  });
});
