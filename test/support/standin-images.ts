// Builds the stand-in images (test doubles for Supabase's Docker Hub images)
// from test/standins/*, cached: an image whose label carries the hash of its
// build context (and of the base image) is not built again.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { Readable } from "node:stream";
import type Docker from "dockerode";
import { pack } from "tar-stream";
import { BASE_IMAGE, ensureBaseImage } from "@/test/support/docker-host";

const ROOT = join(process.cwd(), "test", "standins");

export const STANDIN_IMAGES = {
  postgres: "supafleet-standin/postgres:15",
  gateway: "supafleet-standin/gateway:1",
  service: "supafleet-standin/service:1",
} as const;

/** The documented override setting, as a map (for services) and as the env string. */
export const STANDIN_IMAGE_OVERRIDES: Record<string, string> = {
  db: STANDIN_IMAGES.postgres,
  kong: STANDIN_IMAGES.gateway,
  "*": STANDIN_IMAGES.service,
};
export const STANDIN_OVERRIDES_ENV = Object.entries(STANDIN_IMAGE_OVERRIDES).map(([k, v]) => `${k}=${v}`).join(",");

function filesOf(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesOf(p) : [p];
  }).sort();
}

async function build(docker: Docker, dir: string, tag: string, hash: string): Promise<number> {
  const started = Date.now();
  const tar = pack();
  for (const f of filesOf(dir)) tar.entry({ name: relative(dir, f), mode: statSync(f).mode & 0o777 }, readFileSync(f));
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  const stream = await docker.buildImage(Readable.from([Buffer.concat(chunks)]), { t: tag, labels: { "supafleet.standin-hash": hash }, rm: true, forcerm: true });
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => {
      const failed = err ?? out.find((o) => o.error);
      if (failed) reject(new Error(`building ${tag} failed: ${failed instanceof Error ? failed.message : failed.error}`));
      else resolve();
    });
  });
  return Date.now() - started;
}

export async function ensureStandinImages(docker: Docker): Promise<Record<string, number | "cached">> {
  await ensureBaseImage(docker);
  const baseId = (await docker.getImage(BASE_IMAGE).inspect()).Id;
  const timings: Record<string, number | "cached"> = {};
  // One at a time: two apt-get builds in parallel only fight over 2 cores.
  for (const [name, tag] of Object.entries(STANDIN_IMAGES)) {
    const dir = join(ROOT, name);
    const h = createHash("sha256").update(baseId);
    for (const f of filesOf(dir)) h.update(relative(dir, f)).update(readFileSync(f));
    const hash = h.digest("hex");
    let current: string | undefined;
    try {
      current = (await docker.getImage(tag).inspect()).Config.Labels?.["supafleet.standin-hash"];
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
    timings[name] = current === hash ? "cached" : await build(docker, dir, tag, hash);
  }
  return timings;
}
