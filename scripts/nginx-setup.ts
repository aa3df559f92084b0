// Prepares Supafleet's own nginx: main config from nginx/nginx.conf, an
// initial generated part (validated), then starts nginx or reloads it.
// The app re-renders the generated part after start-up reconcile.
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { getEnv } from "@/lib/env";
import { renderMainConfig } from "@/lib/proxy/main-config";
import { proxySettings } from "@/lib/proxy/app-proxy";
import { renderNginxConfig } from "@/lib/proxy/render-nginx-config";
import { NginxApplier } from "@/lib/proxy/nginx-applier";

async function main(): Promise<void> {
  const env = getEnv();
  const dir = dirname(env.nginx.mainConf);
  const tempDir = join(dir, "tmp");
  mkdirSync(tempDir, { recursive: true });
  mkdirSync(join(dir, "log"), { recursive: true });
  // Workers drop to www-data when we run as root; they write request bodies to tempDir.
  let user = "root";
  try {
    const uid = Number(execFileSync("id", ["-u", "www-data"]).toString());
    const gid = Number(execFileSync("id", ["-g", "www-data"]).toString());
    if (process.getuid?.() === 0) chownSync(tempDir, uid, gid);
    user = "www-data";
  } catch {
    // no www-data user: workers run as the invoking user
  }
  const pidPath = join(dir, "nginx.pid");
  writeFileSync(env.nginx.mainConf, renderMainConfig({ siteConfPath: env.nginx.siteConf, pidPath, errorLogPath: join(dir, "log", "error.log"), accessLogPath: join(dir, "log", "access.log"), tempDir, user }));
  if (!existsSync(env.nginx.siteConf)) writeFileSync(env.nginx.siteConf, renderNginxConfig([], proxySettings(env)));
  execFileSync(env.nginx.bin, ["-t", "-q", "-c", env.nginx.mainConf], { stdio: "inherit" });
  const applier = new NginxApplier({ nginxBin: env.nginx.bin, mainConfPath: env.nginx.mainConf, siteConfPath: env.nginx.siteConf, loadProjects: async () => [], settings: proxySettings(env) });
  await applier.ensureRunning(pidPath);
  console.info(`[supafleet] nginx serving ${env.publicScheme}://${env.rootDomain} on port ${env.nginx.tls ? env.nginx.httpsPort : env.nginx.httpPort}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
