// The mail links each template's Auth would send, computed by the rule its
// pinned GoTrue uses (the image contract's mailLinks) from the env the stack
// spec renders. Fails when a template's URL paths do not fit its GoTrue.
import { describe, expect, it } from "vitest";
import { mailLink } from "@/lib/stack/auth-mail-link";
import { TEMPLATE_CONTRACTS, TEMPLATE_VERSIONS } from "@/templates/supabase";
import { sampleSpec } from "@/test/support/sample-spec";

const PARAMS = { token: "pkce_abc123", type: "signup", redirectTo: "https://app.example.com/welcome" };

describe("the mail link rule", () => {
  // supabase/auth v2.196.0 internal/mailer/templatemailer/templatemailer_url_test.go TestGetPath, case by case.
  it.each([
    ["https://test.example.com", "/templates/confirm.html", "https://test.example.com/templates/confirm.html"],
    ["https://test.example.com/removedpath", "/templates/confirm.html", "https://test.example.com/templates/confirm.html"],
    ["https://test.example.com/", "/trailingslash/", "https://test.example.com/trailingslash/"],
    ["https://test.example.com", "f", "https://test.example.com/f"],
    ["https://test.example.com", "", "https://test.example.com"],
  ])("resolve-reference: %s + %s gives %s (as GoTrue's own test)", (base, path, expected) => {
    const link = mailLink("resolve-reference", base, path, { token: "token", type: "signup", redirectTo: "https://example.com" });
    expect(link).toBe(`${expected}?token=token&type=signup&redirect_to=https://example.com`);
  });

  it("escapes a redirect that carries &, = or # (encodeRedirectURL) and keeps any other as is", () => {
    const link = mailLink("resolve-reference", "https://x.test", "/v", { token: "t", type: "signup", redirectTo: "https://a.test/?x=1&y=2" });
    expect(link).toBe("https://x.test/v?token=t&type=signup&redirect_to=https%3A%2F%2Fa.test%2F%3Fx%3D1%26y%3D2");
  });
});

describe.each(TEMPLATE_VERSIONS)("%s: Auth's mail links", (version) => {
  const contract = TEMPLATE_CONTRACTS[version].auth!;

  it("the pinned GoTrue's join rule is read at its own tag", () => {
    expect(contract.mailLinks, "images.ts auth.mailLinks").toBeDefined();
    expect(contract.mailLinks!.source).toContain(contract.upstream.commit.slice(0, 7));
  });

  it.each(["INVITE", "CONFIRMATION", "RECOVERY", "EMAIL_CHANGE"])("%s points at the project's /auth/v1/verify", async (kind) => {
    const publicUrl = "https://abcdefghijklmnopqrst.cloud.test";
    const spec = await sampleSpec("abcdefghijklmnopqrst", version, { publicUrl });
    const env = spec.services.find((s) => s.service === "auth")!.env;
    const path = env[`GOTRUE_MAILER_URLPATHS_${kind}`];
    expect(path, `GOTRUE_MAILER_URLPATHS_${kind}`).toBeDefined();
    expect(mailLink(contract.mailLinks!.value, env.API_EXTERNAL_URL!, path!, PARAMS)).toBe(
      `${publicUrl}/auth/v1/verify?token=pkce_abc123&type=signup&redirect_to=https://app.example.com/welcome`,
    );
  });
});
