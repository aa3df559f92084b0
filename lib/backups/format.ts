// The backup object: a tar (gzip, then encrypted by lib/backups/crypto-stream.ts)
// whose first entry is the manifest below and whose other entries are the
// project's data, data/<volume key>/<path> (lib/docker/data-archive.ts).
// Reading checks every layer: the object's SHA-256 against the one recorded,
// each encrypted chunk, the gzip stream, and the manifest against the row.
import { createHash } from "node:crypto";
import { pipeline as streamPipeline, Transform, type Readable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { extract, type Pack } from "tar-stream";
import { z } from "zod";
import { DecryptStream } from "@/lib/backups/crypto-stream";
import { InvalidStateError } from "@/lib/errors";
import type { ImportEntry } from "@/lib/projects/provisioner";
import { refSchema } from "@/lib/validations/project";

export const MANIFEST = "supafleet-backup.json";
const MANIFEST_MAX = 64 * 1024;

export const manifestSchema = z.object({
  format: z.literal(1),
  backupId: z.uuid(),
  projectId: z.string().min(1).max(64),
  ref: refSchema,
  name: z.string().min(1).max(200),
  kind: z.enum(["SCHEDULED", "MANUAL", "FINAL"]),
  createdAt: z.iso.datetime(),
  stackVersion: z.string().min(1).max(64),
  dbImage: z.string().min(1).max(300),
  dataGeneration: z.number().int().min(0),
  /** The project's secrets envelope (under the master key, bound to the ref). */
  secrets: z.string().min(1).max(20_000),
});
export type Manifest = z.infer<typeof manifestSchema>;

export function addManifest(out: Pack, manifest: Manifest): Promise<void> {
  const body = JSON.stringify(manifestSchema.parse(manifest));
  return new Promise((resolve, reject) =>
    out.entry({ name: MANIFEST, mode: 0o600, mtime: new Date(manifest.createdAt) }, body, (err) => (err ? reject(err) : resolve())),
  );
}

/** Counts and hashes what passes through. */
export class HashTap extends Transform {
  private readonly hash = createHash("sha256");
  bytes = 0;
  constructor(private readonly onBytes?: (n: number) => void) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onBytes?.(this.bytes);
    cb(null, chunk);
  }
  digest(): string {
    return this.hash.digest("hex");
  }
}

export interface OpenedBackup {
  manifest: Manifest;
  /** The data entries after the manifest, in order; each body must be read or resumed. */
  entries: AsyncIterable<ImportEntry>;
  /** Call after the entries were read: resolves once the whole object was read; rejects when its checksum or any layer is wrong. */
  finish(): Promise<void>;
}

/**
 * Opens a stored backup for `ref` (the project it was taken of): decrypts,
 * decompresses and reads the manifest. `expect` is what the row says.
 */
export async function openBackup(
  stored: Readable,
  masterKey: Buffer,
  ref: string,
  expect: { id: string; checksum: string | null },
  onBytes?: (n: number) => void,
): Promise<OpenedBackup> {
  const tap = new HashTap(onBytes);
  const ex = extract();
  const piping = pipeline(stored, tap, new DecryptStream(masterKey, ref), createGunzip(), ex);
  piping.catch(() => undefined);
  const iterator = ex[Symbol.asyncIterator]();
  const first = await Promise.race([iterator.next(), piping.then(() => ({ done: true as const, value: undefined }))]);
  if (first.done || first.value.header.name !== MANIFEST) throw new InvalidStateError("The backup has no manifest.");
  if ((first.value.header.size ?? 0) > MANIFEST_MAX) throw new InvalidStateError("The backup's manifest is too large.");
  // Read with events: ending a for-await early would destroy the entry, and with it the extractor.
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    first.value.on("data", (c: unknown) => chunks.push(c as Buffer));
    first.value.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    first.value.on("error", reject);
  });
  const parsed = manifestSchema.safeParse(JSON.parse(text));
  if (!parsed.success || parsed.data.backupId !== expect.id || parsed.data.ref !== ref)
    throw new InvalidStateError("The backup's manifest does not match its record.");
  const entries: AsyncIterable<ImportEntry> = {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        const r = await iterator.next();
        return r.done ? { done: true, value: undefined } : { done: false, value: { header: r.value.header, body: r.value as unknown as Readable } };
      },
    }),
  };
  const finish = async () => {
    // Drain whatever follows the entries the caller read (nothing, normally).
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) r.value.resume();
    await piping;
    if (expect.checksum && tap.digest() !== expect.checksum) throw new InvalidStateError("The backup's checksum does not match: it was changed or damaged.");
  };
  return { manifest: parsed.data, entries, finish };
}

/** The decrypted backup (a .tar.gz) as a stream, checked against its checksum at the end. */
export function decryptedStream(stored: Readable, masterKey: Buffer, ref: string, checksum: string | null): Readable {
  const tap = new HashTap();
  // Only verified chunks come out of the decryptor; the checksum is the last word.
  const check = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      cb(null, chunk);
    },
    flush(cb) {
      cb(checksum && tap.digest() !== checksum ? new InvalidStateError("The backup's checksum does not match.") : null);
    },
  });
  streamPipeline(stored, tap, new DecryptStream(masterKey, ref), check, () => undefined);
  return check;
}
