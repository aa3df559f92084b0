// renderNginxConfig: the generated part of nginx's config, as a pure
// function of the projects and settings. Every value that reaches the file is
// validated against a strict pattern first, so nothing a user typed can
// inject a directive (refs are generated, but the renderer does not rely on it).
import { createHash } from "node:crypto";
import { isStatusIn, PAUSED_STATUSES, ROUTED_STATUSES, STATUS } from "@/lib/domain";
import { InvalidProxyInputError } from "@/lib/errors";
import { ACTIVITY_LOG_FORMAT } from "@/lib/proxy/activity";
import { appLimits, gatedLimits, limitZones, type ProxyLimits } from "@/lib/proxy/nginx-limits";
import { REF_PATTERN } from "@/lib/validations/project";
import { projectAddress } from "@/lib/stack/address";
import { WAKE_GATE_HEADER, WAKE_HOLD_MS, WAKE_URI_HEADER } from "@/lib/proxy/wake-protocol";
import { planTls, type TlsSettings } from "@/lib/proxy/render-tls";

// A routed project whose gateway does not answer is usually starting or
// restarting: clients are told to come back in seconds, and the HTML page
// reloads itself at the same pace.
export const UNAVAILABLE_RETRY_S = 5;

export interface ProxyProject {
  ref: string;
  status: string;
  kongPort: number | null;
  /** "idle": paused for idleness (INACTIVE) or waking from it (RESTORING): its requests pass the app's wake gate. */
  pausedBy?: string | null;
  /** The Swarm node address its gateway is published on; null/undefined: this host (127.0.0.1). */
  upstreamHost?: string | null;
}

export interface ProxySettings {
  rootDomain: string;
  scheme: "http" | "https";
  appUpstream: { host: string; port: number };
  httpListen: { host?: string; port: number };
  tls?: { certPath: string; keyPath: string; httpsListen: { host?: string; port: number } };
  /** Certificates Supafleet issued itself, per host name (lib/proxy/render-tls.ts); the operator's `tls` wins where set. */
  acme?: TlsSettings["acme"];
  /** absolute directory holding paused.html, not-found.html, unavailable.html */
  pagesDir: string;
  /** Where every project request is logged as "<msec> <host>" (lib/proxy/activity.ts): the idle clock. */
  activityLog?: string;
  clientMaxBodySize: string;
  /** Per-client request and connection limits on the app and on gated projects; none: unlimited (tests that build their own). */
  limits?: ProxyLimits;
}

const HOSTNAME = /^(?=.{1,200}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const PATH = /^\/[A-Za-z0-9._\/-]*$/;
const SIZE = /^\d{1,6}[km]?$/;

function port(p: number, what: string): number {
  if (!Number.isInteger(p) || p < 1 || p > 65535) throw new InvalidProxyInputError(`${what} must be a port number, got ${String(p)}`);
  return p;
}

function host(h: string | undefined, what: string): string {
  if (h === undefined) return "";
  if (!IPV4.test(h) && !HOSTNAME.test(h)) throw new InvalidProxyInputError(`${what} is not a host: ${JSON.stringify(h)}`);
  return h;
}

function path(p: string, what: string): string {
  if (!PATH.test(p) || p.includes("..")) throw new InvalidProxyInputError(`${what} is not a safe absolute path: ${JSON.stringify(p)}`);
  return p;
}

function listen(l: { host?: string; port: number }, what: string, extra = ""): string {
  const h = host(l.host, `${what} host`);
  return `listen ${h ? `${h}:` : ""}${port(l.port, `${what} port`)}${extra};`;
}

function validate(projects: ProxyProject[], s: ProxySettings): void {
  if (!HOSTNAME.test(s.rootDomain)) throw new InvalidProxyInputError(`root domain is not a hostname: ${JSON.stringify(s.rootDomain)}`);
  if (!SIZE.test(s.clientMaxBodySize)) throw new InvalidProxyInputError(`body size must look like 50m: ${JSON.stringify(s.clientMaxBodySize)}`);
  path(s.pagesDir, "pages directory");
  if (s.activityLog !== undefined) path(s.activityLog, "activity log");
  if (s.tls) {
    path(s.tls.certPath, "TLS certificate path");
    path(s.tls.keyPath, "TLS key path");
  }
  const seen = new Set<string>();
  for (const p of projects) {
    if (!REF_PATTERN.test(p.ref)) throw new InvalidProxyInputError(`project ref is not 20 lowercase letters: ${JSON.stringify(p.ref)}`);
    if (seen.has(p.ref)) throw new InvalidProxyInputError(`project ref ${p.ref} appears twice`);
    seen.add(p.ref);
    if (p.kongPort !== null) port(p.kongPort, `gateway port of ${p.ref}`);
    if (p.upstreamHost) host(p.upstreamHost, `node address of ${p.ref}`);
  }
}

/**
 * A status answer: a static HTML page (served by nginx itself, so it works
 * while the app is down), or JSON for API clients (apikey header or
 * Accept: application/json).
 */
function statusPage(status: 503 | 404, page: string, json: string, s: ProxySettings, retryAfter: boolean): string {
  const retry = retryAfter ? "add_header Retry-After 60 always;\n      " : "";
  return `  root ${s.pagesDir};
  location = /${page} { internal; default_type text/html; ${retry}}
  location = /__supafleet_status.json { internal; default_type application/json; ${retry}return ${status} '${json}'; }
  location / {
      ${retry}error_page ${status} /${page};
      set $sf_api 0;
      if ($http_apikey) { set $sf_api 1; }
      if ($http_accept ~* "application/json") { set $sf_api 1; }
      if ($sf_api) { rewrite ^ /__supafleet_status.json last; }
      return ${status};
  }`;
}

const PROXY_HEADERS = `    proxy_http_version 1.1;
    proxy_set_header Host $host;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $sf_connection_upgrade;
    proxy_set_header X-Real-IP $remote_addr;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_set_header X-Forwarded-Host $host;
    proxy_set_header X-Forwarded-Port $server_port;`;

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

function wakeLocations(ref: string, s: ProxySettings): string {
  const app = `http://${host(s.appUpstream.host, "app host")}:${port(s.appUpstream.port, "app port")}`;
  return `
  location = /__supafleet_wake_gate {
    internal;
    proxy_pass ${app}/api/wake/${ref};
${PROXY_HEADERS}
    proxy_pass_request_body off;
    proxy_set_header Content-Length "";
    proxy_set_header ${WAKE_GATE_HEADER} 1;
    proxy_set_header ${WAKE_URI_HEADER} $request_uri;
    proxy_read_timeout ${Math.ceil(WAKE_HOLD_MS / 1000) + 15}s;
  }
  location @supafleet_wake_reply {
    rewrite ^ /api/wake/${ref} break;
    proxy_pass ${app};
${PROXY_HEADERS}
    proxy_pass_request_body off;
    proxy_set_header Content-Length "";
    proxy_set_header ${WAKE_GATE_HEADER} "";
  }`;
}

export function renderNginxConfig(projects: ProxyProject[], settings: ProxySettings): string {
  validate(projects, settings);
  const s = settings;
  const domain = s.rootDomain;
  const sorted = [...projects].sort((a, b) => a.ref.localeCompare(b.ref));
  const tls = planTls(s);
  const out: string[] = [
    "# Generated by Supafleet (lib/proxy/render-nginx-config.ts). Do not edit: it is rewritten after every project change.",
    "map $http_upgrade $sf_connection_upgrade {\n  default upgrade;\n  ''      close;\n}",
    // API clients (an apikey header, or asking for JSON) get JSON status answers, browsers HTML.
    'map "$http_apikey|$http_accept" $sf_reply {\n  default html;\n  "~^[^|]+\\|" json;\n  "~*\\|.*application/json" json;\n}',
    "geo $sf_loopback {\n  default 0;\n  127.0.0.0/8 1;\n  ::1 1;\n}",
    ...limitZones(s.limits),
    ...(s.activityLog ? [`log_format sf_activity '${ACTIVITY_LOG_FORMAT}';`] : []),
    // Unknown Host values and bare IPs: close the connection without an answer.
    `server {
  ${listen(s.httpListen, "HTTP listen", " default_server")}
  server_name _;
  return 444;
}`,
  ];
  if (s.tls) {
    // No certificate is offered to a name we do not serve (nor to clients without SNI).
    out.push(`server {
  ${listen(s.tls.httpsListen, "HTTPS listen", " ssl default_server")}
  server_name _;
  ssl_reject_handshake on;
  return 444;
}`);
  }

  if (s.tls) {
    out.push(`server {
  ${listen(s.httpListen, "HTTP listen")}
  server_name ${domain} *.${domain};
  return 301 https://$host$request_uri;
}`);
  }

  // The Supafleet app on the root domain.
  out.push(`server {
  ${tls.listen(domain)}
  server_name ${domain};
  client_max_body_size 10m;${s.tls ? '\n  add_header Strict-Transport-Security "max-age=31536000" always;' : ""}
  location / {${appLimits(s.limits)}
    proxy_pass http://${host(s.appUpstream.host, "app host")}:${port(s.appUpstream.port, "app port")};
${PROXY_HEADERS}
    proxy_buffering off;
    proxy_read_timeout 3600s;
  }
}`);

  // Buffered: nginx writes it every few seconds, not per request.
  const activity = s.activityLog ? `\n  access_log ${s.activityLog} sf_activity buffer=16k flush=5s;` : "";
  for (const p of sorted) {
    const name = projectAddress(p.ref, { rootDomain: domain, publicScheme: s.scheme }).host;
    // UNKNOWN (the engine did not answer) is routed too: if the gateway is
    // down the answer is 503 with Retry-After, never "project not found".
    const gated = p.pausedBy === "idle" && (p.status === STATUS.INACTIVE || p.status === STATUS.RESTORING) && p.kongPort !== null;
    if (gated || (isStatusIn(p.status, ROUTED_STATUSES) && p.kongPort !== null)) {
      out.push(`server {
  ${tls.listen(name)}
  server_name ${name};${activity}
  client_max_body_size ${s.clientMaxBodySize};
  location / {${gated ? WAKE_GATE + gatedLimits(s.limits) : ""}
    proxy_pass http://${p.upstreamHost || "127.0.0.1"}:${p.kongPort};
${PROXY_HEADERS}
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
  }${gated ? wakeLocations(p.ref, s) : ""}
  location = /__supafleet_unavailable_html { internal; default_type text/html; add_header Retry-After ${UNAVAILABLE_RETRY_S} always; alias ${s.pagesDir}/unavailable.html; }
  location = /__supafleet_unavailable_json { internal; default_type application/json; add_header Retry-After ${UNAVAILABLE_RETRY_S} always; return 503 '{"code":503,"message":"Project ${p.ref} is starting or unavailable. Retry shortly."}'; }
}`);
    } else if (isStatusIn(p.status, PAUSED_STATUSES)) {
      out.push(`server {
  ${tls.listen(name)}
  server_name ${name};
${statusPage(503, "paused.html", `{"code":503,"message":"Project ${p.ref} is paused. Resume it from the Supafleet dashboard."}`, s, true)}
}`);
    }
  }

  out.push(...tls.servers());

  // Every other subdomain: unknown, removed or failed projects.
  out.push(`server {
  ${tls.listen(`*.${domain}`)}
  server_name *.${domain};
${statusPage(404, "not-found.html", `{"code":404,"message":"Project not found."}`, s, false)}
}`);
  const body = out.join("\n\n") + "\n";
  // The version marker lets the applier see when a reload has really taken
  // effect (nginx -s reload only signals the master). Only loopback clients
  // get it; anyone else is treated like an unknown host.
  return `${body}
server {
  ${listen(s.httpListen, "HTTP listen")}
  server_name ${CONFIG_VERSION_HOST};
  if ($sf_loopback = 0) { return 444; }
  location = /version { default_type text/plain; return 200 '${configVersion(body)}'; }
}
`;
}

/** A name no DNS resolves (.invalid is reserved), used only by the applier. */
export const CONFIG_VERSION_HOST = "supafleet-config.invalid";

export function configVersion(body: string): string {
  return createHash("sha256").update(body).digest("hex").slice(0, 16);
}

export function versionOf(rendered: string): string | null {
  return /location = \/version \{ default_type text\/plain; return 200 '([0-9a-f]{16})'; \}/.exec(rendered)?.[1] ?? null;
}
