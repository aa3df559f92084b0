// Small files in and out of containers through the engine's archive API
// (putArchive takes a tar, getArchive gives one): the metadata volume's
// sealed files and a db seed's completion mark.
import { extract, pack, type Header } from "tar-stream";

/** A tar of one root-owned 0600 file. */
export async function tarOf(name: string, content: string): Promise<Buffer> {
  const tar = pack();
  tar.entry({ name, mode: 0o600, uid: 0, gid: 0, mtime: new Date() }, content);
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Reads a tar stream entry by entry: `onChunk` sees each chunk of an entry as
 * it arrives, `onEntry` the entry's header and whole body once it is read.
 * Either may throw to stop reading; the promise then rejects with that error.
 */
export async function readTar(
  stream: NodeJS.ReadableStream,
  onEntry: (header: Header, body: Buffer) => void,
  onChunk: (chunk: Buffer) => void = () => {},
): Promise<void> {
  const ex = extract();
  // Read with events: ending a for-await early would destroy the entry, and with it the extractor.
  ex.on("entry", (header, body, next) => {
    const chunks: Buffer[] = [];
    body.on("data", (d: unknown) => {
      if (!Buffer.isBuffer(d)) return;
      try {
        onChunk(d);
        chunks.push(d);
      } catch (err) {
        ex.destroy(err as Error);
      }
    });
    body.on("end", () => {
      try {
        onEntry(header, Buffer.concat(chunks));
        next();
      } catch (err) {
        ex.destroy(err as Error);
      }
    });
    body.resume();
  });
  await new Promise<void>((resolve, reject) => {
    ex.on("finish", resolve);
    ex.on("error", reject);
    stream.on("error", reject);
    stream.pipe(ex);
  });
}

/** The regular files of a tar stream whose base name `accept`s and that are under 1 MB, as text. */
export async function readTarFiles(stream: NodeJS.ReadableStream, accept: (baseName: string) => boolean): Promise<Array<{ name: string; content: string }>> {
  const found: Array<{ name: string; content: string }> = [];
  await readTar(stream, (header, body) => {
    const base = header.name.split("/").pop() ?? "";
    if (header.type === "file" && accept(base) && (header.size ?? 0) < 1_000_000) found.push({ name: base, content: body.toString("utf8") });
  });
  return found;
}
