import { describe, expect, it } from "vitest";
import { safeRedirectPath, sameOriginRedirect } from "@/lib/validations/redirect";

describe("safeRedirectPath", () => {
  it.each([
    "/\\evil.com",
    "/\\/evil.com",
    "\\\\evil.com",
    "//evil.com",
    "/\t/evil.com",
    "/\n/evil.com",
    " /evil",
    "/.//evil.com",
    "https://evil.com",
    "javascript:alert(1)",
    "evil.com",
    "",
  ])("refuses %j", (v) => {
    expect(safeRedirectPath(v)).toBe("/dashboard");
  });

  it("keeps same-site paths, with query and fragment", () => {
    expect(safeRedirectPath("/project/abcdefghijabcdefghij")).toBe("/project/abcdefghijabcdefghij");
    expect(safeRedirectPath("/admin?q=a%20b#users")).toBe("/admin?q=a%20b#users");
    expect(safeRedirectPath(["/admin", "//evil.com"])).toBe("/admin");
    expect(safeRedirectPath(undefined, "/")).toBe("/");
  });
});

describe("sameOriginRedirect (next-auth)", () => {
  const base = "https://fleet.example.com";
  it("keeps this origin and refuses others", () => {
    expect(sameOriginRedirect("/dashboard", base)).toBe(`${base}/dashboard`);
    expect(sameOriginRedirect(`${base}/admin`, base)).toBe(`${base}/admin`);
    expect(sameOriginRedirect("/\\evil.com", base)).toBe(`${base}/`);
    expect(sameOriginRedirect("https://evil.com/x", base)).toBe(base);
    expect(sameOriginRedirect("https://fleet.example.com.evil.com/", base)).toBe(base);
  });
});
