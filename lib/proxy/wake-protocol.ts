// What nginx and the app's wake gate agree on (lib/proxy/render-nginx-config.ts,
// lib/projects/wake-gate.ts, app/api/wake/[ref]/route.ts).

/** Set by nginx on the gate's subrequest: "1" asks for 204 (pass) or 403 (answer instead), not for an answer. */
export const WAKE_GATE_HEADER = "x-supafleet-wake-gate";
/** The request's own path and query ($request_uri), beside the gate's subrequest. */
export const WAKE_URI_HEADER = "x-supafleet-original-uri";
/** How long the gate holds an API client of a waking project; nginx waits longer for the gate. */
export const WAKE_HOLD_MS = 25_000;
