// STAND-IN for Supabase's service images (test double). Listens where the
// real service listens, satisfies the template's health checks, and echoes
// each request so tests can see how the gateway routed it. Every answer
// carries "x-supafleet-standin: <service>" so a client (scripts/smoke.mjs)
// never mistakes an echo for the real service. As supavisor it forwards
// Postgres connections for "<user>.<tenant>" to the project's db.
// Each image's entry script (test/standins/<service>/) first does what the
// real image's entrypoint does with its files (reads its config as its user).
"use strict";
const http = require("http");
const net = require("net");
const tls = require("tls");
const fs = require("fs");

const service = process.env.SUPAFLEET_SERVICE || "unknown";
const ref = process.env.SUPAFLEET_REF || "";
const PORTS = { studio: 3000, auth: 9999, rest: 3000, realtime: 4000, storage: 5000, imgproxy: 5001, functions: 9000, analytics: 4000, vector: 9001, supavisor: 4000 };
const port = PORTS[service];
if (!port) {
  console.error(`service stand-in: unknown SUPAFLEET_SERVICE "${service}"`);
  process.exit(2);
}

const server = http.createServer((req, res) => {
  res.writeHead(200, { "content-type": "application/json", "x-supafleet-standin": service });
  res.end(JSON.stringify({ service, ref, method: req.method, path: req.url, headers: req.headers }));
});
// Realtime's websocket endpoint: accept the upgrade and echo frames back raw.
server.on("upgrade", (req, socket) => {
  socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nx-supafleet-standin: " + service + "\r\n\r\n");
  socket.pipe(socket);
});
server.listen(port, "0.0.0.0", () => console.log(`${service} stand-in listening on ${port}`));

// PostgREST's admin server (/live, /ready), only where the template enables it.
if (service === "rest" && process.env.PGRST_ADMIN_SERVER_PORT) {
  const host = process.env.PGRST_ADMIN_SERVER_HOST || "0.0.0.0";
  http
    .createServer((req, res) => {
      res.writeHead(req.url === "/ready" || req.url === "/live" ? 200 : 404, { "x-supafleet-standin": service });
      res.end();
    })
    .listen(Number(process.env.PGRST_ADMIN_SERVER_PORT), host === "localhost" ? "127.0.0.1" : host);
}

if (service === "supavisor") {
  const tenant = process.env.POOLER_TENANT_ID;
  const dbPort = Number(process.env.POSTGRES_PORT || 5432);
  const SSL_REQUEST = 80877103;
  const GSS_REQUEST = 80877104;
  // As the real Supavisor (config/runtime.exs): with GLOBAL_DOWNSTREAM_CERT_PATH
  // and _KEY_PATH it answers SSLRequest with TLS; a path that names no file
  // stops it at start.
  let tlsOptions = null;
  const certPath = process.env.GLOBAL_DOWNSTREAM_CERT_PATH;
  const keyPath = process.env.GLOBAL_DOWNSTREAM_KEY_PATH;
  for (const [name, path] of [["GLOBAL_DOWNSTREAM_CERT_PATH", certPath], ["GLOBAL_DOWNSTREAM_KEY_PATH", keyPath]]) {
    if (path !== undefined && !fs.existsSync(path)) {
      console.error(`There is no such file in $${name}`);
      process.exit(1);
    }
  }
  if (certPath && keyPath) tlsOptions = { cert: fs.readFileSync(certPath), key: fs.readFileSync(keyPath) };

  function errorResponse(message) {
    const fields = Buffer.concat([Buffer.from("SFATAL\0C28000\0M" + message + "\0"), Buffer.from([0])]);
    const len = Buffer.alloc(4);
    len.writeInt32BE(fields.length + 4);
    return Buffer.concat([Buffer.from("E"), len, fields]);
  }

  function handle(client, secure) {
    let buf = Buffer.alloc(0);
    const onData = (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 8) {
        const len = buf.readInt32BE(0);
        if (buf.length < len) return;
        const code = buf.readInt32BE(4);
        const msg = buf.subarray(0, len);
        buf = buf.subarray(len);
        if (code === SSL_REQUEST && tlsOptions && !secure) {
          // Upgrade in place; the startup message follows inside TLS.
          client.removeListener("data", onData);
          client.write("S");
          const tlsSocket = new tls.TLSSocket(client, { isServer: true, ...tlsOptions });
          tlsSocket.on("error", () => client.destroy());
          handle(tlsSocket, true);
          return;
        }
        if (code === SSL_REQUEST || code === GSS_REQUEST) {
          client.write("N");
          continue;
        }
        client.removeListener("data", onData);
        // Startup message: rewrite "user.tenant" to "user", as Supavisor does.
        const parts = msg.subarray(8).toString("utf8").split("\0");
        const params = {};
        for (let i = 0; i + 1 < parts.length; i += 2) if (parts[i]) params[parts[i]] = parts[i + 1];
        const m = /^(.+)\.([a-z0-9-]+)$/.exec(params.user || "");
        if (!m || m[2] !== tenant) {
          client.end(errorResponse(`Tenant or user not found: ${params.user || ""}`));
          return;
        }
        params.user = m[1];
        const body = Buffer.from(Object.entries(params).map(([k, v]) => `${k}\0${v}\0`).join("") + "\0");
        const head = Buffer.alloc(8);
        head.writeInt32BE(body.length + 8, 0);
        head.writeInt32BE(code, 4);
        const upstream = net.connect(dbPort, "db", () => {
          upstream.write(Buffer.concat([head, body]));
          if (buf.length) upstream.write(buf);
          upstream.pipe(client);
          client.pipe(upstream);
        });
        upstream.on("error", () => client.destroy());
        client.on("error", () => upstream.destroy());
        return;
      }
    };
    client.on("data", onData);
    client.on("error", () => undefined);
  }
  for (const p of [5432, 6543]) net.createServer((c) => handle(c, false)).listen(p, "0.0.0.0", () => console.log(`supavisor stand-in routing tenant ${tenant} on ${p}${tlsOptions ? " (TLS)" : ""}`));
}

// As PID 1, node ignores SIGTERM unless told: docker stop would wait out its grace period.
process.on("SIGTERM", () => process.exit(0));
