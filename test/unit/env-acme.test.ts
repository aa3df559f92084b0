// Automatic certificates' settings: off by default, complete or refused with the variable named.
import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { ConfigError } from "@/lib/errors";

const base = { NODE_ENV: "test" };
const LE = "https://acme-v02.api.letsencrypt.org/directory";

describe("ACME settings", () => {
  it("are off by default", () => {
    expect(parseEnv(base).acme).toBeUndefined();
  });

  it("take a directory and a contact", () => {
    expect(parseEnv({ ...base, SUPAFLEET_ACME_DIRECTORY: LE, SUPAFLEET_ACME_EMAIL: "ops@example.com" }).acme).toEqual({
      directoryUrl: LE,
      email: "ops@example.com",
      caBundlePath: undefined,
    });
  });

  it("refuse a directory without a contact, a contact without a directory, plain http, and a relative CA bundle", () => {
    expect(() => parseEnv({ ...base, SUPAFLEET_ACME_DIRECTORY: LE })).toThrow(/SUPAFLEET_ACME_EMAIL: is required/);
    expect(() => parseEnv({ ...base, SUPAFLEET_ACME_EMAIL: "ops@example.com" })).toThrow(/SUPAFLEET_ACME_DIRECTORY: is required/);
    expect(() => parseEnv({ ...base, SUPAFLEET_ACME_DIRECTORY: "http://ca.example/dir", SUPAFLEET_ACME_EMAIL: "ops@example.com" })).toThrow(
      /SUPAFLEET_ACME_DIRECTORY: must be an https/,
    );
    expect(() => parseEnv({ ...base, SUPAFLEET_ACME_DIRECTORY: LE, SUPAFLEET_ACME_EMAIL: "ops@example.com", SUPAFLEET_ACME_CA_BUNDLE: "ca.pem" })).toThrow(
      ConfigError,
    );
  });
});

describe("the DNS resolver custom hostnames are verified with", () => {
  it("is the system's by default, or an IP address with an optional port", () => {
    expect(parseEnv(base).dnsResolver).toBeUndefined();
    expect(parseEnv({ ...base, SUPAFLEET_DNS_RESOLVER: "192.0.2.53" }).dnsResolver).toBe("192.0.2.53");
    expect(parseEnv({ ...base, SUPAFLEET_DNS_RESOLVER: "127.0.0.1:5353" }).dnsResolver).toBe("127.0.0.1:5353");
    expect(parseEnv({ ...base, SUPAFLEET_DNS_RESOLVER: "[2001:db8::53]:53" }).dnsResolver).toBe("[2001:db8::53]:53");
  });

  it.each(["dns.example.com", "192.0.2.53:port", "1.2.3.4;rm", "http://1.1.1.1"])("refuses %j, naming the variable", (v) => {
    expect(() => parseEnv({ ...base, SUPAFLEET_DNS_RESOLVER: v })).toThrow(/SUPAFLEET_DNS_RESOLVER: must be an IP address/);
  });
});
