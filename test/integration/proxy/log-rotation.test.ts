// nginx's logs rotate: the rendered logrotate config passes logrotate's own
// check, and after a real rotation a real nginx, laid out as in production
// (0700 data directory, workers as www-data), writes its next lines to the
// emptied log while the rotated file keeps the old ones.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderLogRotation } from "@/lib/proxy/log-rotation";
import { NginxApplier } from "@/lib/proxy/nginx-applier";
import { NGINX_BIN, startNginx, viaNginx, type NginxHost } from "@/test/support/nginx-host";
import { freePort } from "@/test/support/postgres-server";

const LOGROTATE = "/usr/sbin/logrotate";
const DOMAIN = "rotate.test";
let nginx: NginxHost;
let app: Server;
const tmp = mkdtempSync(join(tmpdir(), "supafleet-logrotate-"));

beforeAll(async () => {
  if (!existsSync(LOGROTATE)) throw new Error(`logrotate not found at ${LOGROTATE}; apt-get install logrotate (scripts/install-deps.sh does)`);
  nginx = await startNginx();
  const appPort = await freePort();
  app = createServer((_req, res) => res.end("supafleet app"));
  await new Promise<void>((r) => app.listen(appPort, "127.0.0.1", r));
  await new NginxApplier({
    nginxBin: NGINX_BIN,
    mainConfPath: nginx.mainConfPath,
    siteConfPath: nginx.siteConfPath,
    loadProjects: async () => [],
    settings: {
      rootDomain: DOMAIN,
      scheme: "http",
      appUpstream: { host: "127.0.0.1", port: appPort },
      httpListen: { host: "127.0.0.1", port: nginx.port },
      pagesDir: resolve("nginx/pages"),
      clientMaxBodySize: "50m",
    },
  }).apply();
});

afterAll(async () => {
  nginx?.stop();
  if (app) await new Promise((r) => app.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

const logDir = () => join(nginx.dir, "log");
function configFile(): string {
  const conf = join(tmp, "supafleet-nginx");
  writeFileSync(conf, renderLogRotation({ logs: [join(logDir(), "access.log"), join(logDir(), "error.log")] }), { mode: 0o644 });
  return conf;
}

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) {
      const errors = join(logDir(), "error.log");
      throw new Error(`timed out waiting for ${what}; nginx's error log: ${existsSync(errors) ? readFileSync(errors, "utf8").slice(-1000) : "(none)"}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("nginx log rotation", () => {
  it("renders a config logrotate accepts for nginx's access and error logs", () => {
    // -d: debug, rotates nothing; it parses the config and says what it would do.
    const out = execFileSync(LOGROTATE, ["-d", "-s", join(tmp, "dry.state"), configFile()], { stdio: "pipe", encoding: "utf8" });
    // logrotate -d writes its report to stderr; execFileSync returned, so it exited 0.
    const report = execFileSync("sh", ["-c", `${LOGROTATE} -d -s ${join(tmp, "dry.state")} ${configFile()} 2>&1`], { encoding: "utf8" });
    expect(out + report).not.toMatch(/error:/i);
    expect(report).toContain(`rotating pattern: ${join(logDir(), "access.log")} ${join(logDir(), "error.log")}  after 1 days (14 rotations)`);
    expect(report).toContain("log files >= 104857600 are rotated earlier");
    expect(report).toContain(`considering log ${join(logDir(), "access.log")}`);
  });

  it("rotates a real nginx's access log, and nginx writes the next requests to the new file", async () => {
    const access = join(logDir(), "access.log");
    expect((await viaNginx(nginx.port, DOMAIN, "/before-rotation")).status).toBe(200);
    await until("the first request in access.log", () => readFileSync(access, "utf8").includes("/before-rotation"));
    execFileSync(LOGROTATE, ["-f", "-s", join(tmp, "real.state"), configFile()], { stdio: "pipe" });
    const rotated = `${access}.1`;
    expect(existsSync(rotated), "access.log.1 after logrotate -f").toBe(true);
    expect(readFileSync(rotated, "utf8")).toContain("/before-rotation");
    expect((await viaNginx(nginx.port, DOMAIN, "/after-rotation")).status).toBe(200);
    await until("the next request in the new access.log", () => existsSync(access) && readFileSync(access, "utf8").includes("/after-rotation"));
    expect(readFileSync(access, "utf8")).not.toContain("/before-rotation");
    expect(readFileSync(rotated, "utf8")).not.toContain("/after-rotation");
  });
});
