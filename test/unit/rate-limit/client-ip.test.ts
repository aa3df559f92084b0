import { describe, expect, it } from "vitest";
import { addressKey, clientAddress, isLoopback, PEER_HEADER } from "@/lib/rate-limit/client-ip";
import { backoffSeconds, parseRule } from "@/lib/rate-limit/rules";

const h = (o: Record<string, string>) => new Headers(o);

describe("clientAddress", () => {
  it("believes X-Real-IP only from a loopback peer with a trusted proxy", () => {
    expect(clientAddress(h({ [PEER_HEADER]: "127.0.0.1", "x-real-ip": "203.0.113.5" }), true)).toBe("203.0.113.5");
    expect(clientAddress(h({ [PEER_HEADER]: "::ffff:127.0.0.1", "x-real-ip": "203.0.113.5" }), true)).toBe("203.0.113.5");
    expect(clientAddress(h({ [PEER_HEADER]: "::1", "x-real-ip": "203.0.113.5" }), true)).toBe("203.0.113.5");
  });

  it("ignores forwarded headers from anyone else", () => {
    // a remote client talking to the app directly, forging both headers
    expect(clientAddress(h({ [PEER_HEADER]: "198.51.100.9", "x-real-ip": "203.0.113.5", "x-forwarded-for": "203.0.113.6" }), true)).toBe("198.51.100.9");
    // no trusted proxy configured: even loopback peers are taken at face value
    expect(clientAddress(h({ [PEER_HEADER]: "127.0.0.1", "x-real-ip": "203.0.113.5" }), false)).toBe("127.0.0.1");
    // X-Forwarded-For is never believed (nginx appends to what the client sent)
    expect(clientAddress(h({ [PEER_HEADER]: "127.0.0.1", "x-forwarded-for": "203.0.113.6" }), true)).toBe("127.0.0.1");
    // garbage in X-Real-IP falls back to the peer
    expect(clientAddress(h({ [PEER_HEADER]: "127.0.0.1", "x-real-ip": "not-an-ip" }), true)).toBe("127.0.0.1");
  });

  it("puts every client in one bucket when the peer is unknown, and reads plain header records", () => {
    expect(clientAddress(h({ "x-real-ip": "203.0.113.5" }), true)).toBe("unknown");
    expect(clientAddress({ [PEER_HEADER]: "198.51.100.9" }, true)).toBe("198.51.100.9");
  });

  it("limits IPv6 clients by their /64", () => {
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe("2001:0db8:0001:0002::/64");
    expect(addressKey("2001:db8:1:2:bbbb:cccc:dddd:eeee")).toBe("2001:0db8:0001:0002::/64");
    expect(addressKey("2001:db8:1:3::1")).not.toBe(addressKey("2001:db8:1:2::1"));
    expect(addressKey("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(isLoopback("::1")).toBe(true);
    expect(isLoopback("0:0:0:0:0:0:0:1")).toBe(true);
    expect(isLoopback("127.8.9.10")).toBe(true);
    expect(isLoopback("10.0.0.1")).toBe(false);
  });
});

describe("rate-limit rules", () => {
  it("parses POINTS/WINDOW/BLOCK and explains mistakes", () => {
    expect(parseRule("5/900/60")).toEqual({ points: 5, windowSec: 900, blockSec: 60 });
    expect(parseRule("5/900")).toMatch(/POINTS\/WINDOW_SECONDS\/BLOCK_SECONDS/);
    expect(parseRule("0/900/60")).toMatch(/at least 1/);
  });

  it("doubles the block for each lock-out, up to the ceiling", () => {
    const r = { points: 5, windowSec: 900, blockSec: 60 };
    expect([1, 2, 3, 4, 10].map((n) => backoffSeconds(r, n, 600))).toEqual([60, 120, 240, 480, 600]);
  });
});
