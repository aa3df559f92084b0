// Work done once when the server process starts, before it serves requests:
// schema migrations, the bootstrap admin, the settings row. Later steps
// (reconcile, proxy apply) are registered by their modules via onStartup.
// Services come from the composition root (lib/services.ts).
import { migrate } from "@/lib/db/migrate";
import { getEnv } from "@/lib/env";
import { applyEgressRules } from "@/lib/network/egress";
import { installEgressBoot } from "@/lib/network/egress-boot";
import { getMasterKey, getAuthSecret } from "@/lib/server-keys";
import { ensureInstallationId } from "@/lib/installation/service";
import { describeError } from "@/lib/errors";
import { getAccountServices, getAcmeManager, getBackupService, getDb, getProjectService, setInstallationId } from "@/lib/services";
import { getPgRouter } from "@/lib/services-access";

let started: Promise<void> | undefined;

export function runStartup(): Promise<void> {
  started ??= (async () => {
    const env = getEnv();
    // Fail at boot, not at first project, when keys are missing or corrupt.
    getMasterKey(env);
    getAuthSecret(env);
    const result = await migrate(env.databaseUrl);
    if (result.applied.length) console.info(`[supafleet] applied migrations: ${result.applied.join(", ")}`);
    if (env.egress.enabled) {
      // Before any project starts; and, for the next boot, before dockerd restarts any tenant (lib/network/egress-boot.ts).
      const policy = { pools: [env.subnetPool.cidr], deny: env.egress.deny };
      const applied = await applyEgressRules(policy);
      console.info(`[supafleet] egress rules applied for ${env.subnetPool.cidr}: ${applied.forward} forward, ${applied.input} input`);
      const boot = await installEgressBoot(policy);
      if (!boot.persisted) console.warn(`[supafleet] egress rules are not kept across reboots: ${boot.why}`);
    } else {
      console.warn("[supafleet] SUPAFLEET_EGRESS_RULES=false: tenants' containers can reach the cloud metadata address and the host's services");
    }
    setInstallationId(await ensureInstallationId(getDb(), env.installationId));
    const { settings, users } = getAccountServices();
    await settings.get();
    const admin = await users.ensureBootstrapAdmin(env.admin);
    if (admin.outcome === "created") console.info(`[supafleet] bootstrap admin ${env.admin?.email} created`);
    if (admin.outcome === "refused") console.error(`[supafleet] bootstrap admin refused: ${admin.reason}`);
    // Reconcile after a restart: an engine that is down must not keep the
    // app from serving (users can still log in and see their projects).
    try {
      // Backups and restores first: every project must be on its recorded data generation before the reconcile looks at it.
      const repaired = await getBackupService().repair();
      for (const r of repaired.repaired) console.info(`[supafleet] repaired: ${r}`);
      for (const e of repaired.errors) console.error(`[supafleet] backup repair error: ${e}`);
      const report = await getProjectService().reconcile();
      for (const d of report.drift) console.warn(`[supafleet] drift: ${d}`);
      for (const r of report.repaired) console.info(`[supafleet] repaired: ${r}`);
      for (const e of report.errors) console.error(`[supafleet] reconcile error: ${e}`);
      for (const q of report.quarantined) console.warn(`[supafleet] quarantined (stopped, volumes kept; see the admin console): ${q}`);
      for (const f of report.foreign) console.info(`[supafleet] another installation's stack: ${f}`);
    } catch (err) {
      console.error(`[supafleet] reconcile skipped: ${describeError(err)}`);
    }
    // From here on, status follows the engine whether or not anyone watches.
    getProjectService().startMonitor();
    if (env.backups.schedule) getBackupService().startScheduler();
    // Certificates for the panel and every project: the first look now, then every minute.
    getAcmeManager()?.start();
    // The shared Postgres port: a port already taken (a Postgres of the host's own on 5432) must not keep the panel down.
    const pgRouter = getPgRouter();
    const listen = env.pgRouter;
    if (pgRouter && listen) {
      await pgRouter.start().then(
        (a) => console.info(`[supafleet] Postgres front door on ${a.address}:${a.port} (routes by TLS server name)`),
        (err: unknown) =>
          console.error(
            `[supafleet] Postgres front door could not listen on ${listen.host}:${listen.port}: ${describeError(err)}; set SUPAFLEET_PG_ROUTER to another port, or off`,
          ),
      );
    }
  })();
  return started;
}
