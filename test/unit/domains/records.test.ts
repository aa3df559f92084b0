// The DNS records shown for a custom hostname, the check of a resolver's
// answers against them, and the status rule (lib/domains). The lookups here
// are plain answers handed to the pure check; the real DNS server is in
// test/integration/proxy/custom-domains.test.ts.
import { describe, expect, it } from "vitest";
import { checkRecords, newOwnershipToken, recordsFor, txtName, type DnsLookup } from "@/lib/domains/records";
import { CUSTOM_HOSTNAME_STATUSES, HOSTNAME_STATUS, isVerified, settledStatus } from "@/lib/domains/status";

const HOST = "api.example.org";
const TARGET = "abcdefghijklmnopqrst.cloud.example.com";

function answers(cname: string[] | string, txt: string[][] | string): DnsLookup {
  const fail = (code: string) => Promise.reject(Object.assign(new Error(code), { code }));
  return {
    resolveCname: (n) => (n !== HOST ? fail("ENOTFOUND") : typeof cname === "string" ? fail(cname) : Promise.resolve(cname)),
    resolveTxt: (n) => (n !== txtName(HOST) ? fail("ENOTFOUND") : typeof txt === "string" ? fail(txt) : Promise.resolve(txt)),
  };
}

describe("records for a custom hostname", () => {
  it("a CNAME to <ref>.<domain> and a TXT record under the hostname with the token", () => {
    expect(recordsFor(HOST, TARGET, "tok")).toEqual([
      { type: "CNAME", name: HOST, value: TARGET },
      { type: "TXT", name: `_supafleet-challenge.${HOST}`, value: "tok" },
    ]);
  });

  it("tokens are 32 CSPRNG bytes, base64url, never repeated", () => {
    const tokens = new Set(Array.from({ length: 200 }, newOwnershipToken));
    expect(tokens.size).toBe(200);
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe("checking a resolver's answers", () => {
  it("both right (any case, trailing dot, a TXT split in strings): ok", async () => {
    const r = await checkRecords(answers([`${TARGET.toUpperCase()}.`], [["other"], ["to", "k"]]), HOST, TARGET, "tok");
    expect(r).toEqual({ ok: true, problems: [] });
  });

  it("a wrong TXT value: not ok, and says so without echoing the value", async () => {
    const r = await checkRecords(answers([TARGET], [["wrong-token"]]), HOST, TARGET, "tok");
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([`The TXT record _supafleet-challenge.${HOST} does not hold the ownership token shown (found 1 other value).`]);
  });

  it("a CNAME elsewhere and no TXT at all: both named", async () => {
    const r = await checkRecords(answers(["elsewhere.example.net"], "ENODATA"), HOST, TARGET, "tok");
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatch(/points to elsewhere\.example\.net, not to abcdefghijklmnopqrst/);
    expect(r.problems[1]).toMatch(/No TXT record found/);
  });

  it("a resolver that fails is not 'not found'", async () => {
    const r = await checkRecords(answers("ETIMEOUT", [["tok"]]), HOST, TARGET, "tok");
    expect(r.problems).toEqual([`CNAME ${HOST}: The CNAME lookup failed (ETIMEOUT); try again shortly.`]);
  });
});

describe("custom hostname statuses (upstream's enum)", () => {
  it("are upstream's five words, in order", () => {
    expect(CUSTOM_HOSTNAME_STATUSES).toEqual(["1_not_started", "2_initiated", "3_challenge_verified", "4_origin_setup_completed", "5_services_reconfigured"]);
  });

  it("verified moves to origin ready once the certificate is on disk, or at once without ACME", () => {
    expect(settledStatus(HOSTNAME_STATUS.verified, { acme: true, issued: false })).toBe(HOSTNAME_STATUS.verified);
    expect(settledStatus(HOSTNAME_STATUS.verified, { acme: true, issued: true })).toBe(HOSTNAME_STATUS.originReady);
    expect(settledStatus(HOSTNAME_STATUS.verified, { acme: false, issued: false })).toBe(HOSTNAME_STATUS.originReady);
    expect(settledStatus(HOSTNAME_STATUS.initiated, { acme: false, issued: true })).toBe(HOSTNAME_STATUS.initiated);
    expect(settledStatus(HOSTNAME_STATUS.active, { acme: true, issued: false })).toBe(HOSTNAME_STATUS.active);
  });

  it("only verified and later states may get a certificate", () => {
    expect(CUSTOM_HOSTNAME_STATUSES.filter(isVerified)).toEqual(["3_challenge_verified", "4_origin_setup_completed", "5_services_reconfigured"]);
  });
});
