// STAND-IN (test double) for supabase/storage-api (template 2026.09-r1: v1.74.0,
// 2026.02-r1: v1.44.2; facts read at supabase/storage v1.70.6, the newest tag in the
// stored snapshots). Started as upstream's image starts it (`node dist/start/server.js`
// in /app, as root), it reads the same settings, runs its migrations' cited subset
// in the project's Postgres, and serves buckets and objects on :5000 with the file
// backend: metadata in storage.buckets/objects under the caller's role (RLS
// decides), bodies streamed to FILE_STORAGE_BACKEND_PATH. Every answer carries
// x-supafleet-standin: storage and x-supafleet-standin-mode: double.
"use strict";
const http = require("http");
const { loadConfig, checkBackendPath } = require("./config");
const { createDb } = require("./db");
const { createBackend } = require("./backend");
const { authenticate } = require("./auth");
const { StorageError, ERRORS } = require("./errors");
const { createObjectRoutes } = require("./objects");
const { createBucketRoutes } = require("./buckets");

const MARKER = { "x-supafleet-standin": "storage", "x-supafleet-standin-mode": "double" };
const JSON_BODY_LIMIT = 1024 * 1024; // fastify's default bodyLimit

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
      size += c.length;
      if (size > JSON_BODY_LIMIT) {
        req.removeAllListeners("data");
        req.resume();
        reject(ERRORS.EntityTooLarge("request body", "the maximum allowed size"));
      } else chunks.push(c);
    });
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      if (!text) return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(ERRORS.InvalidParameter("body", "Body is not valid JSON"));
      }
    });
    req.on("error", reject);
  });
}

// [method, pattern, handler(ctx, params)], in fastify's precedence: static
// segments (list, sign, public, authenticated) before the bucket parameter.
function routes({ objects, buckets, db, backend }) {
  const auth = true;
  return [
    ["GET", /^\/status$/, false, (ctx) => ctx.json(200, "")],
    ["POST", /^\/bucket\/?$/, auth, async (ctx) => buckets.create(ctx, await readJson(ctx.req))],
    ["GET", /^\/bucket\/?$/, auth, (ctx) => buckets.list(ctx)],
    ["POST", /^\/bucket\/([^/]+)\/empty$/, auth, async (ctx, [id]) => {
      const rows = await db.scoped(ctx.user, ctx.req, "storage.bucket.empty", (c) =>
        c.query("DELETE FROM storage.objects WHERE bucket_id = $1 RETURNING name, version", [id]).then((r) => r.rows),
      );
      for (const r of rows) await backend.remove(id, r.name, r.version).catch(() => undefined);
      return ctx.json(200, { message: "Successfully emptied" });
    }],
    ["GET", /^\/bucket\/([^/]+)$/, auth, (ctx, [id]) => buckets.get(ctx, id)],
    ["PUT", /^\/bucket\/([^/]+)$/, auth, async (ctx, [id]) => buckets.update(ctx, id, await readJson(ctx.req))],
    ["DELETE", /^\/bucket\/([^/]+)$/, auth, (ctx, [id]) => buckets.remove(ctx, id)],
    ["POST", /^\/object\/list\/([^/]+)$/, auth, async (ctx, [b]) => objects.list(ctx, b, await readJson(ctx.req))],
    ["POST", /^\/object\/sign\/([^/]+)\/(.+)$/, auth, async (ctx, [b, n]) => objects.sign(ctx, b, n, await readJson(ctx.req))],
    ["GET", /^\/object\/sign\/([^/]+)\/(.+)$/, false, (ctx, [b, n]) => objects.signed(ctx, b, n, ctx.query.get("token"))],
    ["GET", /^\/object\/public\/([^/]+)\/(.+)$/, false, (ctx, [b, n]) => objects.downloadPublic(ctx, b, n)],
    ["GET", /^\/object\/authenticated\/([^/]+)\/(.+)$/, auth, (ctx, [b, n]) => objects.download(ctx, b, n)],
    ["GET", /^\/object\/([^/]+)\/(.+)$/, auth, (ctx, [b, n]) => objects.download(ctx, b, n)],
    ["POST", /^\/object\/([^/]+)\/(.+)$/, auth, (ctx, [b, n]) => objects.upload(ctx, b, n, ctx.req.headers["x-upsert"] === "true", "storage.object.upload")],
    ["PUT", /^\/object\/([^/]+)\/(.+)$/, auth, (ctx, [b, n]) => objects.upload(ctx, b, n, true, "storage.object.upload_update")],
    ["DELETE", /^\/object\/([^/]+)$/, auth, async (ctx, [b]) => objects.removeMany(ctx, b, await readJson(ctx.req))],
    ["DELETE", /^\/object\/([^/]+)\/(.+)$/, auth, (ctx, [b, n]) => objects.removeOne(ctx, b, n)],
  ];
}

async function main() {
  const cfg = loadConfig();
  checkBackendPath(cfg.storageFilePath);
  const db = createDb(cfg);
  await db.migrate();
  const backend = createBackend(cfg);
  const table = routes({ objects: createObjectRoutes({ cfg, db, backend }), buckets: createBucketRoutes({ cfg, db }), db, backend });

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, "http://storage");
    const json = (status, body) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...MARKER });
      res.end(text);
    };
    const ctx = { req, res, json, marker: MARKER, query: url.searchParams, user: null, bodyStarted: false };
    try {
      const method = req.method === "HEAD" ? "GET" : req.method;
      let found = null;
      for (const [m, re, needsAuth, handler] of table) {
        const match = m === method ? re.exec(url.pathname) : null;
        if (match) {
          found = { needsAuth, handler, params: match.slice(1).map((p) => decodeURIComponent(p)) };
          break;
        }
      }
      if (!found) throw ERRORS.RouteNotFound(req.method, url.pathname);
      if (found.needsAuth) ctx.user = await authenticate(cfg, req);
      await found.handler(ctx, found.params);
    } catch (e) {
      const err = e instanceof StorageError ? e : ERRORS.InternalError(e && e.message);
      if (!(e instanceof StorageError)) console.error(`storage stand-in: ${req.method} ${url.pathname}: ${e && e.stack}`);
      if (res.headersSent) return res.destroy();
      req.unpipe();
      if (ctx.bodyStarted && !req.complete) {
        // The body was being read when the upload failed: storage-api answers
        // with Connection: close and destroys the request 3 s after its answer
        // (src/http/error-handler.ts, withConnectionClose in uploader.ts), so the
        // connection is never reused with half a body on it.
        res.setHeader("connection", "close");
        res.once("finish", () => setTimeout(() => req.destroyed || req.destroy(), 3000));
      }
      // Otherwise the unread body is left to Node, which reads and drops it.
      json(err.userStatusCode, err.render());
    }
  });
  // Uploads of tens of MB through slow links: no request timeout of Node's own
  // (fastify's default connectionTimeout and requestTimeout are 0 as well).
  server.requestTimeout = 0;
  // src/app.ts and config.ts: SERVER_KEEP_ALIVE_TIMEOUT (61 s) and SERVER_HEADERS_TIMEOUT (65 s).
  server.keepAliveTimeout = (parseInt(process.env.SERVER_KEEP_ALIVE_TIMEOUT || "61", 10) || 61) * 1000;
  server.headersTimeout = (parseInt(process.env.SERVER_HEADERS_TIMEOUT || "65", 10) || 65) * 1000;
  server.listen(cfg.port, cfg.host, () => console.log(`storage stand-in (double) listening on ${cfg.host}:${cfg.port}`));
  process.on("SIGTERM", () => server.close(() => db.pool.end().then(() => process.exit(0))));
}

main().catch((e) => {
  console.error(`storage stand-in: ${e.message}`);
  process.exit(1);
});
