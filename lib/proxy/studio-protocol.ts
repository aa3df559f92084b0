// What nginx and the app's Studio gate agree on (lib/proxy/nginx-studio-blocks.ts,
// lib/studio/http.ts, app/api/studio/*). See lib/studio/service.ts for why
// Studio is reached through a handoff and a host-only cookie.

/**
 * The Studio session cookie, host-only on `<ref>.<domain>`. Underscores only:
 * nginx reads it as `$cookie_supafleet_studio` (a variable name cannot hold
 * "-", so the `__Host-` prefix is out; the cookie sets no Domain attribute,
 * which is what makes it host-only).
 */
export const STUDIO_COOKIE = "supafleet_studio";
/** Where the panel's handoff lands on the project's host; nginx sends exactly this location to the app. */
export const STUDIO_SESSION_PATH = "/__supafleet/studio-session";
/** On the gate's subrequest: the cookie's value (nginx sets it; a client's own header of that name is replaced). */
export const STUDIO_SESSION_HEADER = "x-supafleet-studio-session";
/** On the gate's answer: the gateway's Authorization value for this project; absent: the request goes on unchanged. */
export const STUDIO_CREDENTIAL_HEADER = "x-supafleet-studio-authorization";
