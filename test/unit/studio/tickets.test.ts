// The Studio handoff's ticket and cookie (lib/studio/tickets.ts, lib/studio/http.ts):
// what a ticket binds, how long it lives, and what it refuses.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { studioCookie } from "@/lib/studio/http";
import { signStudioTicket, STUDIO_TICKET_TTL_S, studioTicketKey, verifyStudioTicket } from "@/lib/studio/tickets";

const key = studioTicketKey(randomBytes(32));
const claims = { userId: "u1", ref: "abcdefghijklmnopqrst", host: "abcdefghijklmnopqrst.fleet.test" };
const now = Date.parse("2026-12-08T00:00:00Z");
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");

describe("Studio tickets", () => {
  it("carry user, ref, host and a fresh id, for at most a minute", async () => {
    const a = await signStudioTicket(key, claims, now);
    const b = await signStudioTicket(key, claims, now);
    expect(a.ticketId).not.toBe(b.ticketId);
    expect(await verifyStudioTicket(key, a.token, now + 59_000)).toEqual({ ticketId: a.ticketId, ...claims });
    expect(STUDIO_TICKET_TTL_S).toBeLessThanOrEqual(60);
    expect(await verifyStudioTicket(key, a.token, now + 61_000)).toBeNull();
  });

  it("refuse another key, a changed payload and an unsigned token", async () => {
    const { token } = await signStudioTicket(key, claims, now);
    expect(await verifyStudioTicket(studioTicketKey(randomBytes(32)), token, now)).toBeNull();
    const [h, p, sig] = token.split(".");
    const payload = JSON.parse(Buffer.from(p!, "base64url").toString()) as Record<string, unknown>;
    expect(await verifyStudioTicket(key, `${h}.${b64({ ...payload, ref: "zzzzzzzzzzzzzzzzzzzz" })}.${sig}`, now)).toBeNull();
    expect(await verifyStudioTicket(key, `${b64({ alg: "none" })}.${p}.`, now)).toBeNull();
    expect(await verifyStudioTicket(key, "not-a-ticket", now)).toBeNull();
  });

  it("derive their key from the master key, apart from it", () => {
    const master = randomBytes(32);
    expect(Buffer.from(studioTicketKey(master)).equals(Buffer.from(studioTicketKey(master)))).toBe(true);
    expect(Buffer.from(studioTicketKey(master)).equals(master)).toBe(false);
  });
});

describe("the Studio cookie", () => {
  it("is host-only, HttpOnly, SameSite=Lax, Path=/, Secure only on HTTPS", () => {
    expect(studioCookie("t", 60, true)).toBe("supafleet_studio=t; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure");
    expect(studioCookie("t", 60, false)).toBe("supafleet_studio=t; Path=/; Max-Age=60; HttpOnly; SameSite=Lax");
  });
});
