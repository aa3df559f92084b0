// STAND-IN for PostgREST (postgrest/postgrest v14.5 and v14.17), a behaving
// test double: reads PostgREST's settings (config.js), connects to the
// database as PGRST_DB_URI says (the templates: as authenticator), keeps a
// schema cache reloaded by NOTIFY, and answers table requests as PostgREST
// does (handler.js), with PostgreSQL enforcing grants and RLS. Its admin
// server answers /live and /ready (src/PostgREST/Admin.hs). Every answer
// carries x-supafleet-standin: rest and x-supafleet-standin-mode: double.
"use strict";
const http = require("http");
const { Pool, Client } = require("pg");
const { readConfig, ConfigError } = require("./config");
const { loadSchemaCache } = require("./schema-cache");
const { handle } = require("./handler");
const { fromPgError, errorBody, PgrstError } = require("./errors");
const { ident } = require("./sql");

const MARKERS = { "x-supafleet-standin": "rest", "x-supafleet-standin-mode": "double" };

let config;
try {
  config = readConfig();
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message);
  process.exit(1);
}

// Warp's host preferences: "!4"/"*4" any IPv4, "!6"/"*6"/"*" any address.
const bindHost = (h) => ({ "!4": "0.0.0.0", "*4": "0.0.0.0", "!6": "::", "*6": "::", "*": "::", localhost: "127.0.0.1" })[h] ?? h;

const pool = new Pool({ connectionString: config.dbUri, max: config.poolSize, fallback_application_name: "PostgREST 14 (Supafleet stand-in)" });
pool.on("error", (e) => console.error(`pool: ${e.message}`));

const state = {
  config,
  pool,
  cache: null,
  // ApiRequest.hs iHdrs: folded-case names, the Cookie header left out, the last one of a name wins.
  headersOf(req) {
    const out = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const k = req.rawHeaders[i].toLowerCase();
      if (k !== "cookie") out[k] = req.rawHeaders[i + 1];
    }
    return out;
  },
  cookiesOf(req) {
    const out = {};
    for (const part of (req.headers.cookie ?? "").split(";")) {
      const i = part.indexOf("=");
      if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
    }
    return out;
  },
};

async function reloadSchemaCache() {
  const client = await pool.connect();
  try {
    state.cache = await loadSchemaCache(client, config.schemas);
    console.log(`Schema cache loaded: ${state.cache.tables.size} relations`);
  } finally {
    client.release();
  }
}

// Listener.hs: LISTEN on db-channel; '' or 'reload schema' reloads the cache.
// After a lost connection it listens again and reloads.
async function listen() {
  const client = new Client({ connectionString: config.dbUri });
  let restarted = false;
  const restart = () => {
    if (restarted) return;
    restarted = true;
    client.end().catch(() => undefined);
    setTimeout(() => listen().catch(() => undefined), 1000);
  };
  client.on("error", restart);
  client.on("end", restart);
  client.on("notification", (n) => {
    if (n.payload === "" || n.payload === "reload schema") reloadSchemaCache().catch((e) => console.error(`schema cache: ${e.message}`));
  });
  try {
    await client.connect();
    await client.query(`LISTEN ${ident(config.channel)}`);
    await reloadSchemaCache();
  } catch (e) {
    console.error(`listener: ${e.message}`);
    restart();
  }
}

// AppState.hs: retry the connection with a growing delay (at most 32 s) until the schema cache loads.
async function connectLoop(delay = 1) {
  try {
    await reloadSchemaCache();
    console.log("Connection successful");
    if (config.channelEnabled) await listen();
  } catch (e) {
    console.error(`Database connection error. Retrying the connection in ${delay} seconds: ${e.message}`);
    setTimeout(() => connectLoop(Math.min(delay * 2, 32)), delay * 1000);
  }
}

function send(res, status, headers, body) {
  const buf = Buffer.from(body ?? "", "utf8");
  res.writeHead(status, { ...headers, "Content-Length": String(buf.length), ...MARKERS });
  res.end(res.req.method === "HEAD" ? undefined : buf);
}

function sendError(res, e) {
  send(res, e.status, { "Content-Type": "application/json; charset=utf-8", "Proxy-Status": `PostgREST; error=${e.code}`, ...e.headers }, errorBody(e));
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const q = req.url.indexOf("?");
    const rawPath = q < 0 ? req.url : req.url.slice(0, q);
    const rawQuery = q < 0 ? "" : req.url.slice(q + 1);
    handle(state, req, rawPath, rawQuery, Buffer.concat(chunks))
      .then((r) => send(res, r.status, r.headers, r.body))
      .catch((e) => {
        if (e instanceof PgrstError) return sendError(res, e);
        if (e instanceof URIError) return sendError(res, new PgrstError(404, "PGRST125", "Invalid path specified in request URL"));
        console.error(e);
        return sendError(res, fromPgError(e, true));
      });
  });
});
server.listen(config.serverPort, bindHost(config.serverHost), () => console.log(`Listening on port ${config.serverPort}`));

// Admin.hs: /live while the main server runs; /ready once connected with a schema cache.
if (config.adminPort !== undefined) {
  http
    .createServer((req, res) => {
      const path = req.url.split("?")[0];
      if (path === "/live") return send(res, server.listening ? 200 : 500, {}, "");
      if (path === "/ready") return send(res, state.cache && server.listening ? 200 : 503, {}, "");
      return send(res, 404, {}, "");
    })
    .listen(config.adminPort, bindHost(config.adminHost), () => console.log(`Admin server listening on port ${config.adminPort}`));
}

connectLoop();
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => process.exit(0));
