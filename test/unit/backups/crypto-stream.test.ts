import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { DecryptStream, DEFAULT_CHUNK, EncryptStream, newProjectBackupKey, unsealProjectBackupKey } from "@/lib/backups/crypto-stream";

const master = randomBytes(32);
const ref = "abcdefghijklmnopqrst";

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of stream) out.push(c as Buffer);
  return Buffer.concat(out);
}

async function encrypt(plain: Buffer, chunk = 64, pieces = 7): Promise<Buffer> {
  const { key, sealed } = newProjectBackupKey(master, ref);
  const parts: Buffer[] = [];
  for (let i = 0; i < plain.length; i += pieces) parts.push(plain.subarray(i, i + pieces));
  return collect(Readable.from(parts).pipe(new EncryptStream(key, ref, sealed, chunk)));
}

async function decrypt(cipher: Buffer, r = ref, m = master, piece = 13): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let i = 0; i < cipher.length; i += piece) parts.push(cipher.subarray(i, i + piece));
  const out: Buffer[] = [];
  const d = new DecryptStream(m, r);
  d.on("data", (c: Buffer) => out.push(c));
  await pipeline(Readable.from(parts), d);
  return Buffer.concat(out);
}

describe("chunked AES-256-GCM backup stream", () => {
  it("round-trips any length, including empty and exact multiples of the chunk", async () => {
    for (const n of [0, 1, 63, 64, 65, 128, 1000]) {
      const plain = randomBytes(n);
      const cipher = await encrypt(plain);
      expect((await decrypt(cipher)).equals(plain), `length ${n}`).toBe(true);
      // it is not the plaintext
      if (n > 16) expect(cipher.includes(plain.subarray(0, 16))).toBe(false);
    }
  });

  it("fails when a byte changes, anywhere", async () => {
    const cipher = await encrypt(randomBytes(300));
    for (const at of [3, 20, 60, cipher.length - 100, cipher.length - 1]) {
      const bad = Buffer.from(cipher);
      bad[at]! ^= 1;
      await expect(decrypt(bad), `byte ${at}`).rejects.toThrow(/cannot be read/);
    }
  });

  it("fails when cut short, even at a chunk boundary", async () => {
    const plain = randomBytes(64 * 4);
    const cipher = await encrypt(plain);
    // 4 full chunks of 64 + 16, then an empty last chunk (its tag alone)
    const withoutLast = cipher.subarray(0, cipher.length - 16);
    await expect(decrypt(withoutLast)).rejects.toThrow(/changed or cut short/);
    await expect(decrypt(cipher.subarray(0, cipher.length - 16 - 80))).rejects.toThrow(/cannot be read/);
    await expect(decrypt(cipher.subarray(0, 10))).rejects.toThrow(/cut short/);
  });

  it("fails when chunks are swapped", async () => {
    const cipher = await encrypt(randomBytes(64 * 3 + 5));
    const chunk = 80;
    const start = cipher.length - (chunk * 3 + 5 + 16);
    const a = cipher.subarray(start, start + chunk);
    const b = cipher.subarray(start + chunk, start + 2 * chunk);
    const swapped = Buffer.concat([cipher.subarray(0, start), b, a, cipher.subarray(start + 2 * chunk)]);
    await expect(decrypt(swapped)).rejects.toThrow(/changed/);
  });

  it("is bound to its project and to the master key", async () => {
    const cipher = await encrypt(randomBytes(100));
    await expect(decrypt(cipher, "tsrqponmlkjihgfedcba")).rejects.toThrow(/does not unseal/);
    await expect(decrypt(cipher, ref, randomBytes(32))).rejects.toThrow(/does not unseal/);
    await expect(decrypt(Buffer.from("not a backup at all, just text"))).rejects.toThrow(/not a Supafleet backup/);
  });

  it("uses a fresh file key and nonce prefix per file", async () => {
    const plain = Buffer.alloc(200, 7);
    const { key, sealed } = newProjectBackupKey(master, ref);
    const one = await collect(Readable.from([plain]).pipe(new EncryptStream(key, ref, sealed, 64)));
    const two = await collect(Readable.from([plain]).pipe(new EncryptStream(key, ref, sealed, 64)));
    expect(one.length).toBe(two.length);
    expect(one.subarray(one.length - 100).equals(two.subarray(two.length - 100))).toBe(false);
  });
});

describe("the backup stream's header and key", () => {
  it("refuses a chunk size outside 16 B to 16 MiB, and defaults to 1 MiB", () => {
    const { key, sealed } = newProjectBackupKey(master, ref);
    expect(() => new EncryptStream(key, ref, sealed, 15)).toThrow(RangeError);
    expect(() => new EncryptStream(key, ref, sealed, 16 * 1024 * 1024 + 1)).toThrow(RangeError);
    expect(() => new EncryptStream(key, ref, sealed, 16)).not.toThrow();
    expect(DEFAULT_CHUNK).toBe(1024 * 1024);
  });

  it("names what is wrong with a header: its version, its chunk size, its sealed key's length", async () => {
    const cipher = await encrypt(randomBytes(100));
    const version = Buffer.from(cipher);
    version[8] = 2; // after the 8-byte magic
    await expect(decrypt(version)).rejects.toThrow(/unknown format version 2/);
    const chunk = Buffer.from(cipher);
    chunk.writeUInt32BE(8, 9); // below the 16-byte minimum
    await expect(decrypt(chunk)).rejects.toThrow(/bad chunk size/);
    const sealedLength = Buffer.from(cipher);
    sealedLength.writeUInt16BE(4097, 8 + 1 + 4 + 32 + 7);
    await expect(decrypt(sealedLength)).rejects.toThrow(/bad header/);
    const { key } = newProjectBackupKey(master, ref);
    expect(() => new EncryptStream(key, ref, "x".repeat(4097))).toThrow(/sealed key too long/);
  });

  it("seals the project key under the master key for its ref only", () => {
    const { key, sealed } = newProjectBackupKey(master, ref);
    expect(key).toHaveLength(32);
    expect(sealed).not.toContain(key.toString("base64"));
    expect(unsealProjectBackupKey(master, ref, sealed).equals(key)).toBe(true);
    expect(() => unsealProjectBackupKey(master, "tsrqponmlkjihgfedcba", sealed)).toThrow();
    expect(() => unsealProjectBackupKey(randomBytes(32), ref, sealed)).toThrow();
    expect(newProjectBackupKey(master, ref).key.equals(key)).toBe(false);
  });
});
