// The server blocks that answer for projects. Three kinds, the same
// locations in each (lib/proxy/render-nginx-config.ts puts them together):
// - the wildcard `*.<domain>` block answers every running project, reading
//   its gateway from the `$sf_route` map, and paused and unknown names;
// - one shared block for all projects behind the wake gate, selected by a
//   `server_name` line each (auth_request cannot be switched per request);
// - a project's own block, only where it needs one: its gateway's address is
//   a name (a variable proxy_pass would need a resolver). Custom domains and
//   their certificates slot in here: `projectServer` takes any names and listens.
// Values are checked by the caller; `BlockTarget` holds literals for an own
// block, or the map's variables for a shared one.
import { WAKE_GATE_HEADER, WAKE_HOLD_MS, WAKE_URI_HEADER } from "@/lib/proxy/wake-protocol";
import { appLimits, gatedLimits } from "@/lib/proxy/nginx-limits";
import { API_LOCATION_MATCH, STRIP_STUDIO_COOKIE, studioGate, studioLocations } from "@/lib/proxy/nginx-studio-blocks";
import { host, port } from "@/lib/proxy/nginx-values";
import type { ProxySettings } from "@/lib/proxy/proxy-types";

// A routed project whose gateway does not answer is usually starting or
// restarting: clients are told to come back in seconds, and the HTML page
// reloads itself at the same pace.
export const UNAVAILABLE_RETRY_S = 5;

/** The map variables the shared blocks read (rendered by lib/proxy/render-nginx-config.ts). */
export const ROUTE_VAR = "$sf_route";
export const REF_VAR = "$sf_ref";
/** The `$sf_route` value of a paused project (a gateway address otherwise; empty: unknown). */
export const PAUSED_ROUTE = "paused";

/** Which project a block serves: literals, or the shared blocks' variables. */
export interface BlockTarget {
  ref: string;
  /** host:port of the gateway */
  upstream: string;
}
export const SHARED_TARGET: BlockTarget = { ref: REF_VAR, upstream: ROUTE_VAR };

export const PROXY_HEADERS = `    proxy_http_version 1.1;
    proxy_set_header Host $host;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $sf_connection_upgrade;
    proxy_set_header X-Real-IP $remote_addr;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_set_header X-Forwarded-Host $host;
    proxy_set_header X-Forwarded-Port $server_port;`;

export function appOrigin(s: ProxySettings): string {
  return `http://${host(s.appUpstream.host, "app host")}:${port(s.appUpstream.port, "app port")}`;
}

/** Buffered: nginx writes it every few seconds, not per request. */
function activity(s: ProxySettings, indent: string, cond = ""): string {
  return s.activityLog ? `\n${indent}access_log ${s.activityLog} sf_activity buffer=16k flush=5s${cond};` : "";
}

// Asleep for idleness, or waking from it: before each request nginx asks the
// app's wake gate (lib/projects/wake-gate.ts), which starts the wake and
// holds API clients until the project can answer; 204 sends the request on,
// unchanged (method, body, websocket upgrade), to the gateway. A 403 from the
// gate (a browser during the wake, a paused project, a hold that ran out)
// fetches the answer from the wake route instead (lib/projects/wake-http.ts).
// A gateway's own 403 is never turned into that: errors are not intercepted.
const WAKE_GATE = `
    auth_request /__supafleet_wake_gate;
    error_page 403 = @supafleet_wake_reply;`;

function wakeLocations(t: BlockTarget, s: ProxySettings): string {
  // The path is rewritten, not put in proxy_pass: a proxy_pass with a
  // variable would need a resolver for an app host given by name.
  return `
  location = /__supafleet_wake_gate {
    internal;
    rewrite ^ /api/wake/${t.ref} break;
    proxy_pass ${appOrigin(s)};
${PROXY_HEADERS}
    proxy_pass_request_body off;
    proxy_set_header Content-Length "";
    proxy_set_header ${WAKE_GATE_HEADER} 1;
    proxy_set_header ${WAKE_URI_HEADER} $request_uri;
    proxy_read_timeout ${Math.ceil(WAKE_HOLD_MS / 1000) + 15}s;
  }
  location @supafleet_wake_reply {
    rewrite ^ /api/wake/${t.ref} break;
    proxy_pass ${appOrigin(s)};
${PROXY_HEADERS}
    proxy_pass_request_body off;
    proxy_set_header Content-Length "";
    proxy_set_header ${WAKE_GATE_HEADER} "";
  }`;
}

/** A location to the gateway; `head` goes first in it (the wildcard's dispatch, its own limits and log), then `gate`. */
function gatewayLocation(match: string, t: BlockTarget, gate: string, head: string): string {
  return `
  location ${match} {${head}${gate}
    proxy_pass http://${t.upstream};${
      // nginx's implicit "proxy_redirect default" (gateway-absolute Location headers made relative) is off for a variable proxy_pass: said explicitly.
      t.upstream.startsWith("$") ? `\n    proxy_redirect http://${t.upstream}/ /;` : ""
    }
${PROXY_HEADERS}${STRIP_STUDIO_COOKIE}
    proxy_request_buffering off;
    proxy_buffering off;
    proxy_read_timeout 3600s;
    proxy_send_timeout 3600s;
    proxy_intercept_errors off;
    # Gateway down (refused, reset, timed out): 503 + Retry-After for every
    # method. error_page with a URI turns the request into a GET, so the
    # static page serves POSTs too (serving it from a named location would
    # keep the method, and nginx answers a POST to a static file with 405).
    error_page 502 504 =503 /__supafleet_unavailable_$sf_reply;
  }`;
}

/**
 * The gateway's locations: its API prefixes (behind the wake gate when
 * `gated`), and Studio, everything else, behind the Studio gate (which is
 * the wake gate too when `gated`; lib/proxy/nginx-studio-blocks.ts).
 */
function gatewayLocations(t: BlockTarget, gated: boolean, head: string, s: ProxySettings): string {
  return (
    gatewayLocation(API_LOCATION_MATCH, t, gated ? WAKE_GATE : "", head) +
    gatewayLocation("/", t, studioGate(gated), head) +
    studioLocations(t.ref, gated, appOrigin(s), PROXY_HEADERS, appLimits(s.limits))
  );
}

function unavailableLocations(t: BlockTarget, s: ProxySettings, inner = ""): string {
  return `
  location = /__supafleet_unavailable_html { internal;${inner} default_type text/html; add_header Retry-After ${UNAVAILABLE_RETRY_S} always; alias ${s.pagesDir}/unavailable.html; }
  location = /__supafleet_unavailable_json { internal;${inner} default_type application/json; add_header Retry-After ${UNAVAILABLE_RETRY_S} always; return 503 '{"code":503,"message":"Project ${t.ref} is starting or unavailable. Retry shortly."}'; }`;
}

/**
 * A project server: the given names, proxied to the target's gateway, behind
 * the wake gate when `gated`. Renders a project's own block (literal target,
 * its names) and the shared gated block (SHARED_TARGET, every gated name).
 */
/** `listens`: the block's listen lines from lib/proxy/render-tls.ts (HTTP, or HTTPS with the names' certificate). */
export function projectServer(names: readonly string[], t: BlockTarget, gated: boolean, s: ProxySettings, listens: string): string {
  return `server {
  ${listens}
${names.map((n) => `  server_name ${n};`).join("\n")}${activity(s, "  ")}
  client_max_body_size ${s.clientMaxBodySize};${gatewayLocations(t, gated, gated ? gatedLimits(s.limits) : "", s)}${gated ? wakeLocations(t, s) : ""}${unavailableLocations(t, s)}
}`;
}

/**
 * A status answer: a static HTML page (served by nginx itself, so it works
 * while the app is down), or JSON for API clients (apikey header or
 * Accept: application/json). Reached by rewriting to /__supafleet_<name>.
 */
function statusLocations(name: string, status: 503 | 404, page: string, json: string, s: ProxySettings, retryAfter: boolean): string {
  const retry = retryAfter ? " add_header Retry-After 60 always;" : "";
  return `
  location = /__supafleet_${name} {
    internal;${retry}
    error_page ${status} /__supafleet_${name}_html;
    set $sf_api 0;
    if ($http_apikey) { set $sf_api 1; }
    if ($http_accept ~* "application/json") { set $sf_api 1; }
    if ($sf_api) { rewrite ^ /__supafleet_${name}_json last; }
    return ${status};
  }
  location = /__supafleet_${name}_html { internal; default_type text/html;${retry} alias ${s.pagesDir}/${page}; }
  location = /__supafleet_${name}_json { internal; default_type application/json;${retry} return ${status} '${json}'; }`;
}

/** The paused page for a paused project whose name has a certificate of its own (the wildcard block speaks plain HTTP). */
export function pausedServer(name: string, s: ProxySettings, listens: string): string {
  return `server {
  ${listens}
  server_name ${name};
  location / { rewrite ^ /__supafleet_paused last; }${statusLocations(
    "paused",
    503,
    "paused.html",
    `{"code":503,"message":"Project ${REF_VAR} is paused. Resume it from the Supafleet dashboard."}`,
    s,
    true,
  )}
}`;
}

/**
 * Every other name under the domain. A running project's name maps to its
 * gateway and is proxied like an own block; a paused one gets the paused
 * page, any other (unknown, removed, failed) "not found". The dispatch
 * rewrites only those two, at location level: nginx checks the body size
 * again for the location rewritten to, so they keep nginx's default limit
 * as their own blocks had, and a project's request keeps its original URI.
 */
export function wildcardServer(s: ProxySettings, listens: string): string {
  const body = `\n    client_max_body_size ${s.clientMaxBodySize};`;
  const dispatch = `
    if (${ROUTE_VAR} = "") { rewrite ^ /__supafleet_not_found last; }
    if (${ROUTE_VAR} = ${PAUSED_ROUTE}) { rewrite ^ /__supafleet_paused last; }${body}${activity(s, "    ", ` if=${ROUTE_VAR}`)}`;
  // Reached by error_page after the request's body went to the gateway: the same limit and log as location /.
  const inner = ` client_max_body_size ${s.clientMaxBodySize};${s.activityLog ? ` access_log ${s.activityLog} sf_activity buffer=16k flush=5s;` : ""}`;
  return `server {
  ${listens}
  server_name *.${s.rootDomain};${gatewayLocations(SHARED_TARGET, false, dispatch, s)}${unavailableLocations(SHARED_TARGET, s, inner)}${statusLocations(
    "paused",
    503,
    "paused.html",
    `{"code":503,"message":"Project ${REF_VAR} is paused. Resume it from the Supafleet dashboard."}`,
    s,
    true,
  )}${statusLocations("not_found", 404, "not-found.html", `{"code":404,"message":"Project not found."}`, s, false)}
}`;
}
