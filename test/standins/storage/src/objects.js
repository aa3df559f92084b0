// Object routes as storage-api serves them behind the gateway's /storage/v1 strip
// (supabase/storage v1.70.6 src/http/routes/object/*.ts, src/storage/object.ts,
// src/storage/uploader.ts). Reads and writes of storage.objects run under the
// caller's role (db.scoped), so row-level security decides; bucket lookups for
// limits and public reads are storage's asSuperUser() ones.
"use strict";
const { randomUUID } = require("crypto");
const { ERRORS } = require("./errors");
const { readUpload } = require("./upload");
const { signURLToken, verifyJWT } = require("./auth");

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function createObjectRoutes({ cfg, db, backend }) {
  async function findBucketSuper(id, extra = "") {
    const rows = await db.superuser(`SELECT id, public, file_size_limit, allowed_mime_types FROM storage.buckets WHERE id = $1${extra}`, [id]);
    if (!rows.length) throw ERRORS.NoSuchBucket();
    return rows[0];
  }

  async function upload(ctx, bucketId, name, isUpsert, operation) {
    if (!name) throw ERRORS.MissingParameter("*");
    const bucket = await findBucketSuper(bucketId);
    const maxFileSize = Math.min(cfg.fileSizeLimit, bucket.file_size_limit == null ? Infinity : Number(bucket.file_size_limit));
    ctx.bodyStarted = (ctx.req.headers["content-type"] || "").startsWith("multipart/form-data");
    const file = await readUpload(ctx.req, { maxFileSize, allowedMimeTypes: bucket.allowed_mime_types || [] });
    const owner = ctx.user.owner;
    const row = (version, metadata, userMetadata) => [name, owner && UUID.test(owner) ? owner : null, owner || null, bucketId, metadata, version, userMetadata || null];
    const INSERT = "INSERT INTO storage.objects (name, owner, owner_id, bucket_id, metadata, version, user_metadata) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    const UPSERT = `${INSERT} ON CONFLICT (name, bucket_id) DO UPDATE SET owner = EXCLUDED.owner, owner_id = EXCLUDED.owner_id, metadata = EXCLUDED.metadata, version = EXCLUDED.version, user_metadata = EXCLUDED.user_metadata, updated_at = now()`;
    // Uploader.canUpload: the write is tried under the caller's role and rolled back.
    const probe = { mimetype: file.mimeType, contentLength: file.declaredLength };
    await db.scoped(ctx.user, ctx.req, operation, (c) => c.query(isUpsert ? UPSERT : INSERT, row("1", probe, file.userMetadata)), { rollback: true });
    const version = randomUUID();
    ctx.bodyStarted = true;
    const stored = await backend.write(bucketId, name, version, file.body, maxFileSize);
    const metadata = {
      eTag: stored.eTag,
      size: stored.size,
      mimetype: file.mimeType,
      cacheControl: file.cacheControl,
      lastModified: stored.lastModified.toISOString(),
      contentLength: stored.size,
      httpStatusCode: 200,
    };
    let previous = null;
    let id;
    try {
      id = await db.scoped(ctx.user, ctx.req, operation, async (c) => {
        const old = await c.query("SELECT version FROM storage.objects WHERE bucket_id = $1 AND name = $2 FOR UPDATE", [bucketId, name]);
        previous = old.rows[0] ? old.rows[0].version : null;
        const r = await c.query(`${isUpsert ? UPSERT : INSERT} RETURNING id`, row(version, metadata, file.userMetadata));
        return r.rows[0].id;
      });
    } catch (e) {
      await backend.remove(bucketId, name, version);
      throw e;
    }
    if (previous && previous !== version) await backend.remove(bucketId, name, previous).catch(() => undefined);
    return ctx.json(200, { Id: id, Key: `${bucketId}/${name}` });
  }

  async function render(ctx, bucketId, name, obj) {
    const file = await backend.open(bucketId, name, obj.version);
    const md = obj.metadata || {};
    ctx.res.writeHead(200, {
      "content-type": md.mimetype || "application/octet-stream",
      "content-length": String(file.size),
      "cache-control": md.cacheControl || "no-cache",
      etag: md.eTag || "",
      "last-modified": new Date(md.lastModified || file.mtime).toUTCString(),
      ...ctx.marker,
    });
    if (ctx.req.method === "HEAD") return ctx.res.end();
    const s = file.stream();
    s.on("error", () => ctx.res.destroy());
    s.pipe(ctx.res);
  }

  async function findScoped(ctx, bucketId, name, operation) {
    const rows = await db.scoped(ctx.user, ctx.req, operation, (c) =>
      c.query("SELECT id, version, metadata FROM storage.objects WHERE bucket_id = $1 AND name = $2", [bucketId, name]).then((r) => r.rows),
    );
    if (!rows.length) throw ERRORS.NoSuchKey();
    return rows[0];
  }

  async function download(ctx, bucketId, name) {
    return render(ctx, bucketId, name, await findScoped(ctx, bucketId, name, "storage.object.get_authenticated"));
  }

  async function downloadPublic(ctx, bucketId, name) {
    await findBucketSuper(bucketId, " AND public = true");
    const rows = await db.superuser("SELECT id, version, metadata FROM storage.objects WHERE bucket_id = $1 AND name = $2", [bucketId, name]);
    if (!rows.length) throw ERRORS.NoSuchKey();
    return render(ctx, bucketId, name, rows[0]);
  }

  async function removeMany(ctx, bucketId, body) {
    const prefixes = body && body.prefixes;
    if (!Array.isArray(prefixes) || prefixes.length < 1) throw ERRORS.InvalidParameter("prefixes", "body/prefixes must NOT have fewer than 1 items");
    const rows = await db.scoped(ctx.user, ctx.req, "storage.object.delete_many", (c) =>
      c.query("DELETE FROM storage.objects WHERE bucket_id = $1 AND name = ANY($2) RETURNING *", [bucketId, prefixes]).then((r) => r.rows),
    );
    for (const r of rows) await backend.remove(bucketId, r.name, r.version).catch(() => undefined);
    return ctx.json(200, rows.map(({ path_tokens: _p, ...r }) => ({ ...r, bucket_id: bucketId })));
  }

  async function removeOne(ctx, bucketId, name) {
    const rows = await db.scoped(ctx.user, ctx.req, "storage.object.delete", (c) =>
      c.query("DELETE FROM storage.objects WHERE bucket_id = $1 AND name = $2 RETURNING name, version", [bucketId, name]).then((r) => r.rows),
    );
    if (!rows.length) throw ERRORS.NoSuchKey();
    await backend.remove(bucketId, name, rows[0].version).catch(() => undefined);
    return ctx.json(200, { message: "Successfully deleted" });
  }

  // src/storage/object.ts searchObjects: one level below the prefix, folders
  // (id null) and files, sorted, limit/offset; only rows the role may see.
  async function list(ctx, bucketId, body) {
    if (!body || typeof body.prefix !== "string") throw ERRORS.InvalidParameter("prefix", "body must have required property 'prefix'");
    let prefix = body.prefix;
    if (prefix.length > 0 && !prefix.endsWith("/")) prefix += "/";
    const limit = Number(body.limit ?? 100);
    const offset = Number(body.offset ?? 0);
    const column = (body.sortBy && body.sortBy.column) || "name";
    const order = (body.sortBy && body.sortBy.order) === "desc" ? -1 : 1;
    if (!["name", "updated_at", "created_at", "last_accessed_at"].includes(column)) throw ERRORS.InvalidParameter("sortBy");
    const rows = await db.scoped(ctx.user, ctx.req, "storage.object.list", (c) =>
      c
        .query(
          "SELECT name, id, updated_at, created_at, last_accessed_at, metadata FROM storage.objects WHERE bucket_id = $1 AND starts_with(name, $2)",
          [bucketId, prefix],
        )
        .then((r) => r.rows),
    );
    const items = new Map();
    for (const r of rows) {
      const rest = r.name.slice(prefix.length);
      const seg = rest.split("/")[0];
      if (body.search && !seg.toLowerCase().startsWith(String(body.search).toLowerCase())) continue;
      if (rest.includes("/")) {
        if (!items.has(seg)) items.set(seg, { name: seg, id: null, updated_at: null, created_at: null, last_accessed_at: null, metadata: null });
      } else items.set(seg, { ...r, name: seg });
    }
    const sorted = [...items.values()].sort((a, b) => {
      const x = a[column] == null ? "" : String(column === "name" ? a[column] : new Date(a[column]).toISOString());
      const y = b[column] == null ? "" : String(column === "name" ? b[column] : new Date(b[column]).toISOString());
      return (x < y ? -1 : x > y ? 1 : 0) * order;
    });
    return ctx.json(200, sorted.slice(offset, offset + limit));
  }

  async function sign(ctx, bucketId, name, body) {
    const expiresIn = Number(body && body.expiresIn);
    if (!Number.isFinite(expiresIn) || expiresIn < 1) throw ERRORS.InvalidParameter("expiresIn", "body/expiresIn must be >= 1");
    await findScoped(ctx, bucketId, name, "storage.object.sign");
    const url = `${bucketId}/${name}`;
    const token = await signURLToken(cfg, { url, scope: "download" }, expiresIn);
    return ctx.json(200, { signedURL: `/object/sign/${encodeURI(url)}?token=${token}` });
  }

  async function signed(ctx, bucketId, name, token) {
    if (!token) throw ERRORS.InvalidSignature();
    let payload;
    try {
      payload = await verifyJWT({ ...cfg, jwtJWKS: null }, token);
    } catch (e) {
      throw ERRORS.InvalidJWT(e.message);
    }
    if (payload.url !== `${bucketId}/${name}` || !(payload.scope === "download" || (payload.scope === undefined && !("upsert" in payload)))) {
      throw ERRORS.InvalidSignature();
    }
    const rows = await db.superuser("SELECT id, version, metadata FROM storage.objects WHERE bucket_id = $1 AND name = $2", [bucketId, name]);
    if (!rows.length) throw ERRORS.NoSuchKey();
    return render(ctx, bucketId, name, rows[0]);
  }

  return { upload, download, downloadPublic, removeMany, removeOne, list, sign, signed };
}

module.exports = { createObjectRoutes };
