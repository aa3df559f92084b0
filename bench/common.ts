// Shared set-up for benchmarks: a fresh SQLite database, the real Docker
// provisioner with stand-in images, and small statistics helpers.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { createDb, type Db } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { createDockerProvisioner } from "@/lib/projects/docker-provisioner";
import { ProjectService, type ProxyNotifier } from "@/lib/projects/service";
import type { SessionUser } from "@/lib/users/service";
import { ensureDockerHost } from "@/test/support/docker-host";
import { ensureStandinImages, STANDIN_IMAGE_OVERRIDES } from "@/test/support/standin-images";

export async function benchSetup(opts: { portRange?: { start: number; end: number }; proxy?: ProxyNotifier } = {}) {
  const docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  const dir = mkdtempSync(join(tmpdir(), "supafleet-bench-"));
  const url = `file:${join(dir, "bench.db")}`;
  await migrate(url);
  const db = createDb(url);
  const service = new ProjectService(db, createDockerProvisioner("/var/run/docker.sock"), opts.proxy ?? { apply: async () => undefined }, {
    portRange: opts.portRange ?? { start: 56000, end: 56999 },
    masterKey: randomBytes(32),
    rootDomain: "bench.test",
    publicScheme: "http",
    imageOverrides: STANDIN_IMAGE_OVERRIDES,
    dockerSocket: "/var/run/docker.sock",
  });
  return { docker, db, service, dir };
}

export async function makeUser(db: Db, email: string, quota: number | null = null): Promise<SessionUser> {
  const u = await db.user.create({ data: { id: randomUUID(), email, passwordHash: "x", projectQuota: quota } });
  return { id: u.id, email: u.email, name: null, role: "USER" };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export function machine(): string {
  return `${process.platform} ${process.arch}, node ${process.version}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`;
}
