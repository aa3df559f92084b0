// What an active custom hostname changes in a stack (lib/stack/custom-host.ts)
// and its upstream-shaped API answer (lib/api/custom-hostname.ts).
import { describe, expect, it } from "vitest";
import { v1CustomHostname } from "@/lib/api/custom-hostname";
import { updateCustomHostnameResponseSchema } from "@/lib/api/custom-hostname-operations";
import { recordsFor } from "@/lib/domains/records";
import { HOSTNAME_STATUS } from "@/lib/domains/status";
import { DEFAULT_AUTH_SETTINGS } from "@/lib/stack/auth-config";
import { siteUrlFollowing, withExternalHosts } from "@/lib/stack/custom-host";
import type { StackSpec } from "@/lib/stack/types";

const OWN = "https://abcdefghijklmnopqrst.cloud.example.com";

describe("an active custom hostname in the stack", () => {
  const spec = {
    services: [
      { service: "auth", env: { API_EXTERNAL_URL: "x" } },
      { service: "storage", env: { STORAGE_PUBLIC_URL: "y" } },
    ],
  } as unknown as StackSpec;

  it("Auth answers for both hosts (GOTRUE_MAILER_EXTERNAL_HOSTS, comma-separated); nothing else changes", () => {
    const out = withExternalHosts(spec, ["abcdefghijklmnopqrst.cloud.example.com", "api.example.org"]);
    expect(out.services[0]!.env).toEqual({ API_EXTERNAL_URL: "x", GOTRUE_MAILER_EXTERNAL_HOSTS: "abcdefghijklmnopqrst.cloud.example.com,api.example.org" });
    expect(out.services[1]).toBe(spec.services[1]);
    expect(withExternalHosts(spec, ["abcdefghijklmnopqrst.cloud.example.com"])).toBe(spec);
  });

  it("the site URL follows only when it was the project's own address", () => {
    const own = { ...DEFAULT_AUTH_SETTINGS, siteUrl: `${OWN}/` };
    expect(siteUrlFollowing(own, OWN, "https://api.example.org")?.siteUrl).toBe("https://api.example.org");
    expect(siteUrlFollowing(DEFAULT_AUTH_SETTINGS, OWN, "https://api.example.org")?.siteUrl).toBe("http://localhost:3000");
    expect(siteUrlFollowing(own, OWN, null)).toBe(own);
    expect(siteUrlFollowing(undefined, OWN, "https://api.example.org")).toBeUndefined();
  });
});

describe("the Management API's custom-hostname answer", () => {
  const view = (status: (typeof HOSTNAME_STATUS)[keyof typeof HOSTNAME_STATUS], lastError: string | null = null) => ({
    ref: "abcdefghijklmnopqrst",
    hostname: "api.example.org",
    status,
    target: "abcdefghijklmnopqrst.cloud.example.com",
    records: recordsFor("api.example.org", "abcdefghijklmnopqrst.cloud.example.com", "tok"),
    lastError,
    url: "https://api.example.org",
    createdAt: new Date(),
    verifiedAt: null,
    activatedAt: null,
  });

  it("has upstream's UpdateCustomHostnameResponse shape, with the TXT record as ownership_verification", () => {
    const r = v1CustomHostname(view(HOSTNAME_STATUS.initiated, "No TXT record found."));
    expect(updateCustomHostnameResponseSchema.parse(r)).toEqual(r);
    expect(r).toMatchObject({
      status: "2_initiated",
      custom_hostname: "api.example.org",
      data: {
        success: true,
        result: {
          hostname: "api.example.org",
          custom_origin_server: "abcdefghijklmnopqrst.cloud.example.com",
          ownership_verification: { type: "txt", name: "_supafleet-challenge.api.example.org", value: "tok" },
          ssl: { status: "pending_validation", validation_records: [{ txt_name: "_supafleet-challenge.api.example.org", txt_value: "tok" }] },
          verification_errors: ["No TXT record found."],
          status: "pending",
        },
      },
    });
  });

  it("the certificate's state follows the flow", () => {
    // The Supabase CLI reads "initializing" as "request re-verification in a few seconds".
    expect(v1CustomHostname(view(HOSTNAME_STATUS.verified)).data.result.ssl).toEqual({ status: "initializing", validation_records: [] });
    expect(v1CustomHostname(view(HOSTNAME_STATUS.originReady)).data.result.ssl.status).toBe("active");
    expect(v1CustomHostname(view(HOSTNAME_STATUS.active)).data.result.status).toBe("active");
  });
});
