// renderNginxConfig: the generated part of nginx's config, as a pure
// function of the projects and settings. Every value that reaches the file is
// validated against a strict pattern first, so nothing a user typed can
// inject a directive (refs are generated, but the renderer does not rely on it).
//
// Its size grows by one short line per project, not by a server block: a map
// from each project's name to its gateway (or "paused") that the wildcard
// block reads, plus a server_name line in the shared block for projects
// behind the wake gate. nginx parses the file twice per apply (`nginx -t`,
// then the master on reload), so this keeps an apply nearly flat in the
// number of projects (bench/control-plane.ts; lib/proxy/nginx-project-blocks.ts).
import { createHash } from "node:crypto";
import { isStatusIn, PAUSED_STATUSES, ROUTED_STATUSES, STATUS } from "@/lib/domain";
import { InvalidProxyInputError } from "@/lib/errors";
import { ACTIVITY_LOG_FORMAT } from "@/lib/proxy/activity";
import { appLimits, limitZones } from "@/lib/proxy/nginx-limits";
import {
  appOrigin,
  PAUSED_ROUTE,
  pausedServer,
  PROXY_HEADERS,
  projectServer,
  REF_VAR,
  ROUTE_VAR,
  SHARED_TARGET,
  wildcardServer,
} from "@/lib/proxy/nginx-project-blocks";
import { studioMaps } from "@/lib/proxy/nginx-studio-blocks";
import { host, isHostname, isIpv4, listen, path, port, size } from "@/lib/proxy/nginx-values";
import type { ProxyProject, ProxySettings } from "@/lib/proxy/proxy-types";
import { REF_PATTERN } from "@/lib/validations/project";
import { projectAddress } from "@/lib/stack/address";
import { challengeLocation, planTls, type TlsPlan } from "@/lib/proxy/render-tls";

export type { ProxyProject, ProxySettings } from "@/lib/proxy/proxy-types";
export { UNAVAILABLE_RETRY_S } from "@/lib/proxy/nginx-project-blocks";

/** How a project's name is answered. */
export type ProjectRoute =
  | { kind: "routed" | "gated"; ref: string; name: string; upstream: string; ownServer: boolean }
  | { kind: "paused"; ref: string; name: string; ownServer: boolean };

function validate(projects: ProxyProject[], s: ProxySettings): void {
  if (!isHostname(s.rootDomain)) throw new InvalidProxyInputError(`root domain is not a hostname: ${JSON.stringify(s.rootDomain)}`);
  size(s.clientMaxBodySize, "body size");
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
    if (p.customHost) {
      const h = p.customHost.hostname;
      // Checked when the owner typed it (lib/validations/custom-domain.ts); again here, as every value that reaches the file.
      if (!isHostname(h) || isIpv4(h) || !h.includes(".") || h === s.rootDomain || h.endsWith(`.${s.rootDomain}`))
        throw new InvalidProxyInputError(`custom hostname of ${p.ref} is not a hostname outside ${s.rootDomain}: ${JSON.stringify(h)}`);
      if (seen.has(h)) throw new InvalidProxyInputError(`custom hostname ${h} appears twice`);
      seen.add(h);
    }
  }
}

/** The route of one (validated) project, or null: no entry, the wildcard answers "not found". */
export function projectRoute(p: ProxyProject, s: Pick<ProxySettings, "rootDomain" | "scheme" | "acme">): ProjectRoute | null {
  const name = projectAddress(p.ref, { rootDomain: s.rootDomain, publicScheme: s.scheme }).host;
  const certified = s.acme !== undefined && Object.hasOwn(s.acme.certificates, name);
  // UNKNOWN (the engine did not answer) is routed too: if the gateway is
  // down the answer is 503 with Retry-After, never "project not found".
  const gated = p.pausedBy === "idle" && (p.status === STATUS.INACTIVE || p.status === STATUS.RESTORING) && p.kongPort !== null;
  if (gated || (isStatusIn(p.status, ROUTED_STATUSES) && p.kongPort !== null)) {
    const upstreamHost = p.upstreamHost || "127.0.0.1";
    // A gateway reached by name needs its own block (through the map's variable nginx would need a resolver),
    // and so does a name with a certificate Supafleet issued (lib/proxy/render-tls.ts): the block carries it.
    return { kind: gated ? "gated" : "routed", ref: p.ref, name, upstream: `${upstreamHost}:${p.kongPort}`, ownServer: !isIpv4(upstreamHost) || certified };
  }
  return isStatusIn(p.status, PAUSED_STATUSES) ? { kind: "paused", ref: p.ref, name, ownServer: certified } : null;
}

/**
 * A project's custom hostname: once active, a block of its own serving the
 * project (the paused page while it is paused); verified but not active, only
 * the CA's HTTP-01 requests on port 80 (with ACME on), so the certificate is
 * there before activation. Nothing for a project with no route.
 */
function customHostServers(projects: ProxyProject[], routes: ProjectRoute[], s: ProxySettings, tls: TlsPlan): string[] {
  const out: string[] = [];
  const byRef = new Map(routes.map((r) => [r.ref, r]));
  for (const p of [...projects].sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0))) {
    const custom = p.customHost;
    const r = byRef.get(p.ref);
    if (!custom || !r) continue;
    const name = custom.hostname;
    if (!custom.active) {
      if (s.acme && !s.tls)
        out.push(`server {
  ${listen(s.httpListen, "HTTP listen")}
  server_name ${name};
  ${challengeLocation(s)}
  location / { return 404; }
}`);
      continue;
    }
    out.push(
      r.kind === "paused"
        ? pausedServer(name, s, tls.listen(name))
        : projectServer([name], { ref: r.ref, upstream: r.upstream }, r.kind === "gated", s, tls.listen(name)),
    );
  }
  return out;
}

/**
 * The map's hash must hold every name (nginx refuses to start otherwise):
 * buckets of at least two entries of the longest name, and room to spread.
 * They precede the first map (nginx reads them when it builds one).
 */
function mapHashSizes(routes: ProjectRoute[], domain: string): string[] {
  const longest = Math.max(domain.length, ...routes.map((r) => r.name.length));
  // ngx_hash.h NGX_HASH_ELT_SIZE: a pointer, then the name and two bytes, aligned to 8.
  const entry = 8 + Math.ceil((longest + 2) / 8) * 8;
  let bucket = 64;
  while (bucket < 8 + 2 * entry) bucket *= 2;
  return [`map_hash_bucket_size ${bucket};`, `map_hash_max_size ${Math.max(2048, 4 * routes.length)};`];
}

function routeMap(routes: ProjectRoute[], domain: string): string {
  const lines = routes.filter((r) => !r.ownServer).map((r) => `  ${r.name} ${r.kind === "paused" ? PAUSED_ROUTE : r.upstream};`);
  return `# Each project's name: its gateway's address, or "${PAUSED_ROUTE}". A name not listed is unknown.
map $host ${ROUTE_VAR} {
  default "";
${lines.join("\n")}
}
map $host ${REF_VAR} {
  default "";
  "~^([a-z]{20})\\.${domain.replaceAll(".", "\\.")}$" $1;
}`;
}

export function renderNginxConfig(projects: ProxyProject[], settings: ProxySettings): string {
  validate(projects, settings);
  const s = settings;
  const domain = s.rootDomain;
  const routes = [...projects]
    // Refs are validated lowercase ASCII: code-unit order, which is ICU's localeCompare order for them and 40× faster at 10,000.
    .sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0))
    .map((p) => projectRoute(p, s))
    .filter((r) => r !== null);
  const tls = planTls(s);
  const out: string[] = [
    "# Generated by Supafleet (lib/proxy/render-nginx-config.ts). Do not edit: it is rewritten after every project change.",
    mapHashSizes(routes, domain).join("\n"),
    "map $http_upgrade $sf_connection_upgrade {\n  default upgrade;\n  ''      close;\n}",
    // API clients (an apikey header, or asking for JSON) get JSON status answers, browsers HTML.
    'map "$http_apikey|$http_accept" $sf_reply {\n  default html;\n  "~^[^|]+\\|" json;\n  "~*\\|.*application/json" json;\n}',
    studioMaps(),
    "geo $sf_loopback {\n  default 0;\n  127.0.0.0/8 1;\n  ::1 1;\n}",
    ...limitZones(s.limits),
    ...(s.activityLog ? [`log_format sf_activity '${ACTIVITY_LOG_FORMAT}';`] : []),
    routeMap(routes, domain),
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
  # Asked by project blocks' subrequests only (lib/proxy/nginx-studio-blocks.ts), never from outside.
  location ^~ /api/studio/gate/ { return 404; }
  location / {${appLimits(s.limits)}
    proxy_pass ${appOrigin(s)};
${PROXY_HEADERS}
    proxy_buffering off;
    proxy_read_timeout 3600s;
  }
}`);

  // Projects that need a server block of their own (see nginx-project-blocks.ts).
  for (const r of routes)
    if (r.ownServer)
      out.push(
        r.kind === "paused"
          ? pausedServer(r.name, s, tls.listen(r.name))
          : projectServer([r.name], { ref: r.ref, upstream: r.upstream }, r.kind === "gated", s, tls.listen(r.name)),
      );
  // Custom hostnames (lib/domains): their own blocks, with their own certificates.
  out.push(...customHostServers(projects, routes, s, tls));
  // The shared blocks hold only names without a certificate of their own: plain HTTP (or the operator's certificate).
  const wildcard = `*.${domain}`;
  const gated = routes.filter((r) => r.kind === "gated" && !r.ownServer).map((r) => r.name);
  if (gated.length > 0) out.push(projectServer(gated, SHARED_TARGET, true, s, tls.listen(wildcard)));
  // Running projects by the map; paused, unknown, removed or failed ones.
  out.push(wildcardServer(s, tls.listen(wildcard)));
  // Port 80 for the names that now speak HTTPS, and the HTTPS catch-all.
  out.push(...tls.servers());

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
