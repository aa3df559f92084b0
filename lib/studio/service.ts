// Studio without a second password (issue 31). A member opens a project's
// Studio from the panel and is let in with their Supafleet session, checked
// on every request, instead of the gateway's basic-auth login.
//
// Why a handoff, not the panel's cookie: project hosts (<ref>.<domain>) run
// tenants' own code (Edge Functions get every request header), so a session
// cookie widened to `.<domain>` would hand every visitor's Supafleet session
// to any project's function. Instead:
//   1. the panel (signed in, permission checked) mints a ticket: signed,
//      ≤ 60 s, single use, bound to user, ref and host (lib/studio/tickets.ts);
//   2. the browser takes it to https://<ref>.<domain>/__supafleet/studio-session,
//      which nginx sends to the app; the app consumes it and sets a host-only
//      cookie (random 256 bits, only its SHA-256 stored, with user, ref, host
//      and expiry);
//   3. on every Studio request nginx asks the gate (lib/proxy/nginx-studio-blocks.ts),
//      which checks the cookie and the member's permission now, and answers
//      the gateway's basic-auth value for the project: removal from the
//      organization closes Studio at the next request. nginx strips the
//      cookie before the gateway, so tenant code never sees it.
//
// Who may open Studio: "project.secrets" (Owner, Administrator, Developer).
// Supabase's access-control page (https://supabase.com/docs/guides/platform/access-control)
// gives Read-only "read-only access to … project resources", but self-hosted
// Studio has one login with full power: its SQL editor runs as the database's
// admin and its settings show the API keys. It cannot be made read-only, so a
// Read-only member (who may not reveal secrets) does not get it.
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "@/lib/db/client";
import type { SessionUser } from "@/lib/auth/actor";
import { STATUS } from "@/lib/domain";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import { projectAccessWhere } from "@/lib/orgs/access";
import type { OrgAction } from "@/lib/orgs/permissions";
import { STUDIO_SESSION_PATH } from "@/lib/proxy/studio-protocol";
import { projectAddress, type AddressSettings } from "@/lib/stack/address";
import { openProjectSecrets } from "@/lib/stack/secrets";
import { refSchema } from "@/lib/validations/project";
import { signStudioTicket, studioTicketKey, verifyStudioTicket } from "@/lib/studio/tickets";

export const STUDIO_ACTION: OrgAction = "project.secrets";
export const STUDIO_SESSION_TTL_MS = 8 * 3_600_000;
/** Older sessions of one user beyond this are dropped (each browser that opened Studio holds one). */
export const MAX_STUDIO_SESSIONS_PER_USER = 20;
/** Tickets per user and handoffs per client address, per minute: loops a stranger or a script can run. */
export const STUDIO_TICKETS_PER_MIN = 30;
export const STUDIO_HANDOFFS_PER_MIN = 30;

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const INVALID_TICKET = "This Studio link is invalid, expired or already used. Open Studio again from the project's page in Supafleet.";

/** What the service needs of the rate limiter (lib/rate-limit/limiter.ts). */
export interface StudioLimiter {
  consumeCap(prefix: string, key: string, points: number, windowSec: number, subject: string): Promise<unknown>;
}

export interface StudioConfig extends AddressSettings {
  masterKey: Buffer;
}

const hash = (token: string) => createHash("sha256").update(token).digest("base64url");

export class StudioService {
  private readonly key: Uint8Array;

  constructor(
    private readonly db: Db,
    private readonly config: StudioConfig,
    private readonly limiter: StudioLimiter,
    private readonly now: () => number = Date.now,
  ) {
    this.key = studioTicketKey(config.masterKey);
  }

  /** The project, if `userId` may open its Studio now (membership and role, as every project query). */
  private allowed(userId: string, ref: string) {
    return this.db.project.findFirst({
      where: { ref, status: { not: STATUS.REMOVED }, AND: [projectAccessWhere(userId, STUDIO_ACTION)] },
      select: { ref: true, secrets: true },
    });
  }

  /** The user, if they may still act: not disabled nor pending, on the session version the Studio session was made with. */
  private async activeUser(userId: string, sessionVersion?: number) {
    const u = await this.db.user.findUnique({ where: { id: userId }, select: { id: true, disabled: true, pendingApproval: true, sessionVersion: true } });
    if (!u || u.disabled || u.pendingApproval) return null;
    if (sessionVersion !== undefined && u.sessionVersion !== sessionVersion) return null;
    return u;
  }

  /** Step 1, in the panel: the URL that signs `actor` in to the project's Studio. */
  async openTicket(actor: SessionUser, rawRef: string): Promise<{ url: string }> {
    const parsed = refSchema.safeParse(rawRef);
    if (!parsed.success) throw new NotFoundError("Project not found.");
    const ref = parsed.data;
    await this.limiter.consumeCap("studioTicket", actor.id, STUDIO_TICKETS_PER_MIN, 60, "Studio sign-ins");
    if (!(await this.allowed(actor.id, ref))) {
      const seen = await this.db.project.findFirst({
        where: { ref, status: { not: STATUS.REMOVED }, AND: [projectAccessWhere(actor.id, "project.read")] },
        select: { id: true },
      });
      throw seen
        ? new ForbiddenError("Your role in this organization does not open Studio: it needs Developer or higher.")
        : new NotFoundError("Project not found.");
    }
    const { host, url } = projectAddress(ref, this.config);
    const { token } = await signStudioTicket(this.key, { userId: actor.id, ref, host }, this.now());
    return { url: `${url}${STUDIO_SESSION_PATH}?ticket=${encodeURIComponent(token)}` };
  }

  /**
   * Step 2, on the project's host: consumes the ticket and makes the session.
   * `host` is the request's Host (nginx sets it); `clientKey` the client's address.
   */
  async startSession(rawRef: string, host: string, ticket: string, clientKey: string): Promise<{ token: string; maxAgeSec: number }> {
    await this.limiter.consumeCap("studioHandoff", clientKey, STUDIO_HANDOFFS_PER_MIN, 60, "Studio sign-ins from your address");
    const now = this.now();
    const claims = await verifyStudioTicket(this.key, ticket, now);
    if (!claims || claims.ref !== rawRef || claims.host !== host) throw new ForbiddenError(INVALID_TICKET);
    const user = await this.activeUser(claims.userId);
    if (!user || !(await this.allowed(user.id, claims.ref))) throw new ForbiddenError(INVALID_TICKET);
    // The expiry sweep: the table holds live sessions only (and at most MAX per user, below).
    await this.db.studioSession.deleteMany({ where: { expiresAt: { lte: new Date(now) } } });
    const token = randomBytes(32).toString("base64url");
    try {
      await this.db.studioSession.create({
        data: {
          id: claims.ticketId,
          tokenHash: hash(token),
          userId: user.id,
          sessionVersion: user.sessionVersion,
          ref: claims.ref,
          host: claims.host,
          expiresAt: new Date(now + STUDIO_SESSION_TTL_MS),
        },
      });
    } catch {
      // The ticket's id is the primary key: a ticket used before (or twice at once) makes no second session.
      throw new ForbiddenError(INVALID_TICKET);
    }
    const older = await this.db.studioSession.findMany({
      where: { userId: user.id },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: MAX_STUDIO_SESSIONS_PER_USER,
      select: { id: true },
    });
    if (older.length > 0) await this.db.studioSession.deleteMany({ where: { id: { in: older.map((o) => o.id) } } });
    return { token, maxAgeSec: Math.floor(STUDIO_SESSION_TTL_MS / 1000) };
  }

  /**
   * Step 3, before every Studio request: the gateway's Authorization value
   * for this project when `token` is a live session on this host of someone
   * who may open Studio now; null otherwise (the request then goes on as it
   * came, to the gateway's own basic auth). A session whose user lost the
   * right is deleted.
   */
  async gate(rawRef: string, host: string, token: string): Promise<string | null> {
    if (!TOKEN.test(token)) return null;
    const s = await this.db.studioSession.findUnique({ where: { tokenHash: hash(token) } });
    if (!s || s.ref !== rawRef || s.host !== host) return null;
    const drop = async () => void (await this.db.studioSession.deleteMany({ where: { id: s.id } }));
    if (s.expiresAt.getTime() <= this.now()) return drop().then(() => null);
    const user = await this.activeUser(s.userId, s.sessionVersion);
    const project = user ? await this.allowed(user.id, s.ref) : null;
    if (!project) return drop().then(() => null);
    const secrets = openProjectSecrets(this.config.masterKey, project);
    return `Basic ${Buffer.from(`${secrets.dashboardUsername}:${secrets.dashboardPassword}`).toString("base64")}`;
  }
}
