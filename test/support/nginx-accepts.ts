// The real nginx parses what a renderer made: the site file under the
// production main config (lib/proxy/main-config.ts), checked with `nginx -t`.
// Throws nginx's own message when it refuses.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderMainConfig } from "@/lib/proxy/main-config";

export function nginxAccepts(site: string, dir: string): void {
  const sitePath = join(dir, `site-${Math.random().toString(36).slice(2)}.conf`);
  writeFileSync(sitePath, site);
  const main = join(dir, "main.conf");
  writeFileSync(
    main,
    renderMainConfig({
      siteConfPath: sitePath,
      pidPath: join(dir, "pid"),
      errorLogPath: join(dir, "err.log"),
      accessLogPath: join(dir, "acc.log"),
      tempDir: dir,
      user: "root",
    }),
  );
  execFileSync("/usr/sbin/nginx", ["-t", "-q", "-c", main], { stdio: "pipe" });
}
