// Test-host setup: makes sure a real Docker engine answers and that the
// debootstrap base image (the root of every stand-in image) exists.
// Nothing here can be pulled from a registry, so everything is built locally
// and cached: a second run finds the image and skips the build.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";

export const BASE_IMAGE = "supafleet-test/base:bookworm";
const SOCKET = process.env.SUPAFLEET_DOCKER_SOCKET ?? "/var/run/docker.sock";

export function testDocker(): Docker {
  return new Docker({ socketPath: SOCKET });
}

async function pingable(docker: Docker): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch (err) {
    // ENOENT/ECONNREFUSED: no engine yet. Anything else is a real problem.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ECONNREFUSED") return false;
    throw err;
  }
}

function aptInstall(pkgs: string[]): void {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { env, stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", "-qq", ...pkgs], { env, stdio: "inherit" });
}

function hasCommand(cmd: string): boolean {
  return ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin"].some((d) => existsSync(join(d, cmd)));
}

/** Starts dockerd (installing docker.io first when missing) and waits for it. */
export async function ensureDockerHost(): Promise<Docker> {
  const docker = testDocker();
  if (await pingable(docker)) return docker;
  if (!hasCommand("dockerd")) {
    if (process.getuid?.() !== 0) {
      throw new Error("Docker engine not reachable and dockerd is not installed; run as root or install docker.io");
    }
    aptInstall(["docker.io"]);
  }
  const log = openSync(join(tmpdir(), "supafleet-dockerd.log"), "a");
  const child = spawn("dockerd", [], { detached: true, stdio: ["ignore", log, log] });
  child.unref();
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (await pingable(docker)) return docker;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`dockerd did not answer on ${SOCKET} within 90 s; see ${join(tmpdir(), "supafleet-dockerd.log")}`);
}

/** true/false from an inspect call: 404 means absent, anything else is an error. */
export async function existsOnEngine(inspect: () => Promise<unknown>): Promise<boolean> {
  try {
    await inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

export async function imageExists(docker: Docker, name: string): Promise<boolean> {
  return existsOnEngine(() => docker.getImage(name).inspect());
}

/** debootstrap minbase bookworm, imported as BASE_IMAGE; cached. */
export async function ensureBaseImage(docker: Docker): Promise<void> {
  if (await imageExists(docker, BASE_IMAGE)) return;
  if (!hasCommand("debootstrap")) aptInstall(["debootstrap"]);
  const dir = mkdtempSync(join(tmpdir(), "supafleet-rootfs-"));
  try {
    execFileSync("debootstrap", ["--variant=minbase", "bookworm", dir], { stdio: ["ignore", "ignore", "inherit"] });
    const tar = spawn("tar", ["-C", dir, "-c", "."], { stdio: ["ignore", "pipe", "inherit"] });
    const stream = await docker.importImage(tar.stdout, { repo: "supafleet-test/base", tag: "bookworm" });
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve()));
    });
    if (!(await imageExists(docker, BASE_IMAGE))) throw new Error(`docker import did not produce ${BASE_IMAGE}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
