// A second Docker engine on this machine, standing in for a second host: its
// own network namespace (veth pair, 10.99.0.1 on the host side, 10.99.0.2
// inside), its own data root and socket. Recipe measured in
// /work/shared/facts.md: nsenter (not `ip netns exec`, which remounts /sys and
// breaks dockerd's cgroups), no bridge, no iptables. It can join this
// engine's swarm as a worker, get images by save/load (it has no registry
// either), be stopped and started again like a host that dies and comes back,
// and is removed completely by remove().
//
// Its images are kept between runs: the data root is a cache on this machine
// (IMAGE_CACHE), taken under a lock, wiped of everything but images when it
// is taken, and loadImages() sends only the images whose id the worker lacks
// (save/load keeps image ids, so the same id is the same image). A clean
// machine starts with an empty cache and loads everything, as before; a
// second engine started while another holds the cache gets a fresh root.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
  /** Copies the images the worker lacks from `from` (docker save | docker load); returns the ones sent. */
  loadImages(from: Docker, images: string[]): Promise<string[]>;
  joinSwarm(managerAddress: string, token: string): Promise<string>;
  /** Leaves the swarm, stops dockerd, deletes its data root and the namespace. Safe to repeat. */
  remove(): Promise<void>;
}

const HOST_ADDR = "10.99.0.1";
const NS_ADDR = "10.99.0.2";
// Beside /var/lib/docker: overlay2 needs a filesystem that supports it, as the host engine's does.
const IMAGE_CACHE = "/var/lib/supafleet-test-worker-images";

/** The cached data root if no live process holds it (a dead holder's lock is taken over), else null. */
function takeImageCache(): string | null {
  const lock = join(IMAGE_CACHE, "lock");
  mkdirSync(IMAGE_CACHE, { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: "wx" });
      return join(IMAGE_CACHE, "data");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const holder = Number(readFileSync(lock, "utf8"));
    if (holder && holder !== process.pid && isAlive(holder)) return null;
    rmSync(lock, { force: true });
  }
  return null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function idOf(docker: Docker, image: string): Promise<string | null> {
  try {
    return (await docker.getImage(image).inspect()).Id;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return null;
    throw err;
  }
}

async function sendImages(from: Docker, to: Docker, images: string[]): Promise<void> {
  // One tarball for all of them (GET /images/get?names=…), so shared layers travel once;
  // dockerode has the call, its type definitions do not.
  const tar = await (from as unknown as { getImages(opts: { names: string[] }): Promise<NodeJS.ReadableStream> }).getImages({ names: images });
  const res = (await to.loadImage(tar)) as NodeJS.ReadableStream;
  // The answer streams progress and ends when every image is in.
  await new Promise<void>((resolve, reject) => {
    res.on("data", () => undefined);
    res.on("end", resolve);
    res.on("error", reject);
  });
}

/** A cached data root keeps images only: whatever a run before left (a swarm, containers, volumes, networks) goes. */
async function keepOnlyImages(docker: Docker): Promise<void> {
  const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string } };
  if (info.Swarm?.LocalNodeState && info.Swarm.LocalNodeState !== "inactive") await docker.swarmLeave({ force: true });
  for (const c of await docker.listContainers({ all: true })) await docker.getContainer(c.Id).remove({ force: true, v: true });
  await docker.pruneVolumes();
  await docker.pruneNetworks();
}

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
  const root = `/var/lib/supafleet-test-worker-${tag}`;
  const socket = join(root, "docker.sock");
  const log = join(root, "dockerd.log");
  const cached = takeImageCache();
  const dataRoot = cached ?? join(root, "data");
  mkdirSync(dataRoot, { recursive: true });
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
        dataRoot,
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
      // A Swarm task's Prepare always tries to pull its image first and falls back to the local
      // copy only when the pull fails; from this namespace no registry answers, so every task (and
      // every dependency level of a stack, and again after a restart) waited for the pull to time
      // out. This setting skips the pull, exactly as moby's own multi-daemon tests run their
      // daemons; the worker still runs only images it has (loadImages).
      // moby/moby daemon/cluster/executor/container/controller.go, Prepare (the check on
      // DOCKER_SERVICE_PREFER_OFFLINE_IMAGE; unchanged since 2017, so in 20.10 too).
      { stdio: ["ignore", out, out], env: { ...process.env, DOCKER_SERVICE_PREFER_OFFLINE_IMAGE: "1" } },
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
      const wanted = new Map(await Promise.all(images.map(async (i) => [i, (await from.getImage(i).inspect()).Id] as const)));
      const ids = new Set(wanted.values());
      // Images of earlier runs that no run wants now would only grow the cache.
      for (const stale of (await docker.listImages()).filter((i) => !ids.has(i.Id))) await docker.getImage(stale.Id).remove({ force: true });
      const missing: string[] = [];
      for (const image of images) if ((await idOf(docker, image)) !== wanted.get(image)) missing.push(image);
      if (missing.length) await sendImages(from, docker, missing);
      for (const image of images) {
        const id = await idOf(docker, image);
        if (id !== wanted.get(image)) throw new Error(`The worker's ${image} is ${id ?? "missing"}, the manager's is ${wanted.get(image)}.`);
      }
      return missing;
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
      // Its log outlives it, for a run that failed on the worker's side.
      mkdirSync("test-artifacts", { recursive: true });
      if (existsSync(log)) copyFileSync(log, join("test-artifacts", "second-engine-dockerd.log"));
      // dockerd unmounts its layers on a clean stop; a leftover mount would make rm fail loudly.
      rmSync(root, { recursive: true, force: true });
      if (cached) rmSync(join(IMAGE_CACHE, "lock"), { force: true });
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
    if (cached) await keepOnlyImages(docker);
  } catch (err) {
    await engine.remove();
    throw err;
  }
  return engine;
}
