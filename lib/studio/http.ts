// The two requests nginx sends the app for Studio (lib/proxy/nginx-studio-blocks.ts),
// as plain functions of the request, so the routes (app/api/studio/*) and the
// tests' stand-in app server call the same code:
// - the gate's subrequest: always 2xx (204), with the gateway's credential in
//   STUDIO_CREDENTIAL_HEADER when the session cookie allows it. On a sleeping
//   project the subrequest carries the wake gate's header too: the wake gate
//   decides first (its 403 makes nginx fetch the wake answer instead);
// - the handoff: ticket in, host-only cookie out, redirect to Studio's `/`.
import { z } from "zod";
import { isAppError, RateLimitedError } from "@/lib/errors";
import { STUDIO_COOKIE, STUDIO_CREDENTIAL_HEADER, STUDIO_SESSION_HEADER } from "@/lib/proxy/studio-protocol";
import { WAKE_GATE_HEADER, WAKE_URI_HEADER } from "@/lib/proxy/wake-protocol";
import { isPlainStudioTarget } from "@/lib/stack/gateway-routes";
import { handleWakeRequest, type WakeHttpRequest, type WakeHttpService, type WakeReply } from "@/lib/projects/wake-http";
import type { StudioService } from "@/lib/studio/service";

const NO_STORE = { "cache-control": "no-store" };

/** A JWT's three base64url parts; anything else is not a ticket (and is not worth a signature check). */
const ticketSchema = z
  .string()
  .max(2048)
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);

/** The Host nginx set ($host: lowercase, without the port). */
function hostOf(headers: { get(name: string): string | null }): string {
  return (headers.get("host") ?? "").toLowerCase().replace(/:\d+$/, "");
}

export async function handleStudioGate(studio: Pick<StudioService, "gate">, wake: WakeHttpService, rawRef: string, req: WakeHttpRequest): Promise<WakeReply> {
  if (req.headers.get(WAKE_GATE_HEADER) === "1") {
    const w = await handleWakeRequest(wake, rawRef, req);
    if (w.status !== 204) return w;
  }
  const token = req.headers.get(STUDIO_SESSION_HEADER) ?? "";
  // The raw target must be one the gateway routes to Studio too (lib/stack/gateway-routes.ts).
  const plain = isPlainStudioTarget(req.headers.get(WAKE_URI_HEADER) ?? "");
  let credential: string | null = null;
  try {
    credential = token && plain ? await studio.gate(rawRef, hostOf(req.headers), token) : null;
  } catch (err) {
    // Fail closed: without the credential the gateway's own basic auth still stands.
    console.warn("[supafleet] studio gate failed:", err instanceof Error ? err.message : err);
  }
  return { status: 204, headers: { ...NO_STORE, ...(credential ? { [STUDIO_CREDENTIAL_HEADER]: credential } : {}) }, body: "" };
}

/** The cookie: host-only (no Domain), HttpOnly, SameSite=Lax, Path=/, Secure on HTTPS installations. */
export function studioCookie(token: string, maxAgeSec: number, secure: boolean): string {
  return `${STUDIO_COOKIE}=${token}; Path=/; Max-Age=${maxAgeSec}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

function page(status: number, message: string, extra: Record<string, string> = {}): WakeReply {
  const escaped = message.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return {
    status,
    headers: { ...NO_STORE, ...extra, "content-type": "text/html; charset=utf-8", "referrer-policy": "no-referrer" },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Studio</title></head><body><main><h1>Studio</h1><p>${escaped}</p></main></body></html>`,
  };
}

export async function handleStudioSession(
  studio: Pick<StudioService, "startSession">,
  rawRef: string,
  req: { headers: { get(name: string): string | null }; ticket: string | null; clientKey: string; secure: boolean },
): Promise<WakeReply> {
  const ticket = ticketSchema.safeParse(req.ticket ?? "");
  if (!ticket.success) return page(400, "This Studio link is malformed. Open Studio again from the project's page in Supafleet.");
  try {
    const { token, maxAgeSec } = await studio.startSession(rawRef, hostOf(req.headers), ticket.data, req.clientKey);
    // The ticket stays out of any Referer Studio's first page might send.
    return {
      status: 303,
      headers: { ...NO_STORE, location: "/", "set-cookie": studioCookie(token, maxAgeSec, req.secure), "referrer-policy": "no-referrer" },
      body: "",
    };
  } catch (err) {
    if (err instanceof RateLimitedError) return page(429, err.message, { "retry-after": String(err.retryAfterSeconds) });
    if (isAppError(err, "forbidden")) return page(403, err.message);
    throw err;
  }
}
