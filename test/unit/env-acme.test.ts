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

describe("DNS-01 settings (one wildcard certificate)", () => {
  const acme = { ...base, SUPAFLEET_ROOT_DOMAIN: "fleet.example.com", SUPAFLEET_ACME_DIRECTORY: LE, SUPAFLEET_ACME_EMAIL: "ops@example.com" };
  const dns = { SUPAFLEET_ACME_DNS_PROVIDER: "rfc2136", SUPAFLEET_ACME_DNS_SERVER: "ns1.example.com", SUPAFLEET_ACME_TSIG_KEY_NAME: "acme-update" };
  const secret = Buffer.alloc(32, 3).toString("base64");

  it("are off by default: HTTP-01 per host", () => {
    expect(parseEnv(acme).acme?.dns01).toBeUndefined();
  });

  it("take a server (port 53 by default), a zone (the root domain by default) and a TSIG key", () => {
    expect(parseEnv({ ...acme, ...dns, SUPAFLEET_ACME_TSIG_SECRET: secret }).acme?.dns01).toEqual({
      provider: "rfc2136",
      host: "ns1.example.com",
      port: 53,
      zone: "fleet.example.com",
      keyName: "acme-update",
      algorithm: "hmac-sha256",
      secret,
      secretFile: undefined,
    });
    const v6 = parseEnv({
      ...acme,
      ...dns,
      SUPAFLEET_ACME_DNS_SERVER: "[2001:db8::53]:5353",
      SUPAFLEET_ACME_DNS_ZONE: "example.com",
      SUPAFLEET_ACME_TSIG_SECRET_FILE: "/etc/supafleet/tsig",
    });
    expect(v6.acme?.dns01).toMatchObject({ host: "2001:db8::53", port: 5353, zone: "example.com", secret: undefined, secretFile: "/etc/supafleet/tsig" });
  });

  it("refuse a provider without server, key or secret, both secrets, a DNS setting without a provider, and a provider without ACME", () => {
    expect(() => parseEnv({ ...acme, SUPAFLEET_ACME_DNS_PROVIDER: "rfc2136" })).toThrow(/SUPAFLEET_ACME_DNS_SERVER: is required/);
    expect(() => parseEnv({ ...acme, ...dns })).toThrow(/set exactly one of SUPAFLEET_ACME_TSIG_SECRET and SUPAFLEET_ACME_TSIG_SECRET_FILE/);
    expect(() => parseEnv({ ...acme, ...dns, SUPAFLEET_ACME_TSIG_SECRET: secret, SUPAFLEET_ACME_TSIG_SECRET_FILE: "/etc/x" })).toThrow(/exactly one/);
    expect(() => parseEnv({ ...acme, SUPAFLEET_ACME_DNS_SERVER: "ns1.example.com" })).toThrow(/SUPAFLEET_ACME_DNS_PROVIDER: is required/);
    expect(() => parseEnv({ ...base, ...dns, SUPAFLEET_ACME_TSIG_SECRET: secret })).toThrow(
      /SUPAFLEET_ACME_DIRECTORY: is required with SUPAFLEET_ACME_DNS_PROVIDER/,
    );
    expect(() => parseEnv({ ...acme, ...dns, SUPAFLEET_ACME_DNS_PROVIDER: "route53", SUPAFLEET_ACME_TSIG_SECRET: secret })).toThrow(ConfigError);
    expect(() => parseEnv({ ...acme, ...dns, SUPAFLEET_ACME_TSIG_SECRET: "not base64!" })).toThrow(/SUPAFLEET_ACME_TSIG_SECRET: must be the base64/);
    expect(() => parseEnv({ ...acme, ...dns, SUPAFLEET_ACME_TSIG_SECRET: secret, SUPAFLEET_ACME_TSIG_ALGORITHM: "hmac-md5" })).toThrow(ConfigError);
  });

  it("a refused secret is never echoed in the error", () => {
    const leaked = "c2VjcmV0LXRoYXQtbXVzdC1ub3QtbGVhaw==";
    try {
      parseEnv({ ...acme, ...dns, SUPAFLEET_ACME_TSIG_SECRET: leaked, SUPAFLEET_ACME_TSIG_SECRET_FILE: "/etc/x" });
      expect.unreachable();
    } catch (err) {
      expect(String(err)).not.toContain(leaked);
    }
  });
});
