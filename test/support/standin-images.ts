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

/**
 * Each stand-in image, built from test/standins/<dir>, in build order: a
 * child names its parent (another stand-in) so its cache hash covers it.
 * One image per service whose contract differs (templates/supabase/<version>/images.ts).
 */
const STANDINS: Array<{ dir: string; tag: string; parent?: string; hostCa?: boolean }> = [
  { dir: "postgres", tag: "supafleet-standin/postgres:15-r4" },
  // PostgreSQL 17 from Debian 13 on the 15 stand-in's files, with the 17 image's postgres uid/gid and conf.d.
  { dir: "postgres17", tag: "supafleet-standin/postgres:17-r4", parent: "postgres" },
  { dir: "common", tag: "supafleet-standin/common:2" },
  { dir: "common-wget", tag: "supafleet-standin/common-wget:2", parent: "common" },
  { dir: "common-curl", tag: "supafleet-standin/common-curl:2", parent: "common" },
  { dir: "kong", tag: "supafleet-standin/kong:3", parent: "common" },
  { dir: "envoy", tag: "supafleet-standin/envoy:2", parent: "common" },
  // A behaving GoTrue double; pg, bcryptjs, jose and nodemailer from the npm registry.
  { dir: "auth", tag: "supafleet-standin/auth:3", parent: "common-wget", hostCa: true },
  // A behaving double of PostgREST; node-postgres from the npm registry.
  { dir: "rest", tag: "supafleet-standin/rest:3", parent: "common", hostCa: true },
  { dir: "realtime", tag: "supafleet-standin/realtime:2", parent: "common-curl" },
  { dir: "storage", tag: "supafleet-standin/storage:3", parent: "common-wget", hostCa: true },
  { dir: "imgproxy", tag: "supafleet-standin/imgproxy:2", parent: "common" },
  // Real Deno and vendored jose from the npm registry (test/standins/functions).
  { dir: "functions", tag: "supafleet-standin/functions:4", parent: "common", hostCa: true },
  { dir: "analytics", tag: "supafleet-standin/analytics:2", parent: "common-curl" },
  { dir: "vector", tag: "supafleet-standin/vector:2", parent: "common-wget" },
  { dir: "supavisor", tag: "supafleet-standin/supavisor:2", parent: "common-curl" },
  { dir: "studio", tag: "supafleet-standin/studio:2", parent: "common" },
  // Not a double: the real postgres-meta from the npm registry.
  { dir: "meta", tag: "supafleet-standin/meta:2", hostCa: true },
];

export const STANDIN_IMAGES = Object.fromEntries(STANDINS.map((s) => [s.dir, s.tag])) as Record<string, string>;

/**
 * The stand-in folder for each template service ("service@version" where one
 * version's image needs another stand-in than the others; the override
 * setting takes "service@version" before "service", lib/stack/template.ts
 * templateImage). db is PostgreSQL 15 (`postgres`, Debian 12) as 2026.02-r1's
 * supabase/postgres:15.8.1.085, and PostgreSQL 17 (`postgres17`, Debian 13)
 * as 2026.09-r1's supabase/postgres:17.6.1.136, so moving a project from one
 * to the other is a real 15 → 17 data upgrade (test/standins/README.md).
 */
export const STANDIN_DIRS: Record<string, string> = {
  db: "postgres",
  "db@2026.09-r1": "postgres17",
  "api-gw": "envoy",
  ...Object.fromEntries(
    ["kong", "auth", "rest", "realtime", "storage", "imgproxy", "meta", "functions", "analytics", "vector", "supavisor", "studio"].map((s) => [s, s]),
  ),
};

/** The documented override setting: every service gets its own image. */
export const STANDIN_IMAGE_OVERRIDES: Record<string, string> = Object.fromEntries(
  Object.entries(STANDIN_DIRS).map(([service, dir]) => [service, STANDIN_IMAGES[dir]!]),
);
export const STANDIN_OVERRIDES_ENV = Object.entries(STANDIN_IMAGE_OVERRIDES)
  .map(([k, v]) => `${k}=${v}`)
  .join(",");

// npm inside a build must trust the same CAs as this host (these machines
// reach the registry through a TLS-inspecting egress proxy whose CA only the
// host's bundle has). Added to the build context as host-ca.crt, used by the
// install stage only; never committed.
const HOST_CA = "/etc/ssl/certs/ca-certificates.crt";

function filesOf(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? filesOf(p) : [p];
    })
    .sort();
}

async function build(docker: Docker, dir: string, tag: string, hash: string, hostCa: boolean): Promise<number> {
  const started = Date.now();
  const tar = pack();
  for (const f of filesOf(dir)) tar.entry({ name: relative(dir, f), mode: statSync(f).mode & 0o777 }, readFileSync(f));
  if (hostCa) tar.entry({ name: "host-ca.crt", mode: 0o644 }, readFileSync(HOST_CA));
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  const stream = await docker.buildImage(Readable.from([Buffer.concat(chunks)]), {
    t: tag,
    labels: { "supafleet.standin-hash": hash },
    rm: true,
    forcerm: true,
  });
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
  const ids = new Map<string, string>();
  for (const { dir: name, tag, parent, hostCa = false } of STANDINS) {
    const dir = join(ROOT, name);
    const h = createHash("sha256").update(baseId);
    if (parent) h.update(ids.get(parent) ?? "");
    if (hostCa) h.update(readFileSync(HOST_CA));
    for (const f of filesOf(dir)) h.update(relative(dir, f)).update(readFileSync(f));
    const hash = h.digest("hex");
    let current: string | undefined;
    try {
      current = (await docker.getImage(tag).inspect()).Config.Labels?.["supafleet.standin-hash"];
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
    timings[name] = current === hash ? "cached" : await build(docker, dir, tag, hash, hostCa);
    ids.set(name, (await docker.getImage(tag).inspect()).Id);
  }
  return timings;
}
