// The composition root's second part: the ways into a project beside its
// HTTP gateway, Studio by the Supafleet session and the shared Postgres port.
// Built from lib/services.ts's services, once per process (kept on globalThis
// as the root's are: Next.js may load this module in more than one bundle).
import { getEnv } from "@/lib/env";
import { getMasterKey } from "@/lib/server-keys";
import { PgRouter } from "@/lib/proxy/pg-router";
import { StudioService } from "@/lib/studio/service";
import { getDb, getProjectService, getRateLimiter } from "@/lib/services";

interface AccessRoot {
  studio?: StudioService;
  pgRouter?: PgRouter | null;
}

const g = globalThis as unknown as { supafleetAccess?: AccessRoot };
const root = (): AccessRoot => (g.supafleetAccess ??= {});

/** Studio sign-in by the Supafleet session (lib/studio/service.ts). */
export function getStudioService(): StudioService {
  const r = root();
  if (!r.studio) {
    const env = getEnv();
    r.studio = new StudioService(
      getDb(),
      { rootDomain: env.rootDomain, publicScheme: env.publicScheme, publicPort: env.publicPort, masterKey: getMasterKey(env) },
      getRateLimiter(),
    );
  }
  return r.studio;
}

/** The shared Postgres port (SUPAFLEET_PG_ROUTER), or null when it is off. lib/startup.ts starts it. */
export function getPgRouter(): PgRouter | null {
  const r = root();
  if (r.pgRouter === undefined) {
    const env = getEnv();
    // The projects' ports listen on dbBindAddress; all interfaces include loopback.
    const upstream = env.dbBindAddress === "0.0.0.0" ? "127.0.0.1" : env.dbBindAddress;
    r.pgRouter = env.pgRouter
      ? new PgRouter({
          listen: env.pgRouter,
          route: (serverName) => getProjectService().pgRoute(serverName, upstream),
          warn: (line) => console.warn(`[supafleet] ${line}`),
        })
      : null;
  }
  return r.pgRouter;
}
