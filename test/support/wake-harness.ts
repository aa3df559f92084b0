// A real nginx in front of a test installation, with the app's wake route
// served by its own handler (app/api/wake/[ref]/route.ts calls the same) on a
// small HTTP server standing in for the Next.js app: what the sleep and wake
// tests and benches drive requests through, by subdomain.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { NginxActivityLog } from "@/lib/proxy/activity";
import { ProjectService } from "@/lib/projects/service";
import type { ProjectServiceConfig } from "@/lib/projects/context";
import { handleWakeRequest } from "@/lib/projects/wake-http";
import { RateLimiter } from "@/lib/rate-limit/limiter";
import { DEFAULT_MAX_BLOCK_SEC, DEFAULT_RULES, parseRule, type RateLimitName, type RateLimitRule } from "@/lib/rate-limit/rules";
import { handleStudioGate } from "@/lib/studio/http";
import { StudioService } from "@/lib/studio/service";
import type { SessionUser } from "@/lib/auth/actor";
import { ensureDockerHost } from "@/test/support/docker-host";
import { openInstallation, type Installation } from "@/test/support/installation";
import { startNginx, testNginxApplier, type NginxHost } from "@/test/support/nginx-host";
import { ensureStandinImages } from "@/test/support/standin-images";

export interface WakeHarness {
  domain: string;
  nginx: NginxHost;
  inst: Installation;
  service: ProjectService;
  user: SessionUser;
  /** Removes every stack the installation made, stops the app and nginx. */
  close(): Promise<void>;
}

export async function startWakeHarness(opts: {
  domain: string;
  portRange: { start: number; end: number };
  config?: Partial<ProjectServiceConfig>;
}): Promise<WakeHarness> {
  const docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  const nginx = await startNginx();
  const activityLog = join(nginx.dir, "log", "activity.log");
  // Made once the installation is: the route answers 503 until then.
  const app$: { service?: ProjectService; studio?: StudioService } = {};
  const app: Server = createServer((req, res) => {
    // Studio's gate is the wake gate on a sleeping project's Studio paths (lib/proxy/nginx-studio-blocks.ts).
    const studioRef = /^\/api\/studio\/gate\/([^/?]+)/.exec(req.url ?? "")?.[1];
    const ref = studioRef ?? /^\/api\/wake\/([^/?]+)$/.exec(req.url ?? "")?.[1] ?? "";
    const headers = { get: (n: string) => (req.headers[n] as string | undefined) ?? null };
    const gone = new AbortController();
    res.on("close", () => gone.abort());
    const { service, studio } = app$;
    if (!service || !studio) return void res.writeHead(503).end();
    const request = { method: req.method ?? "GET", headers, signal: gone.signal };
    void (studioRef !== undefined ? handleStudioGate(studio, service, ref, request) : handleWakeRequest(service, ref, request)).then(
      (reply) => res.writeHead(reply.status, reply.headers).end(reply.body),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
  const appPort = (app.address() as { port: number }).port;
  const inst = await openInstallation({ portRange: opts.portRange, config: { rootDomain: opts.domain, ...opts.config } });
  const applier = testNginxApplier(nginx, inst.db, { domain: opts.domain, appPort, settings: { activityLog } });
  const rules = Object.fromEntries(Object.entries(DEFAULT_RULES).map(([k, v]) => [k, parseRule(v) as RateLimitRule])) as Record<RateLimitName, RateLimitRule>;
  app$.studio = new StudioService(
    inst.db,
    { rootDomain: opts.domain, publicScheme: "http", masterKey: inst.config.masterKey },
    new RateLimiter(inst.db, { rules, maxBlockSec: DEFAULT_MAX_BLOCK_SEC }),
  );
  const service = (app$.service = new ProjectService(inst.db, inst.provisioner, applier, inst.config, {
    activity: new NginxActivityLog(activityLog, opts.domain),
  }));
  const u = await inst.db.user.create({ data: { id: randomUUID(), email: `owner-${randomUUID().slice(0, 8)}@example.com`, passwordHash: "x" } });
  const user: SessionUser = { id: u.id, email: u.email, name: null, role: "USER" };
  return {
    domain: opts.domain,
    nginx,
    inst,
    service,
    user,
    close: async () => {
      const refs = await inst.db.project.findMany({ select: { ref: true } });
      for (const { ref } of refs) await inst.provisioner.destroy(ref).catch(() => undefined);
      await inst.db.$disconnect();
      app.close();
      nginx.stop();
    },
  };
}
