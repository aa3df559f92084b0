// One way for tests to get a ProjectService on a real (migrated) SQLite
// database and the strict fake engine (test/support/fake-provisioner.ts).
// buildProjectService and buildBackupService are the only places in test/unit
// and test/db that know how the services are constructed: when their wiring
// changes, this file does.
import { randomBytes, randomUUID } from "node:crypto";
import { join } from "node:path";
import { BackupService } from "@/lib/backups/service";
import type { BackupStore } from "@/lib/backups/store";
import { createDb, type Db } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { ensureInstallationId } from "@/lib/installation/service";
import type { ActivitySource } from "@/lib/proxy/activity";
import type { RateLimiter } from "@/lib/rate-limit/limiter";
import { ProjectService, type ProjectServiceConfig, type ProxyNotifier } from "@/lib/projects/service";
import type { SessionUser } from "@/lib/auth/actor";
import { FakeEngine, type FakeHooks } from "@/test/support/fake-provisioner";

export { tempFolder } from "@/test/support/temp-folder";

/** The runtime a ProjectService drives (the fake engine's provisioner, or a test's wrapper of it). */
export type ServiceRuntime = ConstructorParameters<typeof ProjectService>[1];

/** Settings of a test installation: nothing here reaches a real engine or proxy. */
export function fixtureConfig(overrides: Partial<ProjectServiceConfig> = {}): ProjectServiceConfig {
  return {
    portRange: { start: 41000, end: 41099 },
    masterKey: randomBytes(32),
    rootDomain: "supafleet.test",
    publicScheme: "http",
    imageOverrides: {},
    ...overrides,
  };
}

export interface ServiceParts {
  db: Db;
  provisioner: ServiceRuntime;
  config: ProjectServiceConfig;
  /** Default: a proxy that accepts every apply. */
  proxy?: ProxyNotifier;
  activity?: ActivitySource;
  limiter?: RateLimiter;
}

/** The one constructor call. */
export function buildProjectService(parts: ServiceParts): ProjectService {
  return new ProjectService(parts.db, parts.provisioner, parts.proxy ?? { apply: async () => undefined }, parts.config, {
    activity: parts.activity,
    limiter: parts.limiter,
  });
}

/** A backup service beside `projects` (as the app wires them: it keeps final backups before deletes and upgrades). */
export function buildBackupService(projects: ProjectService, store: BackupStore): BackupService {
  return new BackupService(projects, store);
}

/** A migrated SQLite database in `dir` and its installation id. */
export async function openTestDb(dir: string, file = `${randomUUID()}.sqlite`): Promise<{ db: Db; url: string; installationId: string }> {
  const url = `file:${join(dir, file)}`;
  await migrate(url);
  const db = createDb(url);
  return { db, url, installationId: await ensureInstallationId(db) };
}

/** Adds an account (with no usable password) and returns it as a session sees it. */
export async function addUser(db: Db, email: string, opts: { role?: SessionUser["role"]; projectQuota?: number } = {}): Promise<SessionUser> {
  const role = opts.role ?? "USER";
  const u = await db.user.create({ data: { id: randomUUID(), email, passwordHash: "x", role, projectQuota: opts.projectQuota } });
  return { id: u.id, email: u.email, name: null, role };
}

export interface ServiceOptions {
  /** Hooks of the fake engine's provisioner (a slow or failing step). */
  hooks?: FakeHooks;
  /** Wraps the fake provisioner (a capability it lacks, a refusal); gets the one made with `hooks`. */
  provisioner?: (fake: ServiceRuntime) => ServiceRuntime;
  proxy?: ProxyNotifier;
  activity?: ActivitySource;
  limiter?: RateLimiter;
  /** Settings over the fixture's (fixtureConfig's for the first service). */
  config?: Partial<ProjectServiceConfig>;
}

export interface FixtureOptions extends ServiceOptions {
  /** Folder of the database file (tempFolder). */
  dir: string;
  /** The database file's name in `dir`; default a new one. */
  file?: string;
}

export interface ProjectFixture {
  db: Db;
  url: string;
  installationId: string;
  engine: FakeEngine;
  config: ProjectServiceConfig;
  service: ProjectService;
  /** Another app process on the same database, engine and settings (a restart, or a second process), wired as told. */
  another(opts?: ServiceOptions): ProjectService;
  /** Another app process with a backup service on `store` beside its project service. */
  withBackups(store: BackupStore, opts?: ServiceOptions): { projects: ProjectService; backups: BackupService };
}

/** A new installation: its own database and fake engine, and a service on them. */
export async function projectServiceFixture(opts: FixtureOptions): Promise<ProjectFixture> {
  const { db, url, installationId } = await openTestDb(opts.dir, opts.file);
  const engine = new FakeEngine();
  const config = fixtureConfig(opts.config);
  const another = (o: ServiceOptions = {}): ProjectService => {
    const fake = engine.provisioner(installationId, o.hooks);
    return buildProjectService({
      db,
      provisioner: o.provisioner ? o.provisioner(fake) : fake,
      config: o.config ? { ...config, ...o.config } : config,
      proxy: o.proxy,
      activity: o.activity,
      limiter: o.limiter,
    });
  };
  const withBackups = (store: BackupStore, o: ServiceOptions = {}) => {
    const projects = another(o);
    return { projects, backups: buildBackupService(projects, store) };
  };
  return { db, url, installationId, engine, config, service: another({ ...opts, config: undefined }), another, withBackups };
}
