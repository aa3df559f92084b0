import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { displayPrefix, generateToken, hashToken, TOKEN_PATTERN } from "@/lib/tokens/format";
import { bearerToken } from "@/lib/tokens/service";

// The Supabase CLI's own check (supabase/cli internal/utils/access_token.go).
const SUPABASE_CLI_PATTERN = /^sbp_(oauth_)?[a-f0-9]{40}$/;

describe("personal access token format", () => {
  it("issues tokens the Supabase CLI accepts, each one different", () => {
    const tokens = new Set(Array.from({ length: 200 }, generateToken));
    expect(tokens.size).toBe(200);
    for (const t of tokens) {
      expect(t).toMatch(SUPABASE_CLI_PATTERN);
      expect(t).toMatch(TOKEN_PATTERN);
      expect(t).toHaveLength(44);
    }
  });

  it("stores the SHA-256 of the token, and shows only a short prefix", () => {
    const t = generateToken();
    expect(hashToken(t)).toBe(createHash("sha256").update(t).digest("hex"));
    expect(hashToken(t)).not.toContain(t.slice(4));
    expect(displayPrefix(t)).toBe(t.slice(0, 8));
    expect(displayPrefix(t)).toMatch(/^sbp_[a-f0-9]{4}$/);
  });

  it("reads a Bearer header and nothing else", () => {
    expect(bearerToken("Bearer sbp_abc")).toBe("sbp_abc");
    expect(bearerToken("bearer   sbp_abc ")).toBe("sbp_abc");
    expect(bearerToken("Basic dXNlcjpwYXNz")).toBeNull();
    expect(bearerToken("Bearer a b")).toBeNull();
    expect(bearerToken("Bearer")).toBeNull();
    expect(bearerToken(null)).toBeNull();
  });
});
