// Supafleet's domain words, defined once: project status words (Supabase's
// own) and their groups, event kinds, roles. Server, UI, proxy and admin
// import them from here; nothing else spells them out. Plain data only, so
// client components can import it too.

export const PROJECT_STATUSES = [
  "COMING_UP",
  "ACTIVE_HEALTHY",
  "ACTIVE_UNHEALTHY",
  "PAUSING",
  "INACTIVE",
  "RESTORING",
  "INIT_FAILED",
  "REMOVED",
  "UNKNOWN",
] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/** Each status word by its name, for comparisons and queries: `status === STATUS.INACTIVE`, `{ not: STATUS.REMOVED }`. */
export const STATUS: { readonly [K in ProjectStatus]: K } = {
  COMING_UP: "COMING_UP",
  ACTIVE_HEALTHY: "ACTIVE_HEALTHY",
  ACTIVE_UNHEALTHY: "ACTIVE_UNHEALTHY",
  PAUSING: "PAUSING",
  INACTIVE: "INACTIVE",
  RESTORING: "RESTORING",
  INIT_FAILED: "INIT_FAILED",
  REMOVED: "REMOVED",
  UNKNOWN: "UNKNOWN",
};

/** Up and serving (healthy or not): can be paused or restarted. */
export const ACTIVE_STATUSES: readonly ProjectStatus[] = ["ACTIVE_HEALTHY", "ACTIVE_UNHEALTHY"];
/** The gateway may answer: nginx routes the subdomain to it (else a status page). */
export const ROUTED_STATUSES: readonly ProjectStatus[] = ["ACTIVE_HEALTHY", "ACTIVE_UNHEALTHY", "COMING_UP", "RESTORING", "UNKNOWN"];
/** Stopped on purpose, data kept: nginx answers "paused". */
export const PAUSED_STATUSES: readonly ProjectStatus[] = ["INACTIVE", "PAUSING"];
/** Containers running or starting: what holds the host's memory. */
export const RUNNING_STATUSES: readonly ProjectStatus[] = ["ACTIVE_HEALTHY", "ACTIVE_UNHEALTHY", "COMING_UP", "RESTORING", "PAUSING", "UNKNOWN"];
/** A background job is (or should be) working on it. */
export const TRANSITIONAL_STATUSES: readonly ProjectStatus[] = ["COMING_UP", "PAUSING", "RESTORING"];
/** Its containers are being started (a create, a resume or wake, a restore): a request waits rather than fails. */
export const STARTING_STATUSES: readonly ProjectStatus[] = ["COMING_UP", "RESTORING"];
/** A project that holds data and is not changing: it can be backed up now. */
export const BACKUPABLE_STATUSES: readonly ProjectStatus[] = ["ACTIVE_HEALTHY", "ACTIVE_UNHEALTHY", "INACTIVE"];
/** A backup may be restored into it: it holds data and no job is working on it (UNKNOWN: the engine did not answer). */
export const RESTORABLE_STATUSES: readonly ProjectStatus[] = ["ACTIVE_HEALTHY", "ACTIVE_UNHEALTHY", "INACTIVE", "UNKNOWN"];
/** Running or paused: an upgrade may start (a paused one is paused again afterwards). */
export const UPGRADABLE_STATUSES: readonly ProjectStatus[] = ["ACTIVE_HEALTHY", "ACTIVE_UNHEALTHY", "INACTIVE"];
/** The health monitor follows its containers (UNKNOWN until the engine answers again). */
export const WATCHED_STATUSES: readonly ProjectStatus[] = ["ACTIVE_HEALTHY", "ACTIVE_UNHEALTHY", "UNKNOWN"];

export const isStatusIn = (status: string, group: readonly ProjectStatus[]): boolean => (group as readonly string[]).includes(status);

export const ROLES = ["USER", "ADMIN"] as const;
export type Role = (typeof ROLES)[number];

/**
 * A member's role in an organization, strongest first: Supabase's four
 * (https://supabase.com/docs/guides/platform/access-control). What each may
 * do is lib/orgs/permissions.ts.
 */
export const ORG_ROLES = ["OWNER", "ADMINISTRATOR", "DEVELOPER", "READ_ONLY"] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

/** The role's name as Supabase's dashboard and Management API (role_name) spell it. */
export const ORG_ROLE_NAMES: { readonly [K in OrgRole]: string } = {
  OWNER: "Owner",
  ADMINISTRATOR: "Administrator",
  DEVELOPER: "Developer",
  READ_ONLY: "Read-only",
};

/** What a project's leased host port is for: its gateway, its database (Supavisor session mode), its pooler (transaction mode). */
export const PORT_PURPOSES = ["KONG_HTTP", "POSTGRES", "POOLER"] as const;
export type PortPurpose = (typeof PORT_PURPOSES)[number];

export type StartMode = "create" | "resume" | "restart";

/**
 * How an INACTIVE project paused for idleness sleeps (lib/projects/sleep-tier.ts):
 * "frozen" (containers suspended, memory kept, wakes in well under a second)
 * or "stopped" (containers stopped, memory freed, wakes in seconds). A tier,
 * not a status: Supabase's status word for both is INACTIVE.
 */
export const SLEEP_TIERS = ["frozen", "stopped"] as const;
export type SleepTier = (typeof SLEEP_TIERS)[number];

/** Why a project is paused: only an idle pause is undone by the next request. */
export const PAUSED_BY = ["idle", "owner", "admin"] as const;
export type PausedBy = (typeof PAUSED_BY)[number];

/**
 * Every kind of project event. Lifecycle kinds are "<action>.<step>"; the
 * delete intent ("delete.started") is durable: a restart that finds it as a
 * project's last delete event finishes the delete.
 */
export const EVENT = {
  createRequested: "create.requested",
  createRetry: "create.retry",
  createRolledBack: "create.rolled_back",
  nodePlaced: "node.placed",
  createRollbackFailed: "create.rollback_failed",
  pauseStarted: "pause.started",
  pauseSucceeded: "pause.succeeded",
  pauseFailed: "pause.failed",
  pauseIdle: "pause.idle",
  wakeRequested: "wake.requested",
  // The frozen sleep tier (lib/projects/sleep-tier.ts).
  sleepFrozen: "sleep.frozen",
  sleepThawed: "sleep.thawed",
  sleepStopped: "sleep.stopped",
  sleepFailed: "sleep.failed",
  deleteIntent: "delete.started",
  deleteSucceeded: "delete.succeeded",
  deleteFailed: "delete.failed",
  healthChanged: "health.changed",
  reconcileRepair: "reconcile.repair",
  reconcileDataMissing: "reconcile.data_missing",
  recoveryRebuilt: "recovery.rebuilt",
  recoveryEngineState: "recovery.engine_state",
  imagePull: "image.pull",
  upgradeRequested: "upgrade.requested",
  upgradeStarted: "upgrade.started",
  /** A step of an upgrade that carries the data to a new Postgres major. */
  upgradeStep: "upgrade.step",
  upgradeBackup: "upgrade.backup",
  upgradeSucceeded: "upgrade.succeeded",
  upgradeFailed: "upgrade.failed",
  upgradeRolledBack: "upgrade.rolled_back",
  upgradeRollbackFailed: "upgrade.rollback_failed",
  authSettingsSaved: "auth_settings.saved",
  projectRenamed: "project.renamed",
  projectTransferred: "project.transferred",
  authRestartSucceeded: "auth_settings.applied",
  authRestartFailed: "auth_settings.apply_failed",
  // Edge Functions (Management API): secrets saved (functions restarts alone), deploys and deletes.
  functionSecretsSaved: "function_secrets.saved",
  functionsRestartSucceeded: "function_secrets.applied",
  functionsRestartFailed: "function_secrets.apply_failed",
  functionDeployed: "function.deployed",
  // Storage's file size limit changed by the owner (Management API): storage restarts alone.
  storageSettingsSaved: "storage_settings.saved",
  storageRestartSucceeded: "storage_settings.applied",
  storageRestartFailed: "storage_settings.apply_failed",
  functionDeleted: "function.deleted",
  // A custom hostname (lib/domains) activated or deleted: auth and storage restart alone with the new public URL.
  customDomainChanged: "custom_domain.changed",
  customDomainApplied: "custom_domain.applied",
  customDomainApplyFailed: "custom_domain.apply_failed",
  // Backups (lib/backups): a backup's steps, and a restore's (into the same
  // project, a clone, or a deleted project brought back).
  backupStarted: "backup.started",
  backupSucceeded: "backup.succeeded",
  backupFailed: "backup.failed",
  restoreStarted: "restore.started",
  restoreStep: "restore.step",
  restoreSucceeded: "restore.succeeded",
  restoreFailed: "restore.failed",
  restoreRolledBack: "restore.rolled_back",
  /** Live only (not stored): how far a restore has read the backup. */
  restoreProgress: "restore.progress",
  // Continuous WAL archiving (lib/backups/pitr): a segment the full archive volume dropped, a shipping failure.
  walGap: "wal.gap",
  walShipFailed: "wal.ship_failed",
  // Database disk quota (lib/projects/disk-guard.ts).
  diskWarning: "disk.warning",
  diskReadOnly: "disk.read_only",
  diskWritable: "disk.writable",
} as const;

/** Backup words shown in the UI. */
export const BACKUP_KINDS = ["SCHEDULED", "MANUAL", "FINAL"] as const;
export const BACKUP_STATUSES = ["RUNNING", "SUCCEEDED", "FAILED"] as const;
export type BackupKindWord = (typeof BACKUP_KINDS)[number];
export type BackupStatusWord = (typeof BACKUP_STATUSES)[number];

/** Steps of a stack start, per mode: "create.queued", "resume.succeeded", … */
export type StartStep = "requested" | "queued" | "started" | "succeeded" | "failed";
export const startEvent = (mode: StartMode, step: StartStep) => `${mode}.${step}` as const;

/** What the Docker adapter reports while it converges a stack. */
export type ServiceEventKind =
  | "service.creating"
  | "service.started"
  | "service.unhealthy"
  | "service.healthy"
  | "service.failed"
  /** The db's new data volume came from its template's seed (lib/docker/db-seed.ts). */
  | "service.seeded"
  /** It could not, and the db initialises itself (slower, same result). */
  | "service.seed_skipped"
  /** A start on existing data: the request path is healthy, API requests are answered while the rest starts (lib/stack/start-order.ts). */
  | "stack.serving";

export type EventKind = (typeof EVENT)[keyof typeof EVENT] | ReturnType<typeof startEvent> | ServiceEventKind;

export type EventLevel = "INFO" | "WARN" | "ERROR";
