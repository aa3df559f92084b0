// Prepares Supafleet's own nginx: main config from nginx/nginx.conf, an
// initial generated part (validated), then starts nginx or reloads it.
// The app re-renders the generated part after start-up reconcile.
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getEnv } from "@/lib/env";
import { renderMainConfig } from "@/lib/proxy/main-config";
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
