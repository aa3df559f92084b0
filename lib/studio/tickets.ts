// The handoff ticket from the panel to a project's host: a JWT (jose, HS256)
// the panel signs for one user, one project and one host, valid for a minute.
// It travels in a URL (a redirect), so it is short-lived and single-use: the
// session it makes takes the ticket's id as its own primary key
// (lib/studio/service.ts), so a second use fails in the database.
import { hkdfSync, randomBytes } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";

export const STUDIO_TICKET_TTL_S = 60;
const ISSUER = "supafleet-panel";
const AUDIENCE = "supafleet-studio-session";

export interface StudioTicketClaims {
  ticketId: string;
  userId: string;
  ref: string;
  host: string;
}

/** A key of its own, derived from the master key: a ticket key can sign nothing else, and nothing else signs tickets. */
export function studioTicketKey(masterKey: Buffer): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", masterKey, Buffer.alloc(0), "supafleet-studio-ticket-v1", 32));
}

export async function signStudioTicket(
  key: Uint8Array,
  c: Omit<StudioTicketClaims, "ticketId">,
  now = Date.now(),
): Promise<{ token: string; ticketId: string }> {
  const ticketId = randomBytes(16).toString("base64url");
  const iat = Math.floor(now / 1000);
  const token = await new SignJWT({ ref: c.ref, host: c.host })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(c.userId)
    .setJti(ticketId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + STUDIO_TICKET_TTL_S)
    .sign(key);
  return { token, ticketId };
}

/** The ticket's claims, or null: bad signature, wrong issuer or audience, expired, or malformed. */
export async function verifyStudioTicket(key: Uint8Array, token: string, now = Date.now()): Promise<StudioTicketClaims | null> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ["HS256"],
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: new Date(now),
      maxTokenAge: STUDIO_TICKET_TTL_S,
      requiredClaims: ["sub", "jti", "exp", "iat"],
    });
    const { sub, jti, ref, host } = payload;
    if (typeof sub !== "string" || typeof jti !== "string" || typeof ref !== "string" || typeof host !== "string") return null;
    return { ticketId: jti, userId: sub, ref, host };
  } catch {
    return null;
  }
}
