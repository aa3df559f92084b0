// The answer to a request for a project that sleeps (nginx sends every
// request for an idle-paused project here). The request itself is not held
// until the project is up: a start takes seconds, and holding a connection
// that long meets timeouts in every proxy and client library between. It is
// answered at once instead: browsers get a page that reloads itself, API
// clients (an apikey header, or asking for JSON) get 503 with Retry-After,
// which HTTP clients and supabase-js's callers know to retry.
import type { WakeState } from "@/lib/projects/idle";

export interface WakeReply {
  status: number;
  headers: Record<string, string>;
  body: string;
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
