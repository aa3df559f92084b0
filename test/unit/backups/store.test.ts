// Backup object keys are made by Supafleet and checked again on every use, so
// nothing from a request reaches a path; the local store makes an object
// visible only once it is complete, private to the app's user.
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { InvalidStateError, NotFoundError } from "@/lib/errors";
import { assertKey, LocalStore, objectKeyFor } from "@/lib/backups/store";
import { tempFolder } from "@/test/support/temp-folder";

const tmp = tempFolder("backup-store");
const installation = "0123456789abcdef";
const ref = "abcdefghijklmnopqrst";

async function text(stream: Readable): Promise<string> {
  const out: Buffer[] = [];
  for await (const c of stream) out.push(c as Buffer);
  return Buffer.concat(out).toString("utf8");
}

describe("object keys", () => {
  it("are <installation>/<ref>/<backup id>.sfbk", () => {
    const id = randomUUID();
    expect(objectKeyFor(installation, ref, id)).toBe(`${installation}/${ref}/${id}.sfbk`);
  });

  it("refuse anything that is not one, whoever made it", () => {
    const id = randomUUID();
    for (const [inst, r, b] of [
      ["../../etc/passwd", ref, id],
      [installation, "../abcdefghijklmnopq", id],
      [installation, "ABCDEFGHIJKLMNOPQRST", id],
      [installation, ref, "../../../../etc/shadow"],
      ["0123456789ABCDEF", ref, id],
    ] as const) {
      expect(() => objectKeyFor(inst, r, b), `${inst}/${r}/${b}`).toThrow(InvalidStateError);
    }
    expect(() => assertKey(`${installation}/${ref}/${id}.sfbk/../x`)).toThrow(InvalidStateError);
    expect(() => assertKey(`/${installation}/${ref}/${id}.sfbk`)).toThrow(InvalidStateError);
    expect(() => assertKey(`${installation}/${ref}/${id}.sfbk`)).not.toThrow();
  });
});

describe("the local store", () => {
  it("writes, measures, reads and removes an object, in 0700 folders as a 0600 file", async () => {
    const root = join(tmp, "write");
    const store = new LocalStore(root);
    const key = objectKeyFor(installation, ref, randomUUID());
    expect(await store.size(key)).toBeNull();
    expect(await store.write(key, Readable.from([Buffer.from("hello "), Buffer.from("backup")]))).toEqual({ size: 12 });
    expect(await store.size(key)).toBe(12);
    expect(await text(await store.read(key))).toBe("hello backup");
    expect(statSync(join(root, key)).mode & 0o777).toBe(0o600);
    for (const dir of [root, join(root, installation), join(root, installation, ref)]) expect(statSync(dir).mode & 0o777, dir).toBe(0o700);
    await store.remove(key);
    expect(await store.size(key)).toBeNull();
    await store.remove(key); // idempotent
    await expect(store.read(key)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("leaves neither the object nor a partial file when the stream fails", async () => {
    const root = join(tmp, "fail");
    const store = new LocalStore(root);
    const key = objectKeyFor(installation, ref, randomUUID());
    const failing = new Readable({
      read() {
        this.push(Buffer.from("half a backup"));
        this.destroy(new Error("engine went away"));
      },
    });
    await expect(store.write(key, failing)).rejects.toThrow(/engine went away/);
    expect(await store.size(key)).toBeNull();
    expect(readdirSync(join(root, installation, ref))).toEqual([]);
  });

  it("finds the partial files a dead process left, and only those", async () => {
    const root = join(tmp, "partials");
    const store = new LocalStore(root);
    expect(await store.partials()).toEqual([]); // no folder yet
    const key = objectKeyFor(installation, ref, randomUUID());
    await store.write(key, Readable.from([Buffer.from("complete")]));
    const dir = join(root, installation, ref);
    writeFileSync(join(dir, `${randomUUID()}.sfbk.partial-0a1b2c3d`), "half");
    writeFileSync(join(dir, "notes.partial-xyz"), "not ours");
    writeFileSync(join(root, "README.partial-0a1b2c3d"), "not in a backup folder");
    const found = await store.partials();
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/\.sfbk\.partial-0a1b2c3d$/);
    expect(readFileSync(join(root, key), "utf8")).toBe("complete");
  });

  it("refuses a key it did not make before touching the disk", async () => {
    const root = join(tmp, "refuse");
    const store = new LocalStore(root);
    await expect(store.write("../outside.sfbk", Readable.from([Buffer.from("x")]))).rejects.toBeInstanceOf(InvalidStateError);
    await expect(store.remove("../../etc/passwd")).rejects.toBeInstanceOf(InvalidStateError);
    expect(existsSync(root)).toBe(false);
  });

  it("says how much room the disk has", async () => {
    const free = await new LocalStore(join(tmp, "free")).freeBytes();
    expect(free).toBeGreaterThan(0);
    expect(Number.isInteger(free)).toBe(true);
  });
});
