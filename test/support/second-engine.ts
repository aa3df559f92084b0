// A second Docker engine on this machine, standing in for a second host: its
// own network namespace (veth pair, 10.99.0.1 on the host side, 10.99.0.2
// inside), its own data root and socket. Recipe measured in
// /work/shared/facts.md: nsenter (not `ip netns exec`, which remounts /sys and
// breaks dockerd's cgroups), no bridge, no iptables. It can join this
// engine's swarm as a worker, get images by save/load (it has no registry
// either), be stopped and started again like a host that dies and comes back,
// and is removed completely by remove().
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import Docker from "dockerode";

export interface SecondEngine {
  docker: Docker;
  /** The worker's address on the veth pair: where its host-mode ports answer. */
  address: string;
  socket: string;
  log: string;
  /** Stops dockerd (SIGTERM, as a host shutting down); containers stop with it. */
  stop(): Promise<void>;
  /** Starts dockerd again with the same data root: it rejoins the swarm by itself. */
  start(): Promise<void>;
  /** Copies images from `from` (docker save | docker load). */
  loadImages(from: Docker, images: string[]): Promise<void>;
  joinSwarm(managerAddress: string, token: string): Promise<string>;
  /** Leaves the swarm, stops dockerd, deletes its data root and the namespace. Safe to repeat. */
  remove(): Promise<void>;
}

const HOST_ADDR = "10.99.0.1";
const NS_ADDR = "10.99.0.2";

function ip(args: string[]): void {
  execFileSync("ip", args, { stdio: "pipe" });
}

async function waitPing(docker: Docker, log: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await docker.ping();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  throw new Error(`The second dockerd did not answer within ${timeoutMs / 1000} s; its log (${log}):\n${readFileSync(log, "utf8").slice(-3000)}`);
}

export async function startSecondEngine(): Promise<SecondEngine> {
  if (process.getuid?.() !== 0) throw new Error("A second Docker engine needs root (network namespace, dockerd).");
  for (const cmd of ["nsenter", "dockerd", "ip"]) {
    if (!["/usr/bin", "/usr/sbin", "/bin", "/sbin"].some((d) => existsSync(join(d, cmd))))
      throw new Error(`${cmd} is missing: the second engine needs util-linux, docker.io and iproute2.`);
  }
  const tag = randomBytes(3).toString("hex");
  const ns = `sf-worker-${tag}`;
  const vethHost = `sfh${tag}`;
  const vethNs = `sfn${tag}`;
  // Beside /var/lib/docker: overlay2 needs a filesystem that supports it, as the host engine's does.
  const root = `/var/lib/supafleet-test-worker-${tag}`;
  const socket = join(root, "docker.sock");
  const log = join(root, "dockerd.log");
  mkdirSync(join(root, "data"), { recursive: true });
  mkdirSync(join(root, "exec"), { recursive: true });

  ip(["netns", "add", ns]);
  ip(["link", "add", vethHost, "type", "veth", "peer", "name", vethNs]);
  ip(["link", "set", vethNs, "netns", ns]);
  ip(["addr", "add", `${HOST_ADDR}/24`, "dev", vethHost]);
  ip(["link", "set", vethHost, "up"]);
  ip(["-n", ns, "addr", "add", `${NS_ADDR}/24`, "dev", vethNs]);
  ip(["-n", ns, "link", "set", vethNs, "up"]);
  ip(["-n", ns, "link", "set", "lo", "up"]);
  // The manager's swarm address is the host's own: reached through the host side of the pair.
  ip(["-n", ns, "route", "add", "default", "via", HOST_ADDR]);

  let child: ChildProcess | null = null;
  const docker = new Docker({ socketPath: socket });
  const start = async () => {
    const out = openSync(log, "a");
    child = spawn(
      "nsenter",
      [
        `--net=/var/run/netns/${ns}`,
        "dockerd",
        "--data-root",
        join(root, "data"),
        "--exec-root",
        join(root, "exec"),
        "-H",
        `unix://${socket}`,
        "--pidfile",
        join(root, "docker.pid"),
        "--bridge",
        "none",
        "--iptables=false",
      ],
      { stdio: ["ignore", out, out] },
    );
    await waitPing(docker, log);
  };
  const stop = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once("exit", () => resolve()));
    c.kill("SIGTERM");
    const timer = setTimeout(() => c.kill("SIGKILL"), 30_000);
    await exited;
    clearTimeout(timer);
  };
  let removed = false;
  const engine: SecondEngine = {
    docker,
    address: NS_ADDR,
    socket,
    log,
    start,
    stop,
    async loadImages(from, images) {
      // One tarball for all of them (GET /images/get?names=…), so shared layers travel once;
      // dockerode has the call, its type definitions do not.
      const tar = await (from as unknown as { getImages(opts: { names: string[] }): Promise<NodeJS.ReadableStream> }).getImages({ names: images });
      const res = (await docker.loadImage(tar)) as NodeJS.ReadableStream;
      // The answer streams progress and ends when every image is in.
      await new Promise<void>((resolve, reject) => {
        res.on("data", () => undefined);
        res.on("end", resolve);
        res.on("error", reject);
      });
      for (const image of images) await docker.getImage(image).inspect();
    },
    async joinSwarm(managerAddress, token) {
      await docker.swarmJoin({ ListenAddr: `${NS_ADDR}:2377`, AdvertiseAddr: NS_ADDR, RemoteAddrs: [`${managerAddress}:2377`], JoinToken: token });
      const info = (await docker.info()) as { Swarm?: { NodeID?: string } };
      return info.Swarm?.NodeID ?? "";
    },
    async remove() {
      if (removed) return;
      removed = true;
      if (child) await docker.swarmLeave({ force: true }).catch(() => undefined);
      await stop();
      // dockerd unmounts its layers on a clean stop; a leftover mount would make rm fail loudly.
      rmSync(root, { recursive: true, force: true });
      try {
        ip(["netns", "delete", ns]); // takes the namespace's end of the pair, and with it the host's
      } catch {
        // already gone
      }
      try {
        ip(["link", "delete", vethHost]);
      } catch {
        // went with the namespace
      }
    },
  };
  try {
    await start();
  } catch (err) {
    await engine.remove();
    throw err;
  }
  return engine;
}
