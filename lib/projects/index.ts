// Process-wide wiring: env → Docker provisioner + nginx applier → service.
// Kept on globalThis so Next's dev reloads do not start a second job runner,
// and because instrumentation (lib/startup.ts) and the route bundles are
// separate module graphs that share only globalThis.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadOrCreatePoolerCa } from "@/lib/crypto/pooler-ca";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { ConfigError } from "@/lib/errors";
import { getMasterKey } from "@/lib/server-keys";
import { activityLogPath, createProxy } from "@/lib/proxy/app-proxy";
import { NginxActivityLog } from "@/lib/proxy/activity";
import { LATEST_STACK_VERSION, templateImage } from "@/lib/stack/template";
import { createDockerProvisioner } from "@/lib/docker/provisioner";
import { createSwarmProvisioner } from "@/lib/swarm/provisioner";
import { ProjectService } from "@/lib/projects/service";
import { getRateLimiter } from "@/lib/rate-limit";

const g = globalThis as unknown as { supafleetProjects?: ProjectService; supafleetInstallationId?: string };

/** Called once by lib/startup.ts with the id from the database, before anything uses the service. */
export function setInstallationId(id: string): void {
  if (g.supafleetInstallationId && g.supafleetInstallationId !== id) throw new ConfigError("The installation id cannot change while Supafleet runs.");
  g.supafleetInstallationId = id;
}

export function getProjectService(): ProjectService {
  if (!g.supafleetProjects) {
    const installationId = g.supafleetInstallationId;
    // Without its id the service could not tell its own resources from another installation's.
    if (!installationId) throw new ConfigError("Supafleet has not finished starting (no installation id yet).");
    const env = getEnv();
    const db = getDb();
    const provisioner =
      env.engine === "swarm"
        ? createSwarmProvisioner(env.dockerSocket, installationId, env.swarm)
        : createDockerProvisioner(env.dockerSocket, installationId, {
            helperImage: templateImage(LATEST_STACK_VERSION, "db", env.imageOverrides),
            dbSeed: env.dbSeed,
          });
    g.supafleetProjects = new ProjectService(
      db,
      provisioner,
      createProxy(env, db),
      {
        portRange: env.portRange,
        masterKey: getMasterKey(env),
        rootDomain: env.rootDomain,
        publicScheme: env.publicScheme,
        publicPort: env.publicPort,
        imageOverrides: env.imageOverrides,
        analytics: env.analytics,
        maxParallelStarts: env.maxParallelStarts,
        healthIntervalMs: env.healthIntervalMs,
        subnetPool: env.subnetPool,
        dbBindAddress: env.dbBindAddress,
        // With TLS for the site, Postgres gets TLS too, under the installation's pooler CA (kept beside the data).
        poolerCa: env.nginx.tls ? loadOrCreatePoolerCa(join(env.dataDir, "pooler-ca")) : undefined,
        // Where the engine keeps volumes, when Supafleet can see it (it runs on the host); else its own data folder.
        diskPath: existsSync("/var/lib/docker") ? "/var/lib/docker" : env.dataDir,
      },
      { activity: env.nginx.enabled ? new NginxActivityLog(activityLogPath(env), env.rootDomain) : undefined, limiter: getRateLimiter() },
    );
  }
  return g.supafleetProjects;
}
