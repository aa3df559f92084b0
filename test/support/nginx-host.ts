// A real nginx master for tests: own temp prefix, loopback port, pid file.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderMainConfig } from "@/lib/proxy/main-config";
import { freePort } from "@/test/support/postgres-server";

export const NGINX_BIN = "/usr/sbin/nginx";

export interface NginxHost {
  dir: string;
  port: number;
  mainConfPath: string;
  siteConfPath: string;
  pidPath: string;
  stop(): void;
}

export async function startNginx(initialSite = "# empty\n"): Promise<NginxHost> {
  if (!existsSync(NGINX_BIN)) throw new Error(`nginx not found at ${NGINX_BIN}; apt-get install nginx`);
  const dir = mkdtempSync(join(tmpdir(), "supafleet-nginx-"));
  const port = await freePort();
  const tempDir = join(dir, "tmp");
  mkdirSync(tempDir);
  const host: NginxHost = {
    dir,
    port,
    mainConfPath: join(dir, "nginx.conf"),
    siteConfPath: join(dir, "supafleet.conf"),
    pidPath: join(dir, "nginx.pid"),
    stop() {
      // "nginx -s stop" makes the master end its workers; killing only the
      // master would orphan them.
      try {
        execFileSync(NGINX_BIN, ["-s", "stop", "-c", host.mainConfPath], { stdio: "ignore" });
      } catch {
        // not running
      }
      for (let i = 0; i < 50 && existsSync(host.pidPath); i++) execFileSync("sleep", ["0.1"]);
      if (existsSync(host.pidPath)) {
        const pid = Number(readFileSync(host.pidPath, "utf8").trim());
        try {
          execFileSync("pkill", ["-KILL", "-P", String(pid)], { stdio: "ignore" });
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  writeFileSync(
    host.mainConfPath,
    renderMainConfig({ siteConfPath: host.siteConfPath, pidPath: host.pidPath, errorLogPath: join(dir, "error.log"), accessLogPath: join(dir, "access.log"), tempDir, user: "root" }),
  );
  writeFileSync(host.siteConfPath, initialSite);
  execFileSync(NGINX_BIN, ["-c", host.mainConfPath]);
  return host;
}

/** An HTTP request to nginx with a chosen Host header. */
export async function viaNginx(port: number, hostHeader: string, path = "/", headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Headers }> {
  const { request } = await import("node:http");
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false, headers: { host: hostHeader, ...headers } }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: new Headers(res.headers as Record<string, string>) }));
    });
    req.on("error", reject);
    req.end();
  });
}
