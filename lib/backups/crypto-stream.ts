// Backups are encrypted at rest as a stream, in chunks, with AES-256-GCM: the
// STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015) as Tink's
// AES-GCM-HKDF streaming AEAD and age use it. Why this and not one GCM pass:
// - GCM's tag comes only at the end of a message, so one pass over a 1 GB
//   backup would hand out unauthenticated plaintext until the last byte (a
//   download, a restore streaming into volumes). Each chunk here is verified
//   before any of its plaintext leaves the decryptor.
// - The nonce is prefix(7) ‖ chunk counter(4) ‖ last-chunk flag(1): chunks
//   cannot be reordered, dropped or repeated, and a stream cut at a chunk
//   boundary fails because its last chunk does not carry the flag.
// - Each file has its own key, HKDF-SHA256(project key, random 32-byte salt):
//   nonces never repeat under one key whatever the prefix draws, and the
//   project key is used only as HKDF input.
// - The header (magic, version, chunk size, salt, prefix, the sealed project
//   key) is the associated data of every chunk: changing any of it fails.
// The project key travels in the header sealed under the master key (bound to
// the ref), so a backup file and the master key are enough to read it back,
// even after the database that listed it is gone.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { decryptSecrets, encryptSecrets } from "@/lib/crypto/secret-box";
import { SecretDecryptError } from "@/lib/errors";

const MAGIC = Buffer.from("SFBACKUP", "ascii");
const VERSION = 1;
const TAG = 16;
const SALT = 32;
const PREFIX = 7;
export const DEFAULT_CHUNK = 1024 * 1024;
const MAX_CHUNK = 16 * 1024 * 1024;
const MAX_SEALED_KEY = 4096;

export class BackupDecryptError extends SecretDecryptError {
  constructor(message: string) {
    super(`The backup cannot be read: ${message}`);
  }
}

const keyAad = (ref: string) => `supafleet-backup-key:${ref}`;

/** A new project backup key (32 bytes from the CSPRNG), sealed for the database and for file headers. */
export function newProjectBackupKey(masterKey: Buffer, ref: string): { key: Buffer; sealed: string } {
  const key = randomBytes(32);
  return { key, sealed: encryptSecrets(masterKey, keyAad(ref), key.toString("base64")) };
}

export function unsealProjectBackupKey(masterKey: Buffer, ref: string, sealed: string): Buffer {
  const key = Buffer.from(decryptSecrets(masterKey, keyAad(ref), sealed), "base64");
  if (key.length !== 32) throw new BackupDecryptError("its key is malformed");
  return key;
}

function fileKey(projectKey: Buffer, salt: Buffer, ref: string): Buffer {
  return Buffer.from(hkdfSync("sha256", projectKey, salt, `supafleet-backup-v1:${ref}`, 32));
}

function nonce(prefix: Buffer, counter: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  prefix.copy(n, 0);
  n.writeUInt32BE(counter, PREFIX);
  n[11] = last ? 1 : 0;
  return n;
}

function header(chunkSize: number, salt: Buffer, prefix: Buffer, sealedKey: string): Buffer {
  const sealed = Buffer.from(sealedKey, "utf8");
  if (sealed.length > MAX_SEALED_KEY) throw new BackupDecryptError("sealed key too long");
  const fixed = Buffer.alloc(MAGIC.length + 1 + 4);
  MAGIC.copy(fixed, 0);
  fixed[MAGIC.length] = VERSION;
  fixed.writeUInt32BE(chunkSize, MAGIC.length + 1);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(sealed.length);
  return Buffer.concat([fixed, salt, prefix, len, sealed]);
}

/** Encrypts a byte stream for one project; `sealedKey` is the project's sealed backup key. */
export class EncryptStream extends Transform {
  private readonly key: Buffer;
  private readonly prefix = randomBytes(PREFIX);
  private readonly aad: Buffer;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private counter = 0;
  private headerSent = false;

  constructor(
    projectKey: Buffer,
    ref: string,
    sealedKey: string,
    private readonly chunkSize = DEFAULT_CHUNK,
  ) {
    super();
    if (chunkSize < 16 || chunkSize > MAX_CHUNK) throw new RangeError("chunk size out of range");
    const salt = randomBytes(SALT);
    this.key = fileKey(projectKey, salt, ref);
    this.aad = header(chunkSize, salt, this.prefix, sealedKey);
  }

  private seal(plain: Buffer, last: boolean): Buffer {
    if (this.counter === 0xffffffff) throw new RangeError("backup too large for one stream");
    const c = createCipheriv("aes-256-gcm", this.key, nonce(this.prefix, this.counter++, last));
    c.setAAD(this.aad);
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([body, c.getAuthTag()]);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      if (!this.headerSent) {
        this.push(this.aad);
        this.headerSent = true;
      }
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      // Strictly more than a chunk: what is left at the end is the last chunk.
      while (this.pendingBytes > this.chunkSize) {
        const all = Buffer.concat(this.pending);
        this.push(this.seal(all.subarray(0, this.chunkSize), false));
        const rest = all.subarray(this.chunkSize);
        this.pending = [rest];
        this.pendingBytes = rest.length;
      }
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    try {
      if (!this.headerSent) this.push(this.aad);
      this.push(this.seal(Buffer.concat(this.pending), true));
      this.pending = [];
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }
}

/**
 * Decrypts what EncryptStream wrote for `ref`; emits only verified plaintext
 * and fails on any change, reordering or truncation.
 */
export class DecryptStream extends Transform {
  private buf: Buffer = Buffer.alloc(0);
  private key: Buffer | null = null;
  private prefix = Buffer.alloc(0);
  private aad = Buffer.alloc(0);
  private chunkSize = 0;
  private counter = 0;

  constructor(
    private readonly masterKey: Buffer,
    private readonly ref: string,
  ) {
    super();
  }

  private readHeader(): boolean {
    const fixedLen = MAGIC.length + 1 + 4 + SALT + PREFIX + 2;
    if (!this.buf.subarray(0, MAGIC.length).equals(MAGIC.subarray(0, Math.min(MAGIC.length, this.buf.length))))
      throw new BackupDecryptError("not a Supafleet backup");
    if (this.buf.length < fixedLen) return false;
    if (this.buf[MAGIC.length] !== VERSION) throw new BackupDecryptError(`unknown format version ${this.buf[MAGIC.length]}`);
    const chunkSize = this.buf.readUInt32BE(MAGIC.length + 1);
    if (chunkSize < 16 || chunkSize > MAX_CHUNK) throw new BackupDecryptError("bad chunk size");
    const sealedLen = this.buf.readUInt16BE(fixedLen - 2);
    if (sealedLen > MAX_SEALED_KEY) throw new BackupDecryptError("bad header");
    if (this.buf.length < fixedLen + sealedLen) return false;
    const salt = this.buf.subarray(MAGIC.length + 5, MAGIC.length + 5 + SALT);
    this.prefix = Buffer.from(this.buf.subarray(MAGIC.length + 5 + SALT, MAGIC.length + 5 + SALT + PREFIX));
    const sealed = this.buf.subarray(fixedLen, fixedLen + sealedLen).toString("utf8");
    let projectKey: Buffer;
    try {
      projectKey = unsealProjectBackupKey(this.masterKey, this.ref, sealed);
    } catch {
      throw new BackupDecryptError("its key does not unseal for this project with this installation's master key");
    }
    this.aad = Buffer.from(this.buf.subarray(0, fixedLen + sealedLen));
    this.key = fileKey(projectKey, salt, this.ref);
    this.chunkSize = chunkSize;
    this.buf = this.buf.subarray(fixedLen + sealedLen);
    return true;
  }

  private open(sealed: Buffer, last: boolean): Buffer {
    const d = createDecipheriv("aes-256-gcm", this.key!, nonce(this.prefix, this.counter++, last));
    d.setAAD(this.aad);
    d.setAuthTag(sealed.subarray(sealed.length - TAG));
    try {
      return Buffer.concat([d.update(sealed.subarray(0, sealed.length - TAG)), d.final()]);
    } catch {
      throw new BackupDecryptError(last ? "it was changed or cut short" : "it was changed");
    }
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      if (!this.key && !this.readHeader()) return cb();
      const sealedSize = this.chunkSize + TAG;
      while (this.buf.length > sealedSize) {
        this.push(this.open(this.buf.subarray(0, sealedSize), false));
        this.buf = this.buf.subarray(sealedSize);
      }
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    try {
      if (!this.key) throw new BackupDecryptError("it is cut short (no header)");
      if (this.buf.length < TAG) throw new BackupDecryptError("it is cut short");
      this.push(this.open(this.buf, true));
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }
}
