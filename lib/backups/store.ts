// Where backup objects live: a local folder (default) or an S3-compatible
// bucket (lib/backups/s3-store.ts). Both make an object visible only once it
// is complete (a rename; a completed multipart upload), so a crash never
// leaves a half object under a backup's key. Keys are made by Supafleet
// (objectKeyFor) and checked again here: nothing from a request reaches a path.
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { chmod, mkdir, readdir, rename, rm, stat, statfs } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { InvalidStateError, NotFoundError } from "@/lib/errors";

export type StoreKind = "local" | "s3";

export interface BackupStore {
  readonly kind: StoreKind;
  /** Writes the whole stream; the object exists under `key` only when this resolves. */
  write(key: string, body: Readable): Promise<{ size: number }>;
  read(key: string): Promise<Readable>;
  /** Idempotent. */
  remove(key: string): Promise<void>;
  /** Bytes under `key`, or null when there is no such object. */
  size(key: string): Promise<number | null>;
  /** Free bytes where backups are written, or null where that is not a local disk (S3). */
  freeBytes(): Promise<number | null>;
}

// A backup object, or a shipped WAL file (lib/backups/pitr/ship.ts) under wal/.
const KEY = /^[0-9a-f]{16}\/[a-z]{20}\/([0-9a-f-]{36}\.sfbk|wal\/([0-9A-F]{24}|[0-9A-F]{8}\.history)\.sfwal)$/;

export function objectKeyFor(installationId: string, ref: string, backupId: string): string {
  const key = `${installationId}/${ref}/${backupId}.sfbk`;
  assertKey(key);
  return key;
}

export function walKeyFor(installationId: string, ref: string, name: string): string {
  const key = `${installationId}/${ref}/wal/${name}.sfwal`;
  assertKey(key);
  return key;
}

export function assertKey(key: string): void {
  if (!KEY.test(key)) throw new InvalidStateError("Not a backup object key.");
}

/** Backups as files under `root`: directories 0700, files 0600, written to a temporary name and renamed. */
export class LocalStore implements BackupStore {
  readonly kind = "local" as const;
  constructor(readonly root: string) {}

  async freeBytes(): Promise<number> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    const fs = await statfs(this.root);
    return fs.bavail * fs.bsize;
  }

  private path(key: string): string {
    assertKey(key);
    return join(this.root, key);
  }

  async write(key: string, body: Readable): Promise<{ size: number }> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await chmod(this.root, 0o700);
    const partial = `${path}.partial-${randomBytes(4).toString("hex")}`;
    try {
      // flush: the data is on disk before the rename makes it the backup.
      await pipeline(body, createWriteStream(partial, { mode: 0o600, flags: "wx", flush: true }));
      await rename(partial, path);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
    return { size: (await stat(path)).size };
  }

  async read(key: string): Promise<Readable> {
    const path = this.path(key);
    if ((await this.size(key)) === null) throw new NotFoundError("The backup file is missing from the backup folder.");
    return createReadStream(path);
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await stat(this.path(key))).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }

  /** Partial files left by a process that died while writing (repair removes them). */
  async partials(): Promise<string[]> {
    const out: string[] = [];
    let installations: string[];
    try {
      installations = await readdir(this.root);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
    for (const inst of installations.filter((n) => /^[0-9a-f]{16}$/.test(n))) {
      for (const ref of (await readdir(join(this.root, inst))).filter((n) => /^[a-z]{20}$/.test(n))) {
        for (const f of await readdir(join(this.root, inst, ref))) if (/\.partial-[0-9a-f]{8}$/.test(f)) out.push(join(this.root, inst, ref, f));
      }
    }
    return out;
  }
}
