// The Supabase CLI from npm (supabase@2.117.0, pinned in package.json's
// devDependencies), pointed at a Supafleet through a real nginx with a
// profile file, as a user would (README: "Use the Supabase CLI with
// Supafleet"). Its home, profile and working directory are temporary.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { NginxApplier } from "@/lib/proxy/nginx-applier";
import type { ProxyProject } from "@/lib/proxy/render-nginx-config";
import { NGINX_BIN, startNginx, type NginxHost } from "@/test/support/nginx-host";

export const SUPABASE_CLI_VERSION = "2.117.0";
const BIN = resolve("node_modules/.bin/supabase");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface SupabaseCliFront {
  /** nginx in front of the app (the root domain) and the given projects (<ref>.localhost). */
  nginx: NginxHost;
  apiUrl: string;
  /** A project directory for functions and migrations (supabase/ under it). */
  workdir: string;
  /** `env`: more variables for this run only (e.g. test/support/cloudflare-doh.ts's proxy). */
  run(args: string[], env?: Record<string, string>): Promise<CliResult>;
  stop(): void;
}

/** Starts nginx for the app and projects, writes the profile, and returns a runner for the CLI. */
export async function startSupabaseCli(opts: { appPort: number; token: string; projects: () => Promise<ProxyProject[]> }): Promise<SupabaseCliFront> {
  if (!existsSync(BIN)) throw new Error(`The Supabase CLI is not installed at ${BIN}: npm ci installs supabase@${SUPABASE_CLI_VERSION} (a devDependency)`);
  const nginx = await startNginx();
  const applier = new NginxApplier({
    nginxBin: NGINX_BIN,
    mainConfPath: nginx.mainConfPath,
    siteConfPath: nginx.siteConfPath,
    loadProjects: opts.projects,
    settings: {
      rootDomain: "localhost",
      scheme: "http",
      appUpstream: { host: "127.0.0.1", port: opts.appPort },
      httpListen: { host: "127.0.0.1", port: nginx.port },
      pagesDir: resolve("nginx/pages"),
      clientMaxBodySize: "50m",
    },
  });
  await applier.apply();
  const root = mkdtempSync(join(tmpdir(), "supafleet-cli-"));
  const home = join(root, "home");
  const workdir = join(root, "project");
  mkdirSync(home);
  mkdirSync(join(workdir, "supabase"), { recursive: true });
  const apiUrl = `http://localhost:${nginx.port}`;
  const profile = join(root, "supafleet.yaml");
  writeFileSync(profile, `name: supafleet\napi_url: ${apiUrl}\ndashboard_url: ${apiUrl}\nproject_host: localhost\n`);
  const env = {
    ...process.env,
    HOME: home,
    SUPABASE_PROFILE: profile,
    SUPABASE_ACCESS_TOKEN: opts.token,
    DO_NOT_TRACK: "1",
    SUPABASE_TELEMETRY_DISABLED: "1",
    NO_COLOR: "1",
  };
  return {
    nginx,
    apiUrl,
    workdir,
    run: (args, extra = {}) =>
      new Promise<CliResult>((done, fail) => {
        const child = spawn(BIN, [...args, "--workdir", workdir, "--yes"], { cwd: workdir, env: { ...env, ...extra }, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => child.kill("SIGKILL"), 180_000);
        child.once("error", fail);
        child.once("exit", (code) => {
          clearTimeout(timer);
          done({ code: code ?? -1, stdout, stderr });
        });
      }),
    stop() {
      nginx.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
