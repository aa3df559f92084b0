// STAND-IN for Envoy (test double), as the template configures it: a bootstrap
// (-c) naming a file-based cds and lds, one HTTP listener. It exits 1 when any
// of those files cannot be read or holds something it does not implement, so
// it is never more forgiving than Envoy. Per request, in Envoy's order:
// route match (first match wins; prefix or exact path), CORS preflight,
// basic_auth (unless disabled per route), the Lua filters (executed by LuaJIT,
// lua-filters.lua), RBAC (per-route config replaces the listener's), then the
// route's header changes, prefix_rewrite and host_rewrite_literal, proxied to
// the cluster (HTTP and websocket upgrades).
"use strict";
const fs = require("fs");
const http = require("http");
const net = require("net");
const crypto = require("crypto");
const { execFileSync } = require("child_process");
const yaml = require("/usr/share/nodejs/js-yaml");

function fail(msg) {
  console.error(`envoy stand-in: ${msg}`);
  process.exit(1);
}

const args = process.argv.slice(2);
const ci = args.indexOf("-c");
if (ci < 0 || !args[ci + 1]) fail("usage: envoy -c <bootstrap.yaml>");
function load(file) {
  try {
    return yaml.load(fs.readFileSync(file, "utf8"));
  } catch (err) {
    return fail(`cannot load ${file}: ${err.message}`);
  }
}
const boot = load(args[ci + 1]);
const cds = load(boot.dynamic_resources.cds_config.path_config_source.path);
const lds = load(boot.dynamic_resources.lds_config.path_config_source.path);

const clusters = new Map();
for (const c of cds.resources) {
  const addr = c.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address;
  clusters.set(c.name, { host: addr.address, port: addr.port_value });
}

const listener = lds.resources[0];
const hcm = listener.filter_chains[0].filters[0].typed_config;
const vhost = hcm.route_config.virtual_hosts[0];
const routes = vhost.routes;
for (const r of routes) {
  if (!r.match.prefix && !r.match.path) fail(`route ${r.name || "?"}: only prefix and path matches are implemented`);
  if (!clusters.has(r.route.cluster)) fail(`route ${r.name || r.match.prefix}: unknown cluster ${r.route.cluster}`);
}

// The HTTP filter chain; anything unknown stops the stand-in.
const KNOWN = new Set(["envoy.filters.http.cors", "envoy.filters.http.basic_auth", "envoy.filters.http.lua", "envoy.filters.http.rbac", "envoy.filters.http.router"]);
const luaDir = fs.mkdtempSync("/tmp/envoy-lua-");
const luaFiles = [];
let basicUsers = null;
let listenerRbac = null;
for (const f of hcm.http_filters) {
  if (!KNOWN.has(f.name)) fail(`http filter ${f.name} is not implemented`);
  if (f.name === "envoy.filters.http.lua") {
    const file = `${luaDir}/filter-${luaFiles.length}.lua`;
    fs.writeFileSync(file, f.typed_config.inline_code);
    luaFiles.push(file);
  }
  if (f.name === "envoy.filters.http.basic_auth") {
    basicUsers = new Map(
      String(f.typed_config.users.inline_string)
        .split("\n")
        .filter(Boolean)
        .map((line) => {
          const i = line.indexOf(":");
          if (!line.slice(i + 1).startsWith("{SHA}")) fail("basic_auth: only {SHA} htpasswd entries are supported (as Envoy)");
          return [line.slice(0, i), line.slice(i + 6)];
        }),
    );
  }
  if (f.name === "envoy.filters.http.rbac") listenerRbac = f.typed_config.rules;
}
// LuaJIT must load every filter before any request comes (Envoy refuses bad Lua at load).
for (const file of luaFiles) {
  try {
    execFileSync("luajit", ["-bl", file], { stdio: "ignore" });
  } catch {
    fail(`Lua filter ${file} does not compile`);
  }
}

const MARK = { "x-supafleet-standin-gateway": "envoy" };

function perRoute(route, name) {
  return (route.typed_per_filter_config || {})[name];
}

function normalize(rawPath) {
  const q = rawPath.indexOf("?");
  let path = q < 0 ? rawPath : rawPath.slice(0, q);
  const query = q < 0 ? "" : rawPath.slice(q);
  if (/%2f|%5c/i.test(path)) return null; // path_with_escaped_slashes_action: REJECT_REQUEST
  path = path.replace(/\/{2,}/g, "/"); // merge_slashes
  const out = [];
  for (const seg of path.split("/")) {
    if (seg === "..") out.pop();
    else if (seg !== ".") out.push(seg);
  }
  return { path: out.join("/") || "/", query };
}

function matchRoute(path) {
  return routes.find((r) => (r.match.path !== undefined ? path === r.match.path : path.startsWith(r.match.prefix)));
}

function checkBasic(req) {
  const h = req.headers.authorization || "";
  if (!h.startsWith("Basic ")) return false;
  const decoded = Buffer.from(h.slice(6).trim(), "base64").toString("utf8");
  const i = decoded.indexOf(":");
  const want = basicUsers.get(decoded.slice(0, i));
  return want !== undefined && crypto.createHash("sha1").update(decoded.slice(i + 1)).digest("base64") === want;
}

function principalMatches(p, headers) {
  if (p.any) return true;
  if (p.header) return headers[p.header.name.toLowerCase()] === p.header.string_match.exact;
  throw new Error(`RBAC principal ${Object.keys(p)} is not implemented`);
}

function permissionMatches(p, path) {
  if (p.any) return true;
  if (p.url_path) return path.startsWith(p.url_path.path.prefix);
  throw new Error(`RBAC permission ${Object.keys(p)} is not implemented`);
}

/** true when RBAC lets the request through. */
function rbacAllows(rules, path, headers) {
  if (!rules) return true;
  const matched = Object.values(rules.policies || {}).some((pol) => pol.permissions.some((p) => permissionMatches(p, path)) && pol.principals.some((p) => principalMatches(p, headers)));
  return rules.action === "DENY" ? !matched : matched;
}

/** Runs the Lua filters; returns the resulting headers, or a response. */
function runLua(routeName, headers) {
  const lines = luaFiles.map((f) => `F ${f}`);
  lines.push(`R ${routeName || ""}`);
  for (const [k, v] of Object.entries(headers)) for (const one of [].concat(v)) lines.push(`H ${k}\t${String(one).replace(/[\r\n\t]/g, " ")}`);
  const out = execFileSync("luajit", ["/standin/lua-filters.lua"], { input: lines.join("\n") + "\n", encoding: "utf8" });
  const result = { headers: {}, status: null, body: "" };
  for (const line of out.split("\n")) {
    if (line.startsWith("S ")) result.status = Number(line.slice(2));
    else if (line.startsWith("B ")) result.body = line.slice(2);
    else if (line.startsWith("H ")) {
      const [name, ...rest] = line.slice(2).split("\t");
      const value = rest.join("\t");
      result.headers[name] = result.headers[name] === undefined ? value : [].concat(result.headers[name], value);
    }
  }
  return result;
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, { "content-type": "text/plain", ...MARK, ...headers });
  res.end(body);
}

/** Everything before the proxying; returns the upstream request or a response already sent. */
function prepare(req) {
  const norm = normalize(req.url);
  if (!norm) return { status: 400, body: "Bad Request" };
  for (const name of Object.keys(req.headers)) if (name.includes("_")) return { status: 400, body: "Bad Request" }; // headers_with_underscores_action: REJECT_REQUEST
  const route = matchRoute(norm.path);
  if (!route) return { status: 404, body: "" };
  if (basicUsers && !(perRoute(route, "envoy.filters.http.basic_auth") || {}).disabled && !checkBasic(req)) {
    return { status: 401, body: "User authentication failed. Missing username and password.", headers: { "www-authenticate": 'Basic realm="http://' + (req.headers.host || "") + '"' } };
  }
  const lua = runLua(route.name, { ...req.headers, ":path": norm.path + norm.query });
  if (lua.status) return { status: lua.status, body: lua.body };
  const headers = lua.headers;
  const path = String(headers[":path"]);
  delete headers[":path"];
  const rbac = perRoute(route, "envoy.filters.http.rbac");
  const rules = rbac ? rbac.rbac.rules : listenerRbac;
  if (!rbacAllows(rules, path.split("?")[0], headers)) return { status: 403, body: "RBAC: access denied" };
  for (const h of [...(vhost.request_headers_to_add || []), ...(route.request_headers_to_add || [])]) {
    const key = h.header.key.toLowerCase();
    const value = h.header.value.replace("%REQ(:AUTHORITY)%", req.headers.host || "").replace("%DOWNSTREAM_LOCAL_PORT%", "8000");
    if (headers[key] === undefined) headers[key] = value;
  }
  for (const name of route.request_headers_to_remove || []) delete headers[name.toLowerCase()];
  const target = clusters.get(route.route.cluster);
  const rewritten = route.route.prefix_rewrite !== undefined ? route.route.prefix_rewrite + path.slice((route.match.prefix ?? route.match.path).length) : path;
  headers.host = route.route.host_rewrite_literal || headers.host || "";
  return { target, path: rewritten, headers };
}

// Envoy cleans the hop-by-hop headers off a proxied (non-upgrade) request
// (source/common/http/conn_manager_utility.cc mutateRequestHeaders, "Clean proxy
// headers": connection, keep-alive, proxy-connection, transfer-encoding, upgrade)
// and sends it over its own pool of kept-alive HTTP/1.1 connections. So a
// client's "Connection: close" never reaches the service: a Node service that
// answers before reading a large body (storage-api refusing an upload) keeps
// reading and dropping it instead of closing the socket under the gateway.
const HOP_BY_HOP = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"];
const upstreamPool = new http.Agent({ keepAlive: true });
function upstreamHeaders(headers) {
  const out = { ...headers };
  for (const name of HOP_BY_HOP) delete out[name];
  return out;
}

function corsPreflight(req, res) {
  if (req.method !== "OPTIONS" || !req.headers.origin || !req.headers["access-control-request-method"]) return false;
  res.writeHead(200, { "access-control-allow-origin": req.headers.origin, "access-control-allow-methods": vhost.cors.allow_methods, "access-control-allow-headers": req.headers["access-control-request-headers"] || "*", "access-control-max-age": vhost.cors.max_age, ...MARK });
  res.end();
  return true;
}

const server = http.createServer((req, res) => {
  if (corsPreflight(req, res)) return;
  let p;
  try {
    p = prepare(req);
  } catch (err) {
    return send(res, 500, `envoy stand-in: ${err.message}`);
  }
  if (p.status) return send(res, p.status, p.body, p.headers);
  if (req.headers.origin) res.setHeader("access-control-allow-origin", req.headers.origin);
  const up = http.request({ host: p.target.host, port: p.target.port, path: p.path, method: req.method, headers: upstreamHeaders(p.headers), agent: upstreamPool }, (ures) => {
    res.writeHead(ures.statusCode || 502, { ...ures.headers, ...MARK });
    ures.pipe(res);
    ures.on("aborted", () => res.destroy());
  });
  // An upstream that answers before it has read the whole body (storage-api
  // refusing an upload early; Node then closes its connection) ends the
  // exchange as Envoy ends it (source/common/http/conn_manager_impl.cc
  // doEndStream: a stream whose response is complete but whose request is not
  // is reset, and on HTTP/1 the connection is closed after the response is
  // flushed, FlushWriteAndDelay): the client gets the answer, the rest of its
  // body is not forwarded, and the connection closes. Only a failure before
  // the response headers becomes Envoy's 503.
  res.on("finish", () => {
    if (req.complete) return;
    req.unpipe(up);
    up.destroy();
    res.socket?.end();
  });
  up.on("error", (err) => {
    if (!res.headersSent) return send(res, 503, `upstream connect error or disconnect/reset before headers. reset reason: ${err.code === "ECONNREFUSED" ? "connection failure" : "connection termination"}`);
    // The response already started: Envoy never sends a second one; an unfinished one is reset.
    if (!res.writableFinished) res.destroy();
  });
  req.pipe(up);
});

server.on("upgrade", (req, socket, head) => {
  let p;
  try {
    p = prepare(req);
  } catch {
    return socket.destroy();
  }
  if (p.status) return socket.end(`HTTP/1.1 ${p.status} X\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${p.body}`);
  const up = net.connect(p.target.port, p.target.host, () => {
    const lines = Object.entries(p.headers).flatMap(([k, v]) => [].concat(v).map((one) => `${k}: ${one}`));
    up.write(`${req.method} ${p.path} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n`);
    if (head && head.length) up.write(head);
    up.pipe(socket);
    socket.pipe(up);
  });
  up.on("error", () => socket.destroy());
  socket.on("error", () => up.destroy());
});

const addr = listener.address.socket_address;
server.listen(addr.port_value, addr.address, () => console.log(`envoy stand-in: ${routes.length} routes, ${luaFiles.length} Lua filters, ${clusters.size} clusters`));
process.on("SIGTERM", () => process.exit(0));
