import { Readable } from "node:stream";
import { pack } from "tar-stream";
import { describe, expect, it } from "vitest";
import { readTarFiles, tarOf } from "@/lib/docker/tar";

async function tarOfMany(entries: Array<{ name: string; content: string; type?: "file" | "directory" }>): Promise<Buffer> {
  const tar = pack();
  for (const e of entries) {
    if (e.type === "directory") tar.entry({ name: e.name, type: "directory" });
    else tar.entry({ name: e.name, type: "file" }, e.content);
  }
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("tar files for the engine's archive API", () => {
  it("reads back what it writes: one root-owned 0600 file", async () => {
    const files = await readTarFiles(Readable.from(await tarOf("supafleet-seed.json", '{"key":"k"}')), () => true);
    expect(files).toEqual([{ name: "supafleet-seed.json", content: '{"key":"k"}' }]);
  });

  it("keeps only the accepted regular files, by base name, whatever folder the engine puts them in", async () => {
    const stream = Readable.from(
      await tarOfMany([
        { name: "supafleet-metadata/", content: "", type: "directory" },
        { name: "supafleet-metadata/project-000000000000001.sealed", content: "one" },
        { name: "supafleet-metadata/notes.txt", content: "no" },
        { name: "supafleet-metadata/project-000000000000002.sealed", content: "two" },
      ]),
    );
    const files = await readTarFiles(stream, (base) => /^project-\d{15}\.sealed$/.test(base));
    expect(files).toEqual([
      { name: "project-000000000000001.sealed", content: "one" },
      { name: "project-000000000000002.sealed", content: "two" },
    ]);
  });
});
