// The body of an upload as storage-api reads it (supabase/storage v1.70.6
// src/storage/uploader.ts fileUploadFromRequest): multipart/form-data (the file
// part, with cacheControl/contentType/metadata fields before it, @fastify/multipart
// on busboy) or else the raw body with content-type, cache-control and
// x-metadata (base64 JSON) headers. A raw body whose Content-Length is already
// over the limit is refused before a byte is read.
"use strict";
const Busboy = require("busboy");
const { ERRORS } = require("./errors");

function validateMimeType(mimeType, allowed) {
  // uploader.ts validateMimeType: exact type or "type/*", parameters ignored.
  const [type] = mimeType.split(";");
  const ok = allowed.some((a) => {
    const [t, sub] = a.split("/");
    return a === type || (sub === "*" && type.startsWith(`${t}/`));
  });
  if (!ok) throw ERRORS.InvalidMimeType(mimeType);
}

function parseUserMetadata(value) {
  try {
    return JSON.parse(Buffer.from(value, "base64").toString("utf8"));
  } catch {
    return undefined;
  }
}

// Resolves with { body, mimeType, cacheControl, userMetadata, declaredLength }.
function readUpload(req, { maxFileSize, allowedMimeTypes }) {
  const contentType = req.headers["content-type"] || "";
  const declared = req.headers["content-length"] !== undefined ? Number(req.headers["content-length"]) : undefined;
  if (!contentType.startsWith("multipart/form-data")) {
    const mimeType = contentType || "application/octet-stream";
    if (allowedMimeTypes.length) validateMimeType(mimeType, allowedMimeTypes);
    if (typeof declared === "number" && declared > maxFileSize) throw ERRORS.EntityTooLarge();
    const md = req.headers["x-metadata"];
    return Promise.resolve({
      body: req,
      mimeType,
      cacheControl: req.headers["cache-control"] || "no-cache",
      userMetadata: typeof md === "string" ? parseUserMetadata(md) : undefined,
      declaredLength: declared,
    });
  }
  return new Promise((resolve, reject) => {
    let bb;
    try {
      bb = Busboy({ headers: req.headers, limits: { fields: 10, files: 1 } });
    } catch {
      return reject(ERRORS.NoContentProvided());
    }
    const fields = {};
    bb.on("field", (name, value) => {
      fields[name] = value;
    });
    bb.on("file", (_name, stream, info) => {
      const mimeType = fields.contentType || info.mimeType;
      try {
        if (allowedMimeTypes.length) validateMimeType(mimeType, allowedMimeTypes);
      } catch (e) {
        stream.resume();
        return reject(e);
      }
      const md = fields.metadata ?? fields.userMetadata;
      let userMetadata;
      if (typeof md === "string") {
        if (Buffer.byteLength(md, "utf8") > 1024 * 1024) return reject(ERRORS.EntityTooLarge("user_metadata"));
        try {
          userMetadata = JSON.parse(md);
        } catch {
          userMetadata = undefined;
        }
      }
      resolve({
        body: stream,
        mimeType,
        cacheControl: fields.cacheControl ? `max-age=${fields.cacheControl}` : "no-cache",
        userMetadata,
        declaredLength: undefined,
      });
    });
    bb.on("error", () => reject(ERRORS.NoContentProvided()));
    bb.on("close", () => reject(ERRORS.NoContentProvided()));
    req.pipe(bb);
  });
}

module.exports = { readUpload };
