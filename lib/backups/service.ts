// The backup service: one object for app/ and tests. Backups, restores and
// clones of a project; deleted projects kept by their final backup and
// brought back; the schedule; the admin's views (lib/backups/admin-views.ts). Ownership is checked here
// the way the project service checks it (lib/projects/queries.ts).
import type { Readable } from "node:stream";
import { InvalidStateError, NotFoundError } from "@/lib/errors";
import { BACKUPABLE_STATUSES, isStatusIn } from "@/lib/domain";
import { PROJECT_FOR_SPEC, type ProjectCore, type ProjectHooks } from "@/lib/projects/context";
import { findOwned, type ProjectSummary, type ScopeOptions } from "@/lib/projects/queries";
import type { ProjectService } from "@/lib/projects/service";
import { chargeAttempt, type CallOptions, type ClientOptions } from "@/lib/projects/throttle";
import { getSystemSettings, updateSystemSettings } from "@/lib/settings/service";
import { assertAdmin, parseOrThrow, type SessionUser } from "@/lib/auth/actor";
import {
  backupInput,
  backupSettingsSchema,
  cloneBackupSchema,
  planRetentionSchema,
  projectRefInput,
  pitrPreviewSchema,
  pitrRestoreSchema,
  restoreBackupSchema,
  undeleteProjectSchema,
} from "@/lib/validations/backup";
import { backupContext, type BackupConfig, type BackupContext } from "@/lib/backups/context";
import { decryptedStream } from "@/lib/backups/format";
import { repairBackups, type BackupRepairReport } from "@/lib/backups/repair";
import { findDeleted, requestClone, requestRestore, requestUndelete } from "@/lib/backups/requests";
import { BackupScheduler, pruneBackups } from "@/lib/backups/schedule";
import type { BackupStore } from "@/lib/backups/store";
import { takeBackup } from "@/lib/backups/take";
import { pitrPreview, pitrView, requestPitrRestore, type PitrPreview, type PitrView } from "@/lib/backups/pitr/request";
import { flushAndShip, WalShipper } from "@/lib/backups/pitr/ship";
import { backupView, type BackupView } from "@/lib/backups/view";
import { backupAdminView, failingBackupsOf, listDeletedProjects, type BackupAdminView, type DeletedProjectView } from "@/lib/backups/admin-views";
export type { BackupAdminView, DeletedProjectView } from "@/lib/backups/admin-views";

export type { BackupView } from "@/lib/backups/view";

export class BackupService {
  readonly ctx: BackupContext;
  private scheduler: BackupScheduler | undefined;
  private shipper: WalShipper | undefined;

  /** What the project service runs inside its own operations; the composition root (lib/services.ts) passes these to its constructor. */
  readonly projectHooks: ProjectHooks = {
    // A delete keeps a final backup (lib/projects/lifecycle.ts calls this before it removes anything).
    beforeDelete: (p) => this.finalBackup(p),
    // An upgrade keeps a backup on the old template: a clone of it runs that template again.
    beforeUpgrade: (p) => this.upgradeBackup(p),
  };

  /**
   * On the parts it shares with the project service (the composition root's),
   * or on a project service built by hand (tests, benches), which then runs
   * the hooks above (ProjectService.attach).
   */
  constructor(projects: ProjectCore | ProjectService, store: BackupStore, config: Partial<BackupConfig> = {}) {
    this.ctx = backupContext("attach" in projects ? projects.attach(this.projectHooks) : projects, store, config);
  }

  private get projects(): ProjectCore {
    return this.ctx.projects;
  }

  // ---- the owner's project page --------------------------------------------------

  async listBackups(actor: SessionUser, ref: string, opts: ScopeOptions = {}): Promise<BackupView[]> {
    return (await this.backupsPanel(actor, ref, opts)).backups;
  }

  /** The project page's panel: the backups, and whether one can be taken now (read each time: the status moves). */
  async backupsPanel(actor: SessionUser, ref: string, opts: ScopeOptions = {}): Promise<{ backups: BackupView[]; canBackUp: boolean }> {
    const p = await findOwned(this.projects, actor, ref, { ...opts, action: "project.read" });
    const rows = await this.ctx.db.backup.findMany({ where: { projectId: p.id }, orderBy: { startedAt: "desc" }, take: 200 });
    return {
      backups: rows.map((r) => backupView(r, p.stackVersion, this.projects.config.imageOverrides)),
      canBackUp: p.activatedAt !== null && isStatusIn(p.status, BACKUPABLE_STATUSES),
    };
  }

  /** On-demand backup; resolves once it is finished (the page shows it RUNNING meanwhile). */
  async createBackup(actor: SessionUser, input: unknown): Promise<BackupView> {
    const { ref } = parseOrThrow(projectRefInput, input);
    const found = await findOwned(this.projects, actor, ref);
    if (!found.activatedAt) throw new InvalidStateError("This project has no data yet.");
    if (!isStatusIn(found.status, BACKUPABLE_STATUSES)) throw new InvalidStateError(`A project that is ${found.status} cannot be backed up now.`);
    const p = await this.ctx.db.project.findUniqueOrThrow({ where: { id: found.id }, include: PROJECT_FOR_SPEC });
    const id = await takeBackup(this.ctx, p, "MANUAL");
    return backupView(await this.ctx.db.backup.findUniqueOrThrow({ where: { id } }), p.stackVersion, this.projects.config.imageOverrides);
  }

  // Restores, clones and undeletes start whole stacks: they pay the project
  // throttles (lib/projects/throttle.ts) like the project service's doors,
  // before any work. A clone makes a new project, so it is a create.

  async restoreBackup(actor: SessionUser, input: unknown, opts: ClientOptions = {}): Promise<ProjectSummary> {
    await chargeAttempt(this.projects.limiter, "lifecycle", actor, opts);
    return requestRestore(this.ctx, actor, parseOrThrow(restoreBackupSchema, input));
  }

  async cloneBackup(actor: SessionUser, input: unknown, opts: ClientOptions = {}): Promise<ProjectSummary> {
    await chargeAttempt(this.projects.limiter, "create", actor, opts);
    return requestClone(this.ctx, actor, parseOrThrow(cloneBackupSchema, input));
  }

  /** The decrypted backup (.tar.gz), only for the project's owner (not even an admin: it is the owner's data). */
  async download(actor: SessionUser, input: unknown): Promise<{ filename: string; stream: Readable }> {
    const { ref, backupId } = parseOrThrow(backupInput, input);
    // The decrypted data: for those who may reveal the project's secrets.
    const p = await findOwned(this.projects, actor, ref, { action: "project.secrets" });
    const backup = await this.ctx.db.backup.findFirst({ where: { id: backupId, projectId: p.id } });
    if (!backup) throw new NotFoundError("Backup not found.");
    if (backup.status !== "SUCCEEDED") throw new InvalidStateError("Only a finished backup can be downloaded.");
    const stored = await this.ctx.store.read(backup.objectKey);
    const stamp = backup.startedAt.toISOString().replace(/[-:]/g, "").slice(0, 15);
    return { filename: `${p.ref}-${stamp}.tar.gz`, stream: decryptedStream(stored, this.projects.config.masterKey, p.ref, backup.checksum) };
  }

  // ---- point-in-time recovery (lib/backups/pitr) ------------------------------------

  pitrWindow = (actor: SessionUser, ref: string, opts: ScopeOptions = {}): Promise<PitrView> => pitrView(this.ctx, actor, ref, opts);
  pitrPreview = (actor: SessionUser, input: unknown): Promise<PitrPreview> => pitrPreview(this.ctx, actor, parseOrThrow(pitrPreviewSchema, input));

  async restoreToPoint(actor: SessionUser, input: unknown, opts: ClientOptions = {}): Promise<ProjectSummary> {
    await chargeAttempt(this.projects.limiter, "lifecycle", actor, opts);
    return requestPitrRestore(this.ctx, actor, parseOrThrow(pitrRestoreSchema, input));
  }

  /** One shipping pass over every project now (tests, benches); with a ref, that project's open segment is closed first. */
  async shipWal(ref?: string): Promise<void> {
    if (!ref) return (this.shipper ??= new WalShipper(this.ctx, this.ctx.config.walShipEveryMs)).tick();
    const p = await this.ctx.db.project.findUniqueOrThrow({ where: { ref }, include: PROJECT_FOR_SPEC });
    await flushAndShip(this.ctx, p);
  }

  // ---- deleted projects ----------------------------------------------------------

  /** The final backup a delete keeps (when soft delete is on and the project ever held data). */
  async finalBackup(p: { id: string; ref: string }): Promise<void> {
    const settings = await getSystemSettings(this.ctx.db);
    const row = await this.ctx.db.project.findUniqueOrThrow({ where: { id: p.id }, include: PROJECT_FOR_SPEC });
    if (settings.softDeleteDays === 0 || !row.activatedAt) return;
    const stacks = await this.ctx.provisioner.listStacks();
    const hasData = stacks.some(
      (s) =>
        s.ref === p.ref &&
        s.installation === this.ctx.provisioner.installationId &&
        s.volumes.some((v) => v.key === "db-data" && v.generation === row.dataGeneration),
    );
    if (!hasData) return; // nothing left to keep
    try {
      await takeBackup(this.ctx, row, "FINAL");
    } catch (err) {
      throw new InvalidStateError(`The final backup failed, so nothing was deleted: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Before an upgrade: a backup of a project that holds data (a throw stops the upgrade). */
  async upgradeBackup(p: { id: string; ref: string }): Promise<{ kind: "taken"; id: string } | { kind: "unavailable"; why: string }> {
    const row = await this.ctx.db.project.findUniqueOrThrow({ where: { id: p.id }, include: PROJECT_FOR_SPEC });
    if (!row.activatedAt) return { kind: "unavailable", why: "the project holds no data yet" };
    return { kind: "taken", id: await takeBackup(this.ctx, row, "MANUAL") };
  }

  listDeleted(actor: SessionUser): Promise<DeletedProjectView[]> {
    return listDeletedProjects(this.ctx, actor);
  }

  async undeleteProject(actor: SessionUser, input: unknown, opts: CallOptions = {}): Promise<ProjectSummary> {
    await chargeAttempt(this.projects.limiter, "lifecycle", actor, opts);
    const parsed = parseOrThrow(undeleteProjectSchema, input);
    await findDeleted(this.ctx, actor, parsed.ref, opts);
    return requestUndelete(this.ctx, actor, parsed, opts);
  }

  // ---- dashboard and admin ----------------------------------------------------------

  /** The actor's projects whose latest scheduled backup failed. */
  failingBackups(actor: SessionUser): Promise<Array<{ ref: string; name: string; at: string; error: string }>> {
    return failingBackupsOf(this.ctx, actor);
  }

  adminView(actor: SessionUser): Promise<BackupAdminView> {
    return backupAdminView(this.ctx, actor);
  }

  async saveSettings(actor: SessionUser, input: unknown): Promise<void> {
    assertAdmin(actor);
    await updateSystemSettings(this.ctx.db, parseOrThrow(backupSettingsSchema, input));
  }

  async setPlanRetention(actor: SessionUser, input: unknown): Promise<void> {
    assertAdmin(actor);
    const { planId, backupRetentionDays } = parseOrThrow(planRetentionSchema, input);
    const r = await this.ctx.db.plan.updateMany({ where: { id: planId }, data: { backupRetentionDays } });
    if (!r.count) throw new NotFoundError("Plan not found.");
  }

  // ---- process -------------------------------------------------------------------------

  /** Start-up repair; run before the projects' reconcile. */
  repair(): Promise<BackupRepairReport> {
    return repairBackups(this.ctx);
  }

  startScheduler(): BackupScheduler {
    this.scheduler ??= new BackupScheduler(this.ctx);
    this.scheduler.start();
    // WAL shipping runs beside it, when archiving is on (it does nothing otherwise).
    (this.shipper ??= new WalShipper(this.ctx, this.ctx.config.walShipEveryMs)).start();
    return this.scheduler;
  }

  stopScheduler(): void {
    this.scheduler?.stop();
    this.shipper?.stop();
  }

  /** One scheduler pass now (tests, benches). */
  runSchedule = (now?: Date) => (this.scheduler ??= new BackupScheduler(this.ctx)).tick(now);
  prune = (now?: Date) => pruneBackups(this.ctx, now);
}
