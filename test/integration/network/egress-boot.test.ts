// Egress rules across a reboot, against a real dockerd (with its iptables
// on) in a network namespace of the test's own: its firewall tables are the
// namespace's, so the test may empty them all, as a reboot does, without
// touching the shared host's. A second namespace beyond it plays the world:
// the cloud metadata address (169.254.169.254), a denied private range and an
// allowed address. A tenant container with Supafleet's restart policy
// (unless-stopped) probes the metadata address each time it starts.
//
// A reboot is: dockerd stops (the tenant with it), every table is emptied,
// dockerd starts and restarts the tenant itself (moby daemon/daemon.go,
// restore: containers whose restart policy says so are started again when
// the daemon starts). Without the boot script the tenant reaches the
// metadata address before any app could act; with it run first (as the
// systemd unit does, Before=docker.service) the tenant is refused, and
// dockerd has left our chains and jumps first.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureNetwork } from "@/lib/docker/resources";
import { FORWARD_CHAIN, renderEgressScript, type EgressPolicy } from "@/lib/network/egress";
import { LABELS, type StackSpec } from "@/lib/stack/types";
import { ensureDockerHost } from "@/test/support/docker-host";
import { newInstallationId } from "@/test/support/installation";
import { ensureStandinImages, STANDIN_IMAGES } from "@/test/support/standin-images";

const tag = randomBytes(3).toString("hex");
const HOST_NS = `sfbh-${tag}`; // the Supafleet host
const WORLD_NS = `sfbw-${tag}`; // beyond it
const VETH_HOST = `sfbh${tag}`;
const VETH_WORLD = `sfbw${tag}`;
const METADATA = "169.254.169.254";
const DENIED = "198.18.0.10";
const ALLOWED = "198.18.0.11";
const POOL = "10.213.0.0/16";
const SUBNET = "10.213.7.0/26";
const GATEWAY = "10.213.7.1";
const HOST_PORT = 8081;
const policy: EgressPolicy = { pools: [POOL], deny: [`${DENIED}/32`] };
const root = `/var/lib/supafleet-test-egress-${tag}`;
const socket = join(root, "docker.sock");
const log = join(root, "dockerd.log");
const installationId = newInstallationId();
const ref = `egressboot${tag}`.padEnd(20, "z").slice(0, 20);
const spec = {
  ref,
  installationId,
  network: { name: `supafleet-${ref}`, subnet: SUBNET, labels: { [LABELS.managed]: "true", [LABELS.installation]: installationId, [LABELS.ref]: ref } },
};
const labels = spec.network.labels;

let engine: Docker;
let dockerd: ChildProcess | null = null;
const helpers: ChildProcess[] = [];

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"] }).toString();
const inHost = (cmd: string, ...args: string[]) => run("nsenter", [`--net=/var/run/netns/${HOST_NS}`, cmd, ...args]);
const iptables = (...args: string[]) => inHost("iptables", "-w", "5", ...args);

async function startDockerd(): Promise<void> {
  const out = openSync(log, "a");
  // iptables on (the default): this dockerd manages the namespace's tables as the host's would.
  dockerd = spawn(
    "nsenter",
    [
      `--net=/var/run/netns/${HOST_NS}`,
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
    ],
    { stdio: ["ignore", out, out] },
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await engine.ping();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`the namespace's dockerd did not answer in 60 s; its log:\n${readFileSync(log, "utf8").slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

async function stopDockerd(): Promise<void> {
  const c = dockerd;
  dockerd = null;
  if (!c || c.exitCode !== null) return;
  const exited = new Promise<void>((r) => c.once("exit", () => r()));
  c.kill("SIGTERM");
  const timer = setTimeout(() => c.kill("SIGKILL"), 30_000);
  await exited;
  clearTimeout(timer);
}

/** What a reboot leaves of the firewall: nothing. Only this test's namespace. */
function emptyTables(): void {
  for (const table of ["filter", "nat", "mangle"]) {
    iptables("-t", table, "-F");
    iptables("-t", table, "-X");
  }
}

/** The boot unit's work (lib/network/egress-boot.ts): the rendered script, run in the host namespace. */
function runBootScript(): void {
  inHost("sh", "-c", renderEgressScript(policy));
}

const node = (script: string) => ["/standin/bin/node", "-e", script];
// A container that ends at once can lose its last TTY output (measured with dockerd 20.10): stay a moment.
const LINGER = "setTimeout(()=>{},300)";
const probe = (host: string, port: number) =>
  `const s=require("net").connect(${port},"${host}",()=>done("reached"));s.on("error",()=>done("blocked"));const t=setTimeout(()=>done("blocked"),3000);function done(w){clearTimeout(t);s.destroy();console.log(w);${LINGER}}`;

/** Whether a one-off container on the project network reaches host:port. */
async function reach(host: string, port: number): Promise<boolean> {
  const c = await engine.createContainer({
    Image: STANDIN_IMAGES.common!,
    Entrypoint: node(probe(host, port)),
    Labels: labels,
    Tty: true,
    HostConfig: { NetworkMode: spec.network.name },
  });
  try {
    await c.start();
    await c.wait();
    return (await c.logs({ stdout: true, stderr: true })).toString().trim() === "reached";
  } finally {
    await c.remove({ force: true });
  }
}

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error("the egress boot test makes network namespaces and runs a dockerd: run it as root");
  const main = await ensureDockerHost();
  await ensureStandinImages(main);
  mkdirSync(join(root, "data"), { recursive: true });
  mkdirSync(join(root, "exec"), { recursive: true });
  run("ip", ["netns", "add", HOST_NS]);
  run("ip", ["netns", "add", WORLD_NS]);
  run("ip", ["link", "add", VETH_HOST, "type", "veth", "peer", "name", VETH_WORLD]);
  run("ip", ["link", "set", VETH_HOST, "netns", HOST_NS]);
  run("ip", ["link", "set", VETH_WORLD, "netns", WORLD_NS]);
  run("ip", ["-n", HOST_NS, "addr", "add", "198.18.0.1/24", "dev", VETH_HOST]);
  for (const a of [`${DENIED}/24`, `${ALLOWED}/24`, `${METADATA}/32`]) run("ip", ["-n", WORLD_NS, "addr", "add", a, "dev", VETH_WORLD]);
  for (const [ns, dev] of [
    [HOST_NS, VETH_HOST],
    [WORLD_NS, VETH_WORLD],
  ] as const) {
    run("ip", ["-n", ns, "link", "set", dev, "up"]);
    run("ip", ["-n", ns, "link", "set", "lo", "up"]);
  }
  // The metadata service sits beyond the host, as on a cloud: reached by forwarding.
  run("ip", ["-n", HOST_NS, "route", "add", `${METADATA}/32`, "via", DENIED]);
  const serve = (ns: string, port: number) => {
    const p = spawn("nsenter", [`--net=/var/run/netns/${ns}`, process.execPath, "-e", `require("net").createServer((s)=>s.end()).listen(${port},"0.0.0.0")`], {
      stdio: "ignore",
    });
    helpers.push(p);
  };
  serve(WORLD_NS, 8080); // metadata, denied and allowed addresses
  serve(HOST_NS, HOST_PORT); // a service of the host's own
  engine = new Docker({ socketPath: socket });
  await startDockerd();
  const tar = await (main as unknown as { getImages(opts: { names: string[] }): Promise<NodeJS.ReadableStream> }).getImages({
    names: [STANDIN_IMAGES.common!],
  });
  const loaded = (await engine.loadImage(tar)) as NodeJS.ReadableStream;
  await new Promise<void>((resolve, reject) => {
    loaded.on("data", () => undefined);
    loaded.on("end", resolve);
    loaded.on("error", reject);
  });
  // The project network, made by the code that makes every project's (Pick: only the fields it reads).
  await ensureNetwork(engine, spec as Pick<StackSpec, "ref" | "installationId" | "network"> as StackSpec);
}, 300_000);

afterAll(async () => {
  if (engine && dockerd) {
    for (const c of await engine.listContainers({ all: true })) await engine.getContainer(c.Id).remove({ force: true });
  }
  await stopDockerd();
  for (const p of helpers) p.kill();
  rmSync(root, { recursive: true, force: true });
  for (const ns of [HOST_NS, WORLD_NS]) {
    try {
      run("ip", ["netns", "delete", ns]);
    } catch {
      // never made
    }
  }
});

describe("egress rules and reboots", () => {
  it("a project network has no IPv6: none enabled, no IPv6 subnet, no routable IPv6 address in its containers", async () => {
    const info = (await engine.getNetwork(spec.network.name).inspect()) as { EnableIPv6: boolean; IPAM: { Config: Array<{ Subnet: string }> } };
    expect(info.EnableIPv6).toBe(false);
    expect(info.IPAM.Config.map((c) => c.Subnet)).toEqual([SUBNET]);
    // Exit 1 when the container holds any IPv6 address beyond loopback and link-local (nothing routes beyond the bridge then).
    const c = await engine.createContainer({
      Image: STANDIN_IMAGES.common!,
      Entrypoint: node(
        `const v6=Object.values(require("os").networkInterfaces()).flat().filter((a)=>a.family==="IPv6"||a.family===6).map((a)=>a.address);` +
          `const routable=v6.filter((a)=>a!=="::1"&&!a.toLowerCase().startsWith("fe80:"));console.log(JSON.stringify(v6));process.exitCode=routable.length?1:0;${LINGER}`,
      ),
      Labels: labels,
      Tty: true,
      HostConfig: { NetworkMode: spec.network.name },
    });
    await c.start();
    const { StatusCode } = (await c.wait()) as { StatusCode: number };
    const said = (await c.logs({ stdout: true, stderr: true })).toString().trim();
    await c.remove({ force: true });
    expect(StatusCode, `IPv6 addresses in the container: ${said}`).toBe(0);
  });

  it("without the rules a tenant reaches everything; with the boot script, not the metadata address, a denied range or the host", async () => {
    expect(await reach(METADATA, 8080)).toBe(true);
    expect(await reach(DENIED, 8080)).toBe(true);
    expect(await reach(GATEWAY, HOST_PORT)).toBe(true);
    runBootScript();
    // Run twice (every app start applies it again): it replaces, it does not pile up.
    runBootScript();
    expect(iptables("-t", "mangle", "-S", FORWARD_CHAIN).trim().split("\n")).toHaveLength(1 + 3);
    expect(await reach(METADATA, 8080)).toBe(false);
    expect(await reach(DENIED, 8080)).toBe(false);
    expect(await reach(GATEWAY, HOST_PORT)).toBe(false);
    expect(await reach(ALLOWED, 8080)).toBe(true);
  });

  it("after a reboot the rules are in place before dockerd restarts the tenant, and dockerd keeps them", async () => {
    const tenant = await engine.createContainer({
      Image: STANDIN_IMAGES.common!,
      Entrypoint: node(`${probe(METADATA, 8080)};process.on("SIGTERM",()=>process.exit(0));setInterval(()=>{},1e9)`),
      Labels: labels,
      Tty: true,
      HostConfig: { NetworkMode: spec.network.name, RestartPolicy: { Name: "unless-stopped" } },
    });
    const probes = async () => (await engine.getContainer(tenant.id).logs({ stdout: true })).toString().trim().split(/\r?\n/).filter(Boolean);
    const nextProbe = async (n: number): Promise<string> => {
      const deadline = Date.now() + 90_000;
      for (;;) {
        const lines = await probes().catch(() => [] as string[]);
        if (lines.length >= n) return lines[n - 1]!;
        if (Date.now() > deadline)
          throw new Error(`no probe #${n} from the tenant (it said ${JSON.stringify(lines)}); dockerd's log:\n${readFileSync(log, "utf8").slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    await tenant.start();
    expect(await nextProbe(1)).toBe("blocked");

    // A reboot without the boot script: dockerd restarts the tenant itself, and nothing stops it.
    await stopDockerd();
    emptyTables();
    expect(() => iptables("-n", "-L", FORWARD_CHAIN)).toThrow();
    await startDockerd();
    expect(await nextProbe(2)).toBe("reached");

    // A reboot with the boot unit: its script runs before docker.service.
    await stopDockerd();
    emptyTables();
    runBootScript();
    await startDockerd();
    expect(await nextProbe(3)).toBe("blocked");
    // Our jump is still the first rule of mangle FORWARD: dockerd leaves that table alone.
    expect(iptables("-t", "mangle", "-S", "FORWARD").trim().split("\n")[1]).toBe(`-A FORWARD -j ${FORWARD_CHAIN}`);
    // Why not DOCKER-USER (lib/network/egress.ts): the restarted dockerd put its bridge's ACCEPT rules above the jump to it.
    // (Here it did not even make DOCKER-USER again: nothing created a network since the reboot.)
    const forward = iptables("-S", "FORWARD").trim().split("\n");
    const accept = forward.findIndex((r) => /^-A FORWARD -i br-\S+ ! -o br-\S+ -j ACCEPT$/.test(r));
    expect(accept, forward.join("\n")).toBeGreaterThan(0);
    expect(forward.slice(0, accept)).not.toContain("-A FORWARD -j DOCKER-USER");
    expect(await reach(METADATA, 8080)).toBe(false);
    expect(await reach(ALLOWED, 8080)).toBe(true);
  });
});
