// Shared set-up for benchmarks: a fresh SQLite database, the real Docker
// provisioner with stand-in images, and small statistics helpers.
// Every bench runs as its own installation (its own database and id): it
// never touches the projects of a Supafleet running on the same engine.
import { randomUUID } from "node:crypto";
import { cpus, totalmem } from "node:os";
import { resolve } from "node:path";
import type { Db } from "@/lib/db/client";
import type { ProxySettings } from "@/lib/proxy/render-nginx-config";
import type { ProjectServiceConfig, ProxyNotifier } from "@/lib/projects/service";
import type { SessionUser } from "@/lib/auth/actor";
import { ensureDockerHost } from "@/test/support/docker-host";
import { freePort } from "@/test/support/postgres-server";
import { openInstallation } from "@/test/support/installation";
import { ensureStandinImages, STANDIN_IMAGE_OVERRIDES } from "@/test/support/standin-images";
import { buildStackSpec, LATEST_STACK_VERSION } from "@/lib/stack/build-stack-spec";
import type { ProjectSecrets } from "@/lib/stack/secrets";
import type { StackSpec } from "@/lib/stack/types";

export async function benchSetup(
  opts: { portRange?: { start: number; end: number }; proxy?: ProxyNotifier; masterKey?: Buffer; config?: Partial<ProjectServiceConfig> } = {},
) {
  const docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  const installation = await openInstallation({
    portRange: opts.portRange ?? { start: 56000, end: 56999 },
    proxy: opts.proxy,
    masterKey: opts.masterKey,
    config: { rootDomain: "bench.test", ...opts.config },
  });
  // Benches measure how many stacks the host runs, so admission must not stop them first.
  await installation.db.systemSettings.upsert({ where: { id: 1 }, create: { id: 1, memoryCommitPercent: 1000 }, update: { memoryCommitPercent: 1000 } });
  return { docker, ...installation };
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

/** The benches' nginx settings: bench.test over http on a test nginx's port, an app upstream nothing listens on. */
export async function benchProxySettings(nginxPort: number): Promise<ProxySettings> {
  return {
    rootDomain: "bench.test",
    scheme: "http",
    appUpstream: { host: "127.0.0.1", port: await freePort() },
    httpListen: { host: "127.0.0.1", port: nginxPort },
    pagesDir: resolve("nginx/pages"),
    clientMaxBodySize: "50m",
  };
}

/**
 * A stand-in stack for a bench that drives the Docker adapter directly (no
 * project service): its gateway, Postgres and pooler host ports are basePort,
 * +1 and +2; the newest template without analytics unless told otherwise.
 */
export function standinSpec(o: {
  ref: string;
  installationId: string;
  basePort: number;
  secrets: ProjectSecrets;
  stackVersion?: string;
  healthIntervalMs?: number;
}): StackSpec {
  return buildStackSpec({
    ref: o.ref,
    installationId: o.installationId,
    sealedMetadata: "bench",
    secrets: o.secrets,
    ports: { kongHttp: o.basePort, postgres: o.basePort + 1, pooler: o.basePort + 2 },
    publicUrl: `http://${o.ref}.bench.test`,
    imageOverrides: STANDIN_IMAGE_OVERRIDES,
    stackVersion: o.stackVersion ?? LATEST_STACK_VERSION,
    analytics: false,
    ...(o.healthIntervalMs !== undefined ? { healthIntervalMs: o.healthIntervalMs } : {}),
  });
}
