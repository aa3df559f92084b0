// A real nginx master for tests, laid out as scripts/nginx-setup.ts lays out
// production: its config inside a 0700 "data" directory, workers as
// www-data (when we are root), temp paths from lib/proxy/nginx-runtime.ts.
// Own loopback port and pid file.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Db } from "@/lib/db/client";
import { loadProxyProjects } from "@/lib/proxy/app-proxy";
import { renderMainConfig } from "@/lib/proxy/main-config";
import { NginxApplier } from "@/lib/proxy/nginx-applier";
import type { ProxySettings } from "@/lib/proxy/render-nginx-config";
import { nginxRuntimeLayout, nginxWorker, prepareNginxRuntime } from "@/lib/proxy/nginx-runtime";
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
  const root = mkdtempSync(join(tmpdir(), "supafleet-nginx-"));
  // serve.sh: the data directory is 0700 (database, keys); nginx's files live in data/nginx.
  chmodSync(root, 0o700);
  const dir = join(root, "data", "nginx");
  mkdirSync(dir, { recursive: true });
  chmodSync(join(root, "data"), 0o700);
  const port = await freePort();
  const worker = nginxWorker();
  const mainConfPath = join(dir, "nginx.conf");
  const layout = nginxRuntimeLayout({ mainConf: mainConfPath, worker });
  prepareNginxRuntime(layout, worker);
  const host: NginxHost = {
    dir,
    port,
    mainConfPath,
    siteConfPath: join(dir, "supafleet.conf"),
    pidPath: layout.pidPath,
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
      rmSync(root, { recursive: true, force: true });
      if (!layout.tempDir.startsWith(root)) rmSync(layout.tempDir, { recursive: true, force: true });
    },
  };
  writeFileSync(
    host.mainConfPath,
    renderMainConfig({
      siteConfPath: host.siteConfPath,
      pidPath: host.pidPath,
      errorLogPath: join(layout.logDir, "error.log"),
      accessLogPath: join(layout.logDir, "access.log"),
      tempDir: layout.tempDir,
      user: layout.user,
    }),
  );
  writeFileSync(host.siteConfPath, initialSite);
  execFileSync(NGINX_BIN, ["-c", host.mainConfPath]);
  return host;
}

/** The app's applier for a test installation: its projects from `db`, served over HTTP on `nginx`'s loopback port, the app at `appPort`. */
export function testNginxApplier(nginx: NginxHost, db: Db, opts: { domain: string; appPort: number; settings?: Partial<ProxySettings> }): NginxApplier {
  return new NginxApplier({
    nginxBin: NGINX_BIN,
    mainConfPath: nginx.mainConfPath,
    siteConfPath: nginx.siteConfPath,
    loadProjects: loadProxyProjects(db),
    settings: {
      rootDomain: opts.domain,
      scheme: "http",
      appUpstream: { host: "127.0.0.1", port: opts.appPort },
      httpListen: { host: "127.0.0.1", port: nginx.port },
      pagesDir: resolve("nginx/pages"),
      clientMaxBodySize: "50m",
      ...opts.settings,
    },
  });
}

/** An HTTP request to nginx with a chosen Host header. */
export async function viaNginx(
  port: number,
  hostHeader: string,
  path = "/",
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Headers }> {
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

/** A request with a body through nginx; resolves with the status, or the error when nginx closes without answering. */
export async function sendViaNginx(
  port: number,
  hostHeader: string,
  opts: { method?: string; path?: string; body?: Buffer; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string; headers: Headers }> {
  const { request } = await import("node:http");
  return new Promise((resolve, reject) => {
    const body = opts.body ?? Buffer.alloc(0);
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: opts.path ?? "/",
        method: opts.method ?? "POST",
        agent: false,
        headers: { host: hostHeader, "content-length": String(body.length), ...opts.headers },
      },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, headers: new Headers(res.headers as Record<string, string>) }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * An HTTPS GET to nginx's TLS port for `host` (SNI and Host), trusting only `ca`: what a client that
 * validates against the test CA's root sees, with the served certificate's serial and names.
 */
export async function viaNginxTls(port: number, host: string, ca: string): Promise<{ status: number; body: string; serial: string; altNames: string }> {
  const { request } = await import("node:https");
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, servername: host, headers: { host }, ca, agent: false }, (res) => {
      let body = "";
      const peer = (res.socket as import("node:tls").TLSSocket).getPeerCertificate();
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, serial: peer.serialNumber, altNames: peer.subjectaltname ?? "" }));
    });
    req.on("error", reject);
    req.end();
  });
}
