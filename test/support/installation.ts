// Each test file (and bench) runs as its own installation: it opens its own
// database, whose installation id labels everything it makes, and everything
// it changes or removes is scoped to that id. So a suite run beside a live
// installation, or beside another test file, changes nothing of theirs.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb, type Db } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { ensureInstallationId } from "@/lib/installation/service";
import { createDockerProvisioner } from "@/lib/docker/provisioner";
import type { Provisioner } from "@/lib/projects/provisioner";
import { ProjectService, type ProjectServiceConfig, type ProxyNotifier } from "@/lib/projects/service";
import { laneSubnetPool } from "@/test/support/lanes";
import { STANDIN_IMAGE_OVERRIDES } from "@/test/support/standin-images";

export const DOCKER_SOCKET = "/var/run/docker.sock";

export function newInstallationId(): string {
  return randomBytes(8).toString("hex");
}

export interface Installation {
  db: Db;
  url: string;
  installationId: string;
  provisioner: Provisioner;
  config: ProjectServiceConfig;
  service: ProjectService;
  /** Another app process on the same database ("a restart"), optionally with a changed runtime. */
  restart(opts?: { provisioner?: (real: Provisioner) => Provisioner; config?: Partial<ProjectServiceConfig> }): ProjectService;
}

/** A migrated SQLite database in a new folder, or `url` when given (an existing installation's). */
export async function openInstallation(opts: {
  url?: string;
  portRange: { start: number; end: number };
  masterKey?: Buffer;
  /** The proxy, or how to make it from the installation's database (nginx reads the projects from it). */
  proxy?: ProxyNotifier | ((db: Db) => ProxyNotifier);
  config?: Partial<ProjectServiceConfig>;
}): Promise<Installation> {
  const url = opts.url ?? `file:${join(mkdtempSync(join(tmpdir(), "supafleet-installation-")), "supafleet.db")}`;
  await migrate(url);
  const db = createDb(url);
  const installationId = await ensureInstallationId(db);
  const provisioner = createDockerProvisioner(DOCKER_SOCKET, installationId, { helperImage: STANDIN_IMAGE_OVERRIDES.db });
  const config: ProjectServiceConfig = {
    portRange: opts.portRange,
    masterKey: opts.masterKey ?? randomBytes(32),
    rootDomain: "supafleet.test",
    publicScheme: "http",
    imageOverrides: STANDIN_IMAGE_OVERRIDES,
    // Test installations share a pool like a staging copy would: the engine's networks keep them apart.
    // Its lane's pool (test/support/lanes.ts): two lanes never lease from one pool.
    subnetPool: laneSubnetPool(),
    ...opts.config,
  };
  const proxy = (typeof opts.proxy === "function" ? opts.proxy(db) : opts.proxy) ?? { apply: async () => undefined };
  return {
    db,
    url,
    installationId,
    provisioner,
    config,
    service: new ProjectService(db, provisioner, proxy, config),
    restart: (r = {}) => new ProjectService(db, r.provisioner ? r.provisioner(provisioner) : provisioner, proxy, { ...config, ...r.config }),
  };
}
