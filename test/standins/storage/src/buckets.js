// Bucket routes (supabase/storage v1.70.6 src/http/routes/bucket/*.ts,
// src/storage/storage.ts, src/storage/limits.ts): writes and reads of
// storage.buckets under the caller's role, so RLS on buckets decides (the
// service key's role bypasses it).
"use strict";
const { ERRORS } = require("./errors");

const VALID_BUCKET_NAME = /^[A-Za-z0-9_!.*'() &$=@;:+,?-]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLUMNS = "id, name, public, owner, created_at, updated_at, file_size_limit, allowed_mime_types, 'STANDARD' AS type";

function isValidBucketName(n) {
  return typeof n === "string" && n.length > 0 && n.length < 101 && VALID_BUCKET_NAME.test(n);
}

// limits.ts parseFileSizeToBytes, and a number as bytes.
function fileSizeLimitOf(v) {
  if (v === undefined || v === null) return v;
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return v;
  const m = /(^[0-9]+(?:\.[0-9]+)?)(gb|mb|kb|b)$/i.exec(String(v));
  if (!m) throw ERRORS.InvalidParameter("file_size_limit", "Invalid file size format, hint: use 20GB / 20MB / 30KB / 3B");
  const value = +parseFloat(m[1]).toPrecision(3);
  return { GB: 1e9, MB: 1e6, KB: 1000, B: 1 }[m[2].toUpperCase()] * value;
}

function createBucketRoutes({ cfg, db }) {
  async function create(ctx, body) {
    if (!body || typeof body.name !== "string") throw ERRORS.InvalidParameter("name", "body must have required property 'name'");
    const id = body.id || body.name;
    if (!isValidBucketName(id)) throw ERRORS.InvalidBucketName();
    const limit = fileSizeLimitOf(body.file_size_limit);
    if (typeof limit === "number" && limit > cfg.fileSizeLimit) {
      throw ERRORS.InvalidParameter("file_size_limit", "file_size_limit table field value exceeds the global file size limit");
    }
    const mimes = Array.isArray(body.allowed_mime_types) ? body.allowed_mime_types.filter((m) => m) : body.allowed_mime_types ?? null;
    const owner = ctx.user.owner;
    await db.scoped(ctx.user, ctx.req, "storage.bucket.create", (c) =>
      c.query("INSERT INTO storage.buckets (id, name, owner, owner_id, public, file_size_limit, allowed_mime_types) VALUES ($1, $2, $3, $4, $5, $6, $7)", [
        id,
        body.name,
        owner && UUID.test(owner) ? owner : null,
        owner || null,
        body.public ?? false,
        limit ?? null,
        mimes,
      ]),
    );
    return ctx.json(200, { name: body.name });
  }

  async function list(ctx) {
    const rows = await db.scoped(ctx.user, ctx.req, "storage.bucket.list", (c) => c.query(`SELECT ${COLUMNS} FROM storage.buckets ORDER BY name`).then((r) => r.rows));
    return ctx.json(200, rows);
  }

  async function get(ctx, id) {
    const rows = await db.scoped(ctx.user, ctx.req, "storage.bucket.get", (c) => c.query(`SELECT ${COLUMNS} FROM storage.buckets WHERE id = $1`, [id]).then((r) => r.rows));
    if (!rows.length) throw ERRORS.NoSuchBucket();
    return ctx.json(200, rows[0]);
  }

  async function update(ctx, id, body) {
    const b = body || {};
    const limit = fileSizeLimitOf(b.file_size_limit);
    const rows = await db.scoped(ctx.user, ctx.req, "storage.bucket.update", (c) =>
      c
        .query(
          `UPDATE storage.buckets SET public = COALESCE($2, public),
             file_size_limit = CASE WHEN $3 THEN $4::bigint ELSE file_size_limit END,
             allowed_mime_types = CASE WHEN $5 THEN $6::text[] ELSE allowed_mime_types END,
             updated_at = now() WHERE id = $1 RETURNING id`,
          [id, b.public ?? null, "file_size_limit" in b, limit ?? null, "allowed_mime_types" in b, b.allowed_mime_types ?? null],
        )
        .then((r) => r.rows),
    );
    if (!rows.length) throw ERRORS.NoSuchBucket();
    return ctx.json(200, { message: "Successfully updated" });
  }

  // storage.ts deleteBucket: the bucket must exist and be empty (checked as
  // superuser), then it is deleted under the caller's role.
  async function remove(ctx, id) {
    if (!(await db.superuser("SELECT 1 FROM storage.buckets WHERE id = $1", [id])).length) throw ERRORS.NoSuchBucket();
    if ((await db.superuser("SELECT 1 FROM storage.objects WHERE bucket_id = $1 LIMIT 1", [id])).length) throw ERRORS.BucketNotEmpty();
    const rows = await db.scoped(ctx.user, ctx.req, "storage.bucket.delete", (c) => c.query("DELETE FROM storage.buckets WHERE id = $1 RETURNING id", [id]).then((r) => r.rows));
    if (!rows.length) throw ERRORS.NoSuchBucket();
    return ctx.json(200, { message: "Successfully deleted" });
  }

  return { create, list, get, update, remove };
}

module.exports = { createBucketRoutes };
