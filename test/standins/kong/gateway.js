// STAND-IN for Kong (test double): enforces the rendered kong.yml the way
// Kong does for the plugins our template uses, and proxies by path prefix.
"use strict";
const fs = require("fs");
const http = require("http");
const net = require("net");
// Debian's node-js-yaml, by path: node was moved off the PATH (common/Dockerfile) and no longer finds Debian's module dirs.
const yaml = require("/usr/share/nodejs/js-yaml");

const file = process.env.KONG_DECLARATIVE_CONFIG || "/home/kong/kong.yml";
let conf;
try {
  // Read as the container's user (kong, 100:65533), as Kong reads it.
  conf = yaml.load(fs.readFileSync(file, "utf8"));
} catch (err) {
  console.error(`gateway stand-in: cannot load declarative config ${file}: ${err.message}`);
  process.exit(1);
}

const keyToConsumer = new Map();
for (const c of conf.consumers || []) for (const k of c.keyauth_credentials || []) keyToConsumer.set(k.key, c.username);
const groups = new Map();
for (const a of conf.acls || []) groups.set(a.consumer, [...(groups.get(a.consumer) || []), a.group]);
const basic = (conf.basicauth_credentials || []).map((b) => ({ consumer: b.consumer, token: Buffer.from(`${b.username}:${b.password}`).toString("base64") }));

// Kong picks the longest matching path prefix.
const routes = [];
for (const s of conf.services || []) for (const r of s.routes || []) for (const p of r.paths || []) routes.push({ prefix: p, strip: r.strip_path !== false, service: s });
routes.sort((a, b) => b.prefix.length - a.prefix.length);

// Marks every answer as coming through the stand-in gateway (scripts/smoke.mjs reports it).
const MARK = { "x-supafleet-standin-gateway": "kong" };

function send(res, status, body, headers = {}) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...MARK, ...headers });
  res.end(JSON.stringify(body));
}

function plugin(service, name) {
  return (service.plugins || []).find((p) => p.name === name);
}

/** Returns null when allowed, or [status, body, headers] to answer with. */
function authorize(service, req, url) {
  const term = plugin(service, "request-termination");
  if (term) return [term.config.status_code, { message: term.config.message }];
  let consumer = null;
  const ka = plugin(service, "key-auth");
  if (ka) {
    const key = req.headers.apikey || url.searchParams.get("apikey");
    if (!key) return [401, { message: "No API key found in request" }];
    consumer = keyToConsumer.get(key);
    if (!consumer) return [401, { message: "Invalid authentication credentials" }];
    if (ka.config && ka.config.hide_credentials) {
      delete req.headers.apikey;
      url.searchParams.delete("apikey");
    }
  }
  const ba = plugin(service, "basic-auth");
  if (ba) {
    const h = req.headers.authorization || "";
    if (!h.startsWith("Basic ")) return [401, { message: "Unauthorized" }, { "www-authenticate": 'Basic realm="kong"' }];
    const match = basic.find((b) => b.token === h.slice(6).trim());
    if (!match) return [401, { message: "Invalid authentication credentials" }];
    consumer = match.consumer;
    if (ba.config && ba.config.hide_credentials) delete req.headers.authorization;
  }
  const acl = plugin(service, "acl");
  if (acl) {
    const mine = groups.get(consumer) || [];
    if (!acl.config.allow.some((g) => mine.includes(g))) return [403, { message: "You cannot consume this service" }];
  }
  const rt = plugin(service, "request-transformer");
  if (rt && rt.config && rt.config.add && rt.config.add.headers) {
    for (const h of rt.config.add.headers) {
      const i = h.indexOf(":");
      const name = h.slice(0, i).trim().toLowerCase();
      if (!(name in req.headers)) req.headers[name] = h.slice(i + 1).trim();
    }
  }
  return null;
}

function target(route, url) {
  const up = new URL(route.service.url);
  let rest = route.strip ? url.pathname.slice(route.prefix.length) : url.pathname;
  let base = up.pathname;
  if (base.endsWith("/") && rest.startsWith("/")) rest = rest.slice(1);
  if (!base.endsWith("/") && rest && !rest.startsWith("/")) base += "/";
  return { host: up.hostname, port: Number(up.port || 80), path: base + rest + url.search };
}

function match(req) {
  const url = new URL(req.url, "http://gateway");
  const route = routes.find((r) => url.pathname.startsWith(r.prefix) || url.pathname + "/" === r.prefix);
  return { url, route };
}

function cors(route, res) {
  if (plugin(route.service, "cors")) res.setHeader("access-control-allow-origin", "*");
}

const upstreamPool = new http.Agent({ keepAlive: true });

const server = http.createServer((req, res) => {
  const { url, route } = match(req);
  if (!route) return send(res, 404, { message: "no Route matched with those values" });
  cors(route, res);
  if (req.method === "OPTIONS" && plugin(route.service, "cors")) {
    res.writeHead(200, { "access-control-allow-methods": "GET,HEAD,PUT,PATCH,POST,DELETE", "access-control-allow-headers": req.headers["access-control-request-headers"] || "*" });
    return res.end();
  }
  const denied = authorize(route.service, req, url);
  if (denied) return send(res, denied[0], denied[1], denied[2]);
  const t = target(route, url);
  // Kong's nginx template (kong/templates/nginx_kong.lua): proxy_http_version 1.1 and
  // "proxy_set_header Connection $upstream_connection" ("keep-alive" unless the request
  // upgrades), so the client's own Connection header never reaches the service.
  const headers = { ...req.headers, host: `${t.host}:${t.port}`, connection: "keep-alive" };
  delete headers["keep-alive"];
  delete headers["proxy-connection"];
  const up = http.request({ host: t.host, port: t.port, path: t.path, method: req.method, headers, agent: upstreamPool }, (ures) => {
    res.writeHead(ures.statusCode || 502, { ...ures.headers, ...MARK });
    ures.pipe(res);
    ures.on("aborted", () => res.destroy());
  });
  // An upstream that answers before reading the whole body (and closes, as a
  // Node server does) ends the request as nginx ends it: the answer goes to the
  // client, the rest of the client's body is read and dropped
  // (ngx_http_discard_request_body), never forwarded.
  res.on("finish", () => {
    if (req.complete) return;
    req.unpipe(up);
    up.destroy();
    req.resume();
  });
  up.on("error", (err) => {
    if (!res.headersSent) return send(res, 502, { message: "An invalid response was received from the upstream server", error: String(err.message) });
    // Headers already sent: no second answer; a cut-off one ends the connection.
    if (!res.writableFinished) res.destroy();
  });
  req.pipe(up);
});

server.on("upgrade", (req, socket, head) => {
  const { url, route } = match(req);
  const refuse = (status, body) => {
    socket.end(`HTTP/1.1 ${status} X\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n${JSON.stringify(body)}`);
  };
  if (!route) return refuse(404, { message: "no Route matched with those values" });
  const denied = authorize(route.service, req, url);
  if (denied) return refuse(denied[0], denied[1]);
  const t = target(route, url);
  const up = net.connect(t.port, t.host, () => {
    const headers = Object.entries({ ...req.headers, host: `${t.host}:${t.port}` }).map(([k, v]) => `${k}: ${v}`).join("\r\n");
    up.write(`${req.method} ${t.path} HTTP/1.1\r\n${headers}\r\n\r\n`);
    if (head && head.length) up.write(head);
    up.pipe(socket);
    socket.pipe(up);
  });
  up.on("error", () => socket.destroy());
  socket.on("error", () => up.destroy());
});

server.listen(8000, "0.0.0.0", () => console.log(`gateway stand-in: ${routes.length} routes from ${file}`));

// As PID 1, node ignores SIGTERM unless told: docker stop would wait out its grace period.
process.on("SIGTERM", () => process.exit(0));
