// Egress rules on the real host firewall, proved in a network namespace: a
// server in its own namespace plays a "metadata-like" address outside the
// host, a server on the host's own addresses plays the host's services, and a
// container on a project network (a subnet of the pool) tries to reach them,
// and another project's container, before and after the rules.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:net";
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyEgressRules, egressRules, removeEgressRules } from "@/lib/network/egress";
import { LABELS } from "@/lib/stack/types";
import { ensureDockerHost } from "@/test/support/docker-host";
import { newInstallationId } from "@/test/support/installation";
import { ensureStandinImages, STANDIN_IMAGES } from "@/test/support/standin-images";

const tag = randomBytes(3).toString("hex");
const NS = `sfeg-${tag}`;
const VETH_HOST = `sfeh${tag}`;
const VETH_NS = `sfen${tag}`;
const OUTSIDE = "198.18.0.10"; // denied
const OUTSIDE_OK = "198.18.0.11"; // same wire, not denied: the rules are not a blanket
const POOL = "10.213.0.0/16";
const NET_A = { name: `supafleet-egress-a-${tag}`, subnet: "10.213.251.0/26", gateway: "10.213.251.1" };
const NET_B = { name: `supafleet-egress-b-${tag}`, subnet: "10.213.251.64/26" };
const installationId = newInstallationId();
const labels = { [LABELS.managed]: "true", [LABELS.installation]: installationId, [LABELS.ref]: `egresstest${tag}`.padEnd(20, "z").slice(0, 20) };
let docker: Docker;
let nsServer: ChildProcess | undefined;
let hostServer: Server | undefined;
let hostPort = 0;
let peerIp = "";
const made: string[] = [];

const ip = (...args: string[]) => execFileSync("ip", args, { stdio: ["ignore", "pipe", "pipe"] }).toString();

/** Exit 0 when a container on NET_A can open a TCP connection to host:port within 3 s. */
async function reach(host: string, port: number): Promise<boolean> {
  const script = `const s=require("net").connect(${port},"${host}",()=>process.exit(0));s.on("error",()=>process.exit(1));setTimeout(()=>process.exit(1),3000)`;
  const c = await docker.createContainer({
    Image: STANDIN_IMAGES.common!,
    Entrypoint: ["/standin/bin/node", "-e", script],
    Labels: labels,
    HostConfig: { NetworkMode: NET_A.name },
  });
  try {
    await c.start();
    const { StatusCode } = (await c.wait()) as { StatusCode: number };
    return StatusCode === 0;
  } finally {
    await c.remove({ force: true });
  }
}

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error("the egress test changes the host firewall and network namespaces: run it as root");
  docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  // Outside the host: a namespace on a veth wire, serving on two addresses.
  ip("netns", "add", NS);
  ip("link", "add", VETH_HOST, "type", "veth", "peer", "name", VETH_NS);
  ip("link", "set", VETH_NS, "netns", NS);
  ip("addr", "add", "198.18.0.1/24", "dev", VETH_HOST);
  ip("link", "set", VETH_HOST, "up");
  for (const a of [OUTSIDE, OUTSIDE_OK]) ip("netns", "exec", NS, "ip", "addr", "add", `${a}/24`, "dev", VETH_NS);
  ip("netns", "exec", NS, "ip", "link", "set", VETH_NS, "up");
  ip("netns", "exec", NS, "ip", "link", "set", "lo", "up");
  nsServer = spawn("nsenter", [`--net=/var/run/netns/${NS}`, process.execPath, "-e", `require("net").createServer((s)=>s.end()).listen(8080,"0.0.0.0")`], {
    stdio: "ignore",
  });
  // On the host: a service listening on every address.
  hostServer = createServer((s) => s.end());
  await new Promise<void>((r) => hostServer!.listen(0, "0.0.0.0", r));
  hostPort = (hostServer.address() as { port: number }).port;
  // Two project networks from the pool; a server on the second.
  for (const n of [NET_A, NET_B]) {
    await docker.createNetwork({ Name: n.name, Labels: labels, IPAM: { Driver: "default", Config: [{ Subnet: n.subnet }] } });
    made.push(n.name);
  }
  const peer = await docker.createContainer({
    Image: STANDIN_IMAGES.common!,
    Entrypoint: ["/standin/bin/node", "-e", `require("net").createServer((s)=>s.end()).listen(8080)`],
    Labels: labels,
    HostConfig: { NetworkMode: NET_B.name },
  });
  await peer.start();
  peerIp = ((await peer.inspect()).NetworkSettings.Networks[NET_B.name] as { IPAddress: string }).IPAddress;
  await new Promise((r) => setTimeout(r, 500));
});

afterAll(async () => {
  await removeEgressRules().catch(() => undefined);
  for (const c of await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABELS.installation}=${installationId}`] }) }))
    await docker.getContainer(c.Id).remove({ force: true });
  for (const n of made)
    await docker
      .getNetwork(n)
      .remove()
      .catch(() => undefined);
  nsServer?.kill();
  hostServer?.close();
  try {
    ip("netns", "del", NS);
    ip("link", "del", VETH_HOST);
  } catch {
    // already gone with the namespace
  }
});

describe("egress rules", () => {
  it("render a rule per destination and let replies through first", () => {
    const r = egressRules({ pools: [POOL], deny: ["198.18.0.10/32"] });
    expect(r.forward[0]).toEqual(["-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "RETURN"]);
    expect(r.forward).toContainEqual(["-s", POOL, "-d", "169.254.0.0/16", "-j", "DROP"]);
    expect(r.input.at(-1)).toEqual(["-s", POOL, "-j", "REJECT", "--reject-with", "icmp-admin-prohibited"]);
    expect(() => egressRules({ pools: ["10.213.0.0"], deny: [] })).toThrow(/not an IPv4 network/);
  });

  it("keep a project's containers from denied addresses and the host's services, not from the rest", async () => {
    // Without rules: everything but the other project is reachable (so the test can fail).
    expect(await reach(OUTSIDE, 8080)).toBe(true);
    expect(await reach(OUTSIDE_OK, 8080)).toBe(true);
    expect(await reach(NET_A.gateway, hostPort)).toBe(true);
    expect(await reach(peerIp, 8080)).toBe(false); // Docker's own isolation between networks

    await applyEgressRules({ pools: [POOL], deny: [`${OUTSIDE}/32`] });
    // Applying twice replaces, it does not pile up.
    const again = await applyEgressRules({ pools: [POOL], deny: [`${OUTSIDE}/32`] });
    expect(execFileSync("iptables", ["-t", "mangle", "-S", "SUPAFLEET-EGRESS"]).toString().trim().split("\n")).toHaveLength(again.forward + 1);
    expect(await reach(OUTSIDE, 8080)).toBe(false);
    expect(await reach(NET_A.gateway, hostPort)).toBe(false);
    expect(await reach(peerIp, 8080)).toBe(false);
    expect(await reach(OUTSIDE_OK, 8080)).toBe(true);

    await removeEgressRules();
    expect(await reach(OUTSIDE, 8080)).toBe(true);
  });
});
