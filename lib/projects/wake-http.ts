// The answer to a request for a project that sleeps, or is waking, when the
// wake gate (lib/projects/wake-gate.ts) did not let it through: browsers get
// a page that reloads itself, API clients (an apikey header, or asking for
// JSON) get 503 with Retry-After. API clients reach this only when their hold
// did not fit or ran out; browsers are never held.
import type { WakeState } from "@/lib/projects/idle";
import type { GateAnswer, GateRequest } from "@/lib/projects/wake-gate";
import { WAKE_GATE_HEADER, WAKE_URI_HEADER } from "@/lib/proxy/wake-protocol";
import { refSchema } from "@/lib/validations/project";

export interface WakeReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A reply to nginx's subrequest or its follow-up, as the route handler's Response (a 204 carries no body). */
export function wakeReplyResponse(reply: WakeReply): Response {
  return new Response(reply.status === 204 || !reply.body ? null : reply.body, { status: reply.status, headers: reply.headers });
}

const RETRY_SECONDS = 3;

const MESSAGES: Record<WakeState, { status: number; message: string; retry: boolean }> = {
  awake: { status: 503, message: "The project is up; retry the request.", retry: true },
  waking: { status: 503, message: "The project was asleep and is waking up; retry in a few seconds.", retry: true },
  no_room: { status: 503, message: "The project is asleep and this host has no room to wake it right now; retry later.", retry: true },
  paused: { status: 503, message: "The project is paused by its owner. Resume it from the Supafleet dashboard.", retry: false },
  unavailable: { status: 503, message: "The project is not available right now.", retry: true },
  not_found: { status: 404, message: "Project not found.", retry: false },
};

export function wakeReply(state: WakeState, wantsJson: boolean): WakeReply {
  const m = MESSAGES[state];
  const headers: Record<string, string> = { "cache-control": "no-store" };
  if (m.retry) headers["retry-after"] = String(RETRY_SECONDS);
  if (wantsJson)
    return { status: m.status, headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ code: m.status, message: m.message }) };
  // Reloads itself while there is something to wait for.
  const refresh = m.retry ? `<meta http-equiv="refresh" content="${RETRY_SECONDS}">` : "";
  return {
    status: m.status,
    headers: { ...headers, "content-type": "text/html; charset=utf-8" },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8">${refresh}<title>${state === "waking" ? "Waking up" : "Unavailable"}</title><style>body{font-family:system-ui,sans-serif;display:grid;place-items:center;min-height:100vh;margin:0;color:#3f3f46}main{text-align:center}</style></head><body><main><h1>${state === "waking" ? "Waking up…" : "Not available"}</h1><p>${m.message}</p></main></body></html>`,
  };
}

/** API clients: an apikey header, or a request for JSON (as nginx's status pages decide). */
export function wantsJson(headers: { get(name: string): string | null }): boolean {
  return Boolean(headers.get("apikey")) || /application\/json/i.test(headers.get("accept") ?? "");
}

export interface WakeHttpRequest {
  method: string;
  headers: { get(name: string): string | null };
  signal?: AbortSignal;
}

/** What the wake route needs of the project service. */
export interface WakeHttpService {
  wakeProject(ref: string): Promise<WakeState>;
  wakeGate(ref: string, req: GateRequest): Promise<GateAnswer>;
}

/**
 * A request to the wake route (app/api/wake/[ref]/route.ts): the gate's
 * subrequest gets 204 (pass) or 403 (answer instead), anything else the
 * answer. `ref` is unchecked input.
 */
export async function handleWakeRequest(service: WakeHttpService, rawRef: string, req: WakeHttpRequest): Promise<WakeReply> {
  const json = wantsJson(req.headers);
  const ref = refSchema.safeParse(rawRef);
  if (req.headers.get(WAKE_GATE_HEADER) === "1") {
    const answer: GateAnswer = ref.success
      ? await service.wakeGate(ref.data, { api: json, uri: (req.headers.get(WAKE_URI_HEADER) ?? "/").slice(0, 2048), signal: req.signal })
      : { pass: false, state: "not_found" };
    return { status: answer.pass ? 204 : 403, headers: { "cache-control": "no-store" }, body: "" };
  }
  const reply = wakeReply(ref.success ? await service.wakeProject(ref.data) : "not_found", json);
  return req.method === "HEAD" ? { ...reply, body: "" } : reply;
}
