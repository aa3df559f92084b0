// Subnet arithmetic: a pool cut into equal subnets, what overlaps, and the
// pool's settings. The leases themselves are in test/db/projects/subnets.test.ts.
import { describe, expect, it } from "vitest";
import { overlaps, parseCidr, poolSize, subnetAt } from "@/lib/net/cidr";
import { parseEnv } from "@/lib/env";

describe("subnet arithmetic", () => {
  it("cuts a pool into equal subnets and knows what overlaps", () => {
    const pool = { cidr: "10.213.0.0/16", size: 26 };
    expect(poolSize(pool)).toBe(1024);
    expect(subnetAt(pool, 0)).toBe("10.213.0.0/26");
    expect(subnetAt(pool, 1)).toBe("10.213.0.64/26");
    expect(subnetAt(pool, 1023)).toBe("10.213.255.192/26");
    expect(parseCidr("10.213.7.9/16")).toEqual({ base: parseCidr("10.213.0.0/16")!.base, prefix: 16 });
    expect(parseCidr("10.300.0.0/16")).toBeNull();
    expect(parseCidr("fd00::/64")).toBeNull();
    expect(overlaps("10.213.0.0/16", "10.213.5.0/24")).toBe(true);
    expect(overlaps("10.213.0.64/26", "10.213.0.0/26")).toBe(false);
    expect(overlaps("172.17.0.0/16", "10.213.0.0/16")).toBe(false);
  });

  it("is configured with a clear error for a bad pool or size", () => {
    expect(parseEnv({}).subnetPool).toEqual({ cidr: "10.213.0.0/16", size: 26 });
    expect(() => parseEnv({ SUPAFLEET_SUBNET_POOL: "10.213.0.0" })).toThrow(/SUPAFLEET_SUBNET_POOL/);
    expect(() => parseEnv({ SUPAFLEET_SUBNET_POOL: "10.213.0.0/24", SUPAFLEET_SUBNET_SIZE: "20" })).toThrow(/SUPAFLEET_SUBNET_SIZE/);
    expect(() => parseEnv({ SUPAFLEET_SUBNET_SIZE: "30" })).toThrow(/SUPAFLEET_SUBNET_SIZE/);
  });
});
