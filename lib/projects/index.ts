// Process-wide wiring: env → Docker provisioner + nginx applier → service.
// Kept on globalThis so Next's dev reloads do not start a second job runner.
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { getMasterKey } from "@/lib/server-keys";
import { createProxy } from "@/lib/proxy/app-proxy";
import { createDockerProvisioner } from "@/lib/projects/docker-provisioner";
import { ProjectService } from "@/lib/projects/service";

const g = globalThis as unknown as { supafleetProjects?: ProjectService };

export function getProjectService(): ProjectService {
  if (!g.supafleetProjects) {
    const env = getEnv();
    const db = getDb();
    g.supafleetProjects = new ProjectService(db, createDockerProvisioner(env.dockerSocket), createProxy(env, db), {
      portRange: env.portRange,
      masterKey: getMasterKey(env),
      rootDomain: env.rootDomain,
      publicScheme: env.publicScheme,
      publicPort: env.publicPort,
      imageOverrides: env.imageOverrides,
      dockerSocket: env.dockerSocket,
      maxParallelStarts: env.maxParallelStarts,
    });
  }
  return g.supafleetProjects;
}
