// Studio behind the Supafleet session (issue 31), as nginx directives. A
// project's host carries both its APIs and Studio (the gateway's catch-all
// route, behind basic auth). nginx splits them:
// - the gateway's API prefixes (lib/stack/gateway-routes.ts, derived from
//   the templates' routes) go straight to the gateway: no subrequest per call;
// - everything else is Studio: before each request nginx asks the app's
//   Studio gate (lib/studio/http.ts) with the request's Studio cookie. The
//   gate answers 2xx, with the gateway's basic-auth value for this project
//   when the cookie is a live session of someone who may open Studio now,
//   without it otherwise. nginx then sends that value as Authorization, or
//   the client's own Authorization unchanged (operators' basic auth keeps
//   working). No secret is ever written into nginx's config.
// - A request without the cookie never reaches the app: the gate location
//   answers 204 itself.
// - The handoff location (STUDIO_SESSION_PATH) goes to the app, which turns a
//   panel-signed ticket into the cookie (lib/studio/service.ts).
// The cookie is stripped from every request to the gateway, API or Studio,
// so tenant code (Edge Functions see request headers) never sees it.
// One location holds one auth_request: on a sleeping project Studio's gate is
// the wake gate too (the app runs the wake gate first, then the Studio check).
import { GATEWAY_API_PREFIXES } from "@/lib/stack/gateway-routes";
import { STUDIO_COOKIE, STUDIO_SESSION_HEADER, STUDIO_SESSION_PATH, STUDIO_CREDENTIAL_HEADER } from "@/lib/proxy/studio-protocol";
import { WAKE_GATE_HEADER, WAKE_HOLD_MS, WAKE_URI_HEADER } from "@/lib/proxy/wake-protocol";

/** The request's Cookie header without Supafleet's Studio cookie (rendered at http level). */
export const COOKIE_SANS_STUDIO_VAR = "$sf_cookie_sans_studio";
/** The Authorization the gateway gets on Studio's paths. */
const AUTHORIZATION_VAR = "$sf_studio_authorization";
const CREDENTIAL_VAR = "$sf_studio_credential";
const COOKIE_VAR = `$cookie_${STUDIO_COOKIE}`;

// nginx's regex syntax (PCRE): a prefix with its dots escaped.
const escape = (p: string) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The location match for the gateway's API prefixes (regex: no 301 for a missing trailing slash, as a prefix location would add). */
export const API_LOCATION_MATCH = `~ ^(?:${GATEWAY_API_PREFIXES.map(escape).join("|")})`;

const STRIP_PASSES = 3;

/**
 * http-level maps: the Cookie header with every Studio cookie removed, and
 * the Authorization a Studio request goes on with. A tenant's code on the
 * same host can set more cookies of that name (other paths), so the strip
 * runs several passes, and a header that still holds one after them loses
 * all its cookies rather than leak it.
 */
export function studioMaps(): string {
  const name = STUDIO_COOKIE;
  const passes: string[] = [];
  let from = "$http_cookie";
  for (let i = 1; i <= STRIP_PASSES; i++) {
    const to = `$sf_cookie_strip${i}`;
    passes.push(`map ${from} ${to} {
  default ${from};
  "~^${name}=[^;]*;?\\s*(?<sf_s${i}a>.*)$" $sf_s${i}a;
  "~^(?<sf_s${i}b>.*?);\\s*${name}=[^;]*(?<sf_s${i}c>.*)$" $sf_s${i}b$sf_s${i}c;
}`);
    from = to;
  }
  return `# Supafleet's Studio cookie never reaches a gateway (lib/proxy/nginx-studio-blocks.ts).
${passes.join("\n")}
map ${from} ${COOKIE_SANS_STUDIO_VAR} {
  default ${from};
  "~(?:^|;\\s*)${name}=" "";
}
# The Studio gate's credential when it gave one, else the client's own Authorization.
map ${CREDENTIAL_VAR} ${AUTHORIZATION_VAR} {
  "" $http_authorization;
  default ${CREDENTIAL_VAR};
}`;
}

/** Directives for every location that proxies to a gateway. */
export const STRIP_STUDIO_COOKIE = `
    proxy_set_header Cookie ${COOKIE_SANS_STUDIO_VAR};`;

/** Studio's `location /`: the gate, its credential as Authorization; on a sleeping project 403 is the wake gate's "answer instead". */
export function studioGate(gated: boolean): string {
  return `
    auth_request /__supafleet_studio_gate;
    auth_request_set ${CREDENTIAL_VAR} $upstream_http_${STUDIO_CREDENTIAL_HEADER.replaceAll("-", "_")};${
      gated ? "\n    error_page 403 = @supafleet_wake_reply;" : ""
    }
    proxy_set_header Authorization ${AUTHORIZATION_VAR};`;
}

/**
 * The gate's subrequest and the handoff, both to the app. `proxyHeaders`
 * and `appOrigin` are the project blocks' own; `limits`: the app's request
 * limits for the handoff (a main request, which limit_req applies to).
 */
export function studioLocations(ref: string, gated: boolean, appOrigin: string, proxyHeaders: string, limits: string): string {
  // Without the cookie there is nothing to check; a sleeping project still needs the wake gate.
  const shortcut = gated ? "" : `\n    if (${COOKIE_VAR} = "") { return 204; }`;
  const wake = gated
    ? `
    proxy_set_header ${WAKE_GATE_HEADER} 1;
    proxy_read_timeout ${Math.ceil(WAKE_HOLD_MS / 1000) + 15}s;`
    : // A client's own copy of the wake header must not make an awake project's gate run the wake gate.
      `\n    proxy_set_header ${WAKE_GATE_HEADER} "";`;
  return `
  location = /__supafleet_studio_gate {
    internal;${shortcut}
    rewrite ^ /api/studio/gate/${ref} break;
    proxy_pass ${appOrigin};
${proxyHeaders}
    proxy_pass_request_body off;
    proxy_set_header Content-Length "";
    proxy_set_header Cookie "";
    proxy_set_header ${STUDIO_SESSION_HEADER} ${COOKIE_VAR};
    proxy_set_header ${WAKE_URI_HEADER} $request_uri;${wake}
  }
  location = ${STUDIO_SESSION_PATH} {${limits}
    rewrite ^ /api/studio/session/${ref} break;
    proxy_pass ${appOrigin};
${proxyHeaders}
    proxy_pass_request_body off;
    proxy_set_header Content-Length "";
    proxy_set_header Cookie "";
  }`;
}
