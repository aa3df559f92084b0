// The custom hostname rule (lib/validations/custom-domain.ts): what an owner may name.
import { describe, expect, it } from "vitest";
import { customHostnameProblem, customHostnameSchema } from "@/lib/validations/custom-domain";

const ROOT = "cloud.example.com";

describe("custom hostname validation", () => {
  it.each(["api.example.org", "a.b.c.example.co.uk", "x1.example.io", "my-app.example.net", "api.shop.test"])("accepts %s", (name) => {
    expect(customHostnameProblem(name, ROOT)).toBeNull();
  });

  it.each([
    ["*.example.org", /Wildcard/],
    ["api.*.example.org", /Wildcard/],
    ["192.0.2.10", /IP address/],
    ["2001:db8::1", /IP address/],
    ["[2001:db8::1]", /IP address/],
    ["API.Example.org", /lowercase/],
    ["localhost", /full hostname/],
    ["com", /4 to 253/],
    ["api.example.org.", /trailing dot/],
    ["-api.example.org", /hyphens/],
    ["api-.example.org", /hyphens/],
    ["api_x.example.org", /hyphens/],
    ["api..example.org", /hyphens/],
    ["api.example.123", /top-level/],
    [`${"a".repeat(64)}.example.org`, /hyphens/],
    [`${"abcdefghi.".repeat(26)}org`, /4 to 253/],
    [ROOT, /this server's own/],
    [`abcdefghijklmnopqrst.${ROOT}`, /this server's own/],
    [`deep.name.${ROOT}`, /this server's own/],
    ["app.localhost", /cannot be verified/],
    ["api.example.invalid", /cannot be verified/],
    ["api.example.org\nserver_name evil", /hyphens/],
    ["api.example.org;", /hyphens/],
  ])("refuses %j", (name, why) => {
    expect(customHostnameProblem(name, ROOT)).toMatch(why);
  });

  it("a name that merely ends like the root domain is not under it", () => {
    expect(customHostnameProblem("notcloud.example.com", ROOT)).toBeNull();
  });

  it("the schema trims, and reports the problem on custom_hostname", () => {
    const schema = customHostnameSchema(ROOT);
    expect(schema.parse({ custom_hostname: "  api.example.org " })).toEqual({ custom_hostname: "api.example.org" });
    const bad = schema.safeParse({ custom_hostname: `x.${ROOT}` });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ["custom_hostname"], message: expect.stringMatching(/this server's own/) });
    expect(schema.safeParse({}).success).toBe(false);
    expect(schema.safeParse({ custom_hostname: "a".repeat(254) }).success).toBe(false);
  });
});
