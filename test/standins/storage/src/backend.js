// The file backend (supabase/storage v1.70.6 src/storage/backend/file.ts): an object
// lives at FILE_STORAGE_BACKEND_PATH/<GLOBAL_S3_BUCKET>/<tenant>/<bucket>/<name>/<version>
// (withOptionalVersion, getKeyLocation), paths resolved inside the root only
// (resolveSecurePath). Bodies are streamed to disk, never held in memory, and
// counted: past the limit the write stops and the partial file is removed, as
// storage removes a failed upload's version (ObjectAdminDelete).
"use strict";
const fs = require("fs");
const fsp = require("fs/promises");
const path = require("path");
const crypto = require("crypto");
const { Transform } = require("stream");
const { ERRORS } = require("./errors");

// body -> counter -> file; unlike stream.pipeline it never destroys the body
// (the request): refused, the request still gets storage's answer.
function copy(body, counter, ws) {
  return new Promise((resolve, reject) => {
    let ended = false;
    let failed = false;
    const fail = (e) => {
      if (failed) return;
      failed = true;
      body.unpipe(counter);
      counter.unpipe(ws);
      ws.destroy();
      reject(e);
    };
    body.on("end", () => (ended = true));
    body.on("error", fail);
    body.on("close", () => ended || fail(new Error("the upload was cut off before its end")));
    counter.on("error", fail);
    ws.on("error", fail);
    ws.on("close", () => failed || resolve());
    body.pipe(counter).pipe(ws);
  });
}

function createBackend(cfg) {
  const root = path.resolve(cfg.storageFilePath);

  function fileOf(bucketId, name, version) {
    const rel = path.join(cfg.storageS3Bucket, cfg.tenantId, bucketId, name, version);
    const full = path.resolve(root, rel);
    if (full !== root && !full.startsWith(root + path.sep)) throw ERRORS.InvalidKey(name);
    return full;
  }

  async function removeEmptyParents(file, stopAt) {
    let dir = path.dirname(file);
    while (dir.startsWith(stopAt + path.sep)) {
      try {
        await fsp.rmdir(dir);
      } catch {
        return;
      }
      dir = path.dirname(dir);
    }
  }

  async function write(bucketId, name, version, body, maxSize) {
    const file = fileOf(bucketId, name, version);
    await fsp.mkdir(path.dirname(file), { recursive: true });
    const hash = crypto.createHash("md5");
    let size = 0;
    const counter = new Transform({
      transform(chunk, _enc, cb) {
        size += chunk.length;
        if (size > maxSize) return cb(ERRORS.EntityTooLarge());
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    try {
      await copy(body, counter, fs.createWriteStream(file, { flags: "wx" }));
    } catch (e) {
      await remove(bucketId, name, version);
      throw e;
    }
    return { size, eTag: `"${hash.digest("hex")}"`, lastModified: new Date() };
  }

  async function remove(bucketId, name, version) {
    const file = fileOf(bucketId, name, version);
    await fsp.rm(file, { force: true });
    await removeEmptyParents(file, path.resolve(root, cfg.storageS3Bucket));
  }

  async function open(bucketId, name, version) {
    const file = fileOf(bucketId, name, version);
    const st = await fsp.stat(file).catch(() => null);
    if (!st) throw ERRORS.NoSuchKey();
    return { size: st.size, mtime: st.mtime, stream: () => fs.createReadStream(file) };
  }

  return { write, remove, open, fileOf };
}

module.exports = { createBackend };
