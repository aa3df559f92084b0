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

  it("name the session cookie __Host- under TLS: Secure, Path=/ and no Domain, so a sibling subdomain cannot set it", async () => {
    const cookies = (await optionsWith("https")).cookies;
    for (const c of [cookies?.sessionToken, cookies?.callbackUrl]) {
      expect(c?.name).toMatch(/^__Host-next-auth\./);
      expect(c?.options).toMatchObject({ secure: true, path: "/", httpOnly: true, sameSite: "lax" });
      expect(c?.options).not.toHaveProperty("domain");
    }
    // over http next-auth keeps its own names (a __Host- cookie would be refused without Secure)
    expect((await optionsWith("http")).cookies).toBeUndefined();
  });
});
