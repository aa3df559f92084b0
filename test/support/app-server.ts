// Runs the built Supafleet app (scripts/start.mjs, as serve.sh does) on a free loopback port with
// its own data directory, for browser tests. Requires `next build` first
// (scripts/test.sh does it); fails with that instruction otherwise.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { laneSubnetPool } from "@/test/support/lanes";
import { freePort } from "@/test/support/postgres-server";

export interface AppServer {
  url: string;
  port: number;
  dataDir: string;
  env: Record<string, string>;
  logs(): string;
  stop(): Promise<void>;
}

// scripts/test.sh builds the app beside the integration tests and names the
// file that will hold the build's exit code; the log sits beside it.
const BUILD_WAIT_MS = 14 * 60_000; // under the e2e hook timeout (vitest.config.ts), so this message is the one shown

/** Waits for scripts/test.sh's background `next build`, if one is running; throws its log if it failed. */
async function waitForAppBuild(): Promise<void> {
  const statusFile = process.env.SUPAFLEET_TEST_APP_BUILD;
  if (!statusFile) return;
  const deadline = Date.now() + BUILD_WAIT_MS;
  while (!existsSync(statusFile)) {
    if (Date.now() > deadline) throw new Error(`next build (scripts/test.sh) wrote no verdict to ${statusFile} within ${BUILD_WAIT_MS / 60_000} min`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
  const status = readFileSync(statusFile, "utf8").trim();
  if (status !== "0") {
    const log = statusFile.replace(/\.status$/, ".log");
    throw new Error(`next build failed (${status}):\n${existsSync(log) ? readFileSync(log, "utf8").slice(-5000) : "(no log)"}`);
  }
}

export async function startApp(extraEnv: Record<string, string> = {}): Promise<AppServer> {
  const root = process.cwd();
  await waitForAppBuild();
  if (!existsSync(join(root, ".next", "BUILD_ID"))) {
    throw new Error("The app is not built: run `npx next build` (scripts/test.sh does) before the browser tests");
  }
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "supafleet-app-"));
  const env: Record<string, string> = {
    SUPAFLEET_DATA_DIR: dataDir,
    SUPAFLEET_MASTER_KEY: randomBytes(32).toString("base64"),
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    NEXTAUTH_URL: `http://localhost:${port}`,
    SUPAFLEET_NGINX_ENABLED: "false",
    // The host firewall is shared by every test run on this machine: only the egress tests change it, in namespaces of their own.
    SUPAFLEET_EGRESS_RULES: "false",
    // Its lane's subnet pool (test/support/lanes.ts): apps of two lanes never lease from one pool.
    SUPAFLEET_SUBNET_POOL: laneSubnetPool().cidr,
    // The shared Postgres port (5432 with HTTPS) is one per machine: only a test that asks for it gets it.
    SUPAFLEET_PG_ROUTER: "off",
    ...extraEnv,
  };
  let output = "";
  const child: ChildProcess = spawn(process.execPath, [join(root, "scripts/start.mjs"), "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: { ...process.env, ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    // Own process group: stopping must take down anything the server forked.
    detached: true,
  });
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const url = `http://localhost:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app server exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/login`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  if (Date.now() >= deadline) throw new Error(`app did not answer on ${url} within 60 s:\n${output}`);
  return {
    url,
    port,
    dataDir,
    env,
    logs: () => output,
    async stop() {
      const group = (signal: NodeJS.Signals) => {
        try {
          if (child.pid) process.kill(-child.pid, signal);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
        }
      };
      if (child.exitCode === null) {
        group("SIGTERM");
        await new Promise<void>((r) => {
          const t = setTimeout(() => {
            group("SIGKILL");
            r();
          }, 10_000);
          child.once("exit", () => {
            clearTimeout(t);
            r();
          });
        });
      }
      // next-server may outlive its parent for a moment; make sure it is gone.
      group("SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
