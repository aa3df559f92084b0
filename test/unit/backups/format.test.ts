// The backup object's layers, in memory: a tar whose first entry is the
// manifest, gzip, the encrypted stream, and the SHA-256 of what is stored.
// Opening checks each layer and the manifest against the row; the download
// stream checks the checksum at its end.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import { extract, pack as newPack } from "tar-stream";
import { describe, expect, it } from "vitest";
import { EncryptStream, newProjectBackupKey } from "@/lib/backups/crypto-stream";
import { addManifest, decryptedStream, HashTap, manifestSchema, MANIFEST, openBackup, type Manifest } from "@/lib/backups/format";

const master = randomBytes(32);
const ref = "abcdefghijklmnopqrst";

function manifest(over: Partial<Manifest> = {}): Manifest {
  return {
    format: 1,
    backupId: randomUUID(),
    projectId: randomUUID(),
    ref,
    name: "Drill",
    kind: "MANUAL",
    createdAt: new Date("2026-12-07T06:00:00.000Z").toISOString(),
    stackVersion: "2026.09-r1",
    dbImage: "supabase/postgres:17.6.1.054",
    dataGeneration: 2,
    secrets: "v1.sealed.secrets",
    ...over,
  };
}

async function collect(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of stream) out.push(c as Buffer);
  return Buffer.concat(out);
}

/** A stored backup object as lib/backups/take.ts writes it, and its checksum. */
async function backupObject(opts: { manifest?: Manifest | null; files?: Record<string, string>; forRef?: string } = {}) {
  const forRef = opts.forRef ?? ref;
  const { key, sealed } = newProjectBackupKey(master, forRef);
  const out = newPack();
  const tap = new HashTap();
  const stored = collect(
    out
      .pipe(createGzip())
      .pipe(new EncryptStream(key, forRef, sealed, 64))
      .pipe(tap),
  );
  if (opts.manifest !== null) await addManifest(out, opts.manifest ?? manifest());
  for (const [name, body] of Object.entries(opts.files ?? { "data/db-data/base/5/16384": "rows: 1,2,3" })) out.entry({ name }, body);
  out.finalize();
  const bytes = await stored;
  return { bytes, checksum: tap.digest() };
}

async function readEntries(entries: AsyncIterable<{ header: { name: string }; body: Readable }>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const e of entries) out[e.header.name] = (await collect(e.body)).toString("utf8");
  return out;
}

describe("the manifest", () => {
  it("accepts what a backup records and refuses anything else", () => {
    const m = manifest();
    expect(manifestSchema.parse(m)).toEqual(m);
    expect(manifestSchema.safeParse(manifest({ ref: "ABCDEFGHIJKLMNOPQRST" })).success).toBe(false);
    expect(manifestSchema.safeParse({ ...manifest(), format: 2 }).success).toBe(false);
    expect(manifestSchema.safeParse(manifest({ backupId: "not-a-uuid" })).success).toBe(false);
    expect(manifestSchema.safeParse(manifest({ dataGeneration: -1 })).success).toBe(false);
    expect(manifestSchema.safeParse({ ...manifest(), kind: "HOURLY" }).success).toBe(false);
    expect(manifestSchema.safeParse(manifest({ createdAt: "yesterday" })).success).toBe(false);
  });

  it("is the first entry of the tar, with the backup's time and no other reader", async () => {
    const m = manifest();
    const out = newPack();
    const ex = extract();
    const reading = (async () => {
      const seen: Array<{ name: string; mode?: number; mtime?: Date; body: string }> = [];
      for await (const e of ex) seen.push({ name: e.header.name, mode: e.header.mode, mtime: e.header.mtime, body: (await collect(e)).toString("utf8") });
      return seen;
    })();
    const piping = pipeline(out, ex);
    await addManifest(out, m);
    out.finalize();
    await piping;
    const [first] = await reading;
    expect(first).toMatchObject({ name: MANIFEST, mode: 0o600, mtime: new Date(m.createdAt) });
    expect(JSON.parse(first!.body)).toEqual(m);
  });

  it("is refused before anything is written when it is not a manifest", async () => {
    const out = newPack();
    expect(() => addManifest(out, manifest({ ref: "../../etc" }))).toThrow();
    out.finalize();
    const ex = extract();
    const names: string[] = [];
    const reading = (async () => {
      for await (const e of ex) names.push(e.header.name);
    })();
    await pipeline(out, ex);
    await reading;
    expect(names).toEqual([]);
  });
});

describe("HashTap", () => {
  it("counts and hashes every byte it passes on, unchanged", async () => {
    const seen: number[] = [];
    const tap = new HashTap((n) => seen.push(n));
    const parts = [Buffer.from("abc"), Buffer.from(""), Buffer.from("defgh")];
    const through = await collect(Readable.from(parts).pipe(tap));
    expect(through.toString()).toBe("abcdefgh");
    expect(tap.bytes).toBe(8);
    expect(seen.at(-1)).toBe(8);
    expect(tap.digest()).toBe(createHash("sha256").update("abcdefgh").digest("hex"));
  });
});

describe("opening a stored backup", () => {
  it("gives the manifest and the data entries in order, and finishes on a good checksum", async () => {
    const m = manifest();
    const files = { "data/db-data/PG_VERSION": "17\n", "data/storage/stub/avatars/cat.png": "PNG bytes" };
    const { bytes, checksum } = await backupObject({ manifest: m, files });
    const progress: number[] = [];
    const opened = await openBackup(Readable.from([bytes]), master, ref, { id: m.backupId, checksum }, (n) => progress.push(n));
    expect(opened.manifest).toEqual(m);
    expect(await readEntries(opened.entries)).toEqual(files);
    await expect(opened.finish()).resolves.toBeUndefined();
    expect(progress.at(-1)).toBe(bytes.length);
  });

  it("refuses a backup whose manifest names another backup or another project", async () => {
    const m = manifest();
    const { bytes, checksum } = await backupObject({ manifest: m });
    await expect(openBackup(Readable.from([bytes]), master, ref, { id: randomUUID(), checksum })).rejects.toThrow(/manifest does not match its record/);
    // Sealed for another ref with that ref's key: the manifest's ref still has to be the project's.
    const other = "tsrqponmlkjihgfedcba";
    const moved = await backupObject({ manifest: m, forRef: other });
    await expect(openBackup(Readable.from([moved.bytes]), master, other, { id: m.backupId, checksum: moved.checksum })).rejects.toThrow(
      /manifest does not match its record/,
    );
  });

  it("refuses a backup with no manifest first", async () => {
    const { bytes, checksum } = await backupObject({ manifest: null });
    await expect(openBackup(Readable.from([bytes]), master, ref, { id: randomUUID(), checksum })).rejects.toThrow(/has no manifest/);
  });

  it("fails at the end when the stored object is not the one recorded", async () => {
    const m = manifest();
    const { bytes } = await backupObject({ manifest: m });
    const opened = await openBackup(Readable.from([bytes]), master, ref, { id: m.backupId, checksum: "0".repeat(64) });
    await readEntries(opened.entries);
    await expect(opened.finish()).rejects.toThrow(/checksum does not match/);
  });

  it("fails for another installation's master key", async () => {
    const m = manifest();
    const { bytes, checksum } = await backupObject({ manifest: m });
    await expect(openBackup(Readable.from([bytes]), randomBytes(32), ref, { id: m.backupId, checksum })).rejects.toThrow(/does not unseal/);
  });
});

describe("the download stream", () => {
  it("is the backup's .tar.gz, decrypted", async () => {
    const m = manifest();
    const { bytes, checksum } = await backupObject({ manifest: m, files: { "data/db-data/x": "y" } });
    const ex = extract();
    const names: string[] = [];
    const reading = (async () => {
      for await (const e of ex) {
        names.push(e.header.name);
        e.resume();
      }
    })();
    await pipeline(decryptedStream(Readable.from([bytes]), master, ref, checksum), createGunzip(), ex);
    await reading;
    expect(names).toEqual([MANIFEST, "data/db-data/x"]);
  });

  it("ends with an error when the checksum does not match", async () => {
    const { bytes } = await backupObject();
    await expect(collect(decryptedStream(Readable.from([bytes]), master, ref, "f".repeat(64)))).rejects.toThrow(/checksum does not match/);
  });
});
