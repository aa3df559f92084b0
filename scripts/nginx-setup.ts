// Prepares Supafleet's own nginx: main config from nginx/nginx.conf, an
// initial generated part (validated), then starts nginx or reloads it.
// The app re-renders the generated part after start-up reconcile.
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { getEnv } from "@/lib/env";
import { renderMainConfig } from "@/lib/proxy/main-config";
import { LOGROTATE_CONF, renderLogRotation } from "@/lib/proxy/log-rotation";
import { proxySettings } from "@/lib/proxy/app-proxy";
import { nginxRuntimeLayout, nginxWorker, prepareNginxRuntime } from "@/lib/proxy/nginx-runtime";
import { renderNginxConfig } from "@/lib/proxy/render-nginx-config";
import { NginxApplier } from "@/lib/proxy/nginx-applier";

async function main(): Promise<void> {
  const env = getEnv();
  // Workers drop to www-data when we run as root; they write request bodies to the temp dir.
  const worker = nginxWorker();
  const layout = nginxRuntimeLayout({ mainConf: env.nginx.mainConf, tempDir: env.nginx.tempDir, worker });
  prepareNginxRuntime(layout, worker);
  writeFileSync(
    env.nginx.mainConf,
    renderMainConfig({
      siteConfPath: env.nginx.siteConf,
      pidPath: layout.pidPath,
      errorLogPath: join(layout.logDir, "error.log"),
      accessLogPath: join(layout.logDir, "access.log"),
      tempDir: layout.tempDir,
      user: layout.user,
    }),
  );
  // The access and error logs rotate (daily, or past 100 MB; lib/proxy/log-rotation.ts).
  const logs = [join(layout.logDir, "access.log"), join(layout.logDir, "error.log")];
  if (process.getuid?.() === 0 && existsSync(dirname(LOGROTATE_CONF))) {
    writeFileSync(LOGROTATE_CONF, renderLogRotation({ logs }), { mode: 0o644 });
  } else {
    console.warn(
      `[supafleet] ${dirname(LOGROTATE_CONF)} is missing or not writable: rotate ${logs.join(" and ")} yourself (apt-get install logrotate, run as root)`,
    );
  }
  if (!existsSync(env.nginx.siteConf)) writeFileSync(env.nginx.siteConf, renderNginxConfig([], proxySettings(env)));
  execFileSync(env.nginx.bin, ["-t", "-q", "-c", env.nginx.mainConf], { stdio: "inherit" });
  const applier = new NginxApplier({
    nginxBin: env.nginx.bin,
    mainConfPath: env.nginx.mainConf,
    siteConfPath: env.nginx.siteConf,
    loadProjects: async () => [],
    settings: proxySettings(env),
  });
  await applier.ensureRunning(layout.pidPath);
  console.info(`[supafleet] nginx serving ${env.publicScheme}://${env.rootDomain} on port ${env.nginx.tls ? env.nginx.httpsPort : env.nginx.httpPort}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
