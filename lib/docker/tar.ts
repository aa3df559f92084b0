// Small files in and out of containers through the engine's archive API
// (putArchive takes a tar, getArchive gives one): the metadata volume's
// sealed files and a db seed's completion mark.
import { extract, pack } from "tar-stream";

/** A tar of one root-owned 0600 file. */
export async function tarOf(name: string, content: string): Promise<Buffer> {
  const tar = pack();
  tar.entry({ name, mode: 0o600, uid: 0, gid: 0, mtime: new Date() }, content);
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The regular files of a tar stream whose base name `accept`s and that are under 1 MB, as text. */
export async function readTarFiles(stream: NodeJS.ReadableStream, accept: (baseName: string) => boolean): Promise<Array<{ name: string; content: string }>> {
  const found: Array<{ name: string; content: string }> = [];
  const ex = extract();
  // Read with events: ending a for-await early would destroy the entry, and with it the extractor.
  ex.on("entry", (header, body, next) => {
    const base = header.name.split("/").pop() ?? "";
    const chunks: Buffer[] = [];
    body.on("data", (d: unknown) => {
      if (Buffer.isBuffer(d)) chunks.push(d);
    });
    body.on("end", () => {
      if (header.type === "file" && accept(base) && (header.size ?? 0) < 1_000_000) found.push({ name: base, content: Buffer.concat(chunks).toString("utf8") });
      next();
    });
    body.resume();
  });
  await new Promise<void>((resolve, reject) => {
    ex.on("finish", resolve);
    ex.on("error", reject);
    stream.on("error", reject);
    stream.pipe(ex);
  });
  return found;
}
