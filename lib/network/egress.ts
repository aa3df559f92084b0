// Egress rules for tenant networks (SUPAFLEET_EGRESS_RULES, on by default):
// tenants run their own code (Edge Functions, Postgres extensions), so their
// containers are kept away from what the host can reach but they must not:
// - the cloud metadata address (and all of link-local, 169.254.0.0/16), where
//   a cloud host's credentials are served;
// - the host itself: services listening on the host's own addresses, reached
//   through the project network's gateway (only DNS is let through);
// - any extra ranges the operator names (SUPAFLEET_EGRESS_DENY: a private LAN,
//   a VPC).
// Traffic between two project networks is already dropped by Docker's own
// isolation chains. Rules live in two chains of our own, so applying them
// again replaces them and removing them is one flush:
// - forwarded traffic (to the world): SUPAFLEET-EGRESS in the mangle table,
//   jumped to first from its FORWARD chain. Not in DOCKER-USER: measured with
//   Debian's dockerd 20.10.24, a dockerd that starts with networks already
//   made re-inserts each bridge's ACCEPT rules at the top of filter FORWARD
//   and leaves the jump to DOCKER-USER below them; it moves that jump back to
//   the top only when a network is created (docker/libnetwork controller.go,
//   NewNetwork, calls arrangeUserFilterRule). So after every dockerd restart
//   DOCKER-USER is never reached for traffic leaving a bridge, and Docker
//   does not use the host's mangle table at all. The mangle table cannot
//   REJECT (the kernel allows it in filter only), so these rules DROP: a
//   tenant's connection times out instead of being refused.
// - traffic to the host itself: SUPAFLEET-INPUT in the filter table, jumped
//   to first from INPUT, which Docker leaves alone; REJECT, so refused at once.
//
// One shell script (renderEgressScript) is both what the app applies at
// start and what lib/network/egress-boot.ts installs to run at boot, before
// docker.service: after a reboot dockerd restarts tenant containers itself,
// before the app runs. Both proved against a real dockerd in
// test/integration/network/egress-boot.test.ts.
// IPv6: project networks are created without it (EnableIPv6 false), so
// there is no IPv6 path out of them to filter.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { ConfigError } from "@/lib/errors";
import { parseCidr } from "@/lib/net/cidr";

const run = promisify(execFile);
const CHAIN_NAME = /^[A-Z][A-Z0-9-]{0,27}$/;

export const FORWARD_CHAIN = "SUPAFLEET-EGRESS";
export const INPUT_CHAIN = "SUPAFLEET-INPUT";
export const LINK_LOCAL = "169.254.0.0/16";

export interface EgressPolicy {
  /** Where tenant networks live (the subnet pool). */
  pools: string[];
  /** Extra destinations tenants must not reach. */
  deny: string[];
  /** Our chains' names (tests use their own); default SUPAFLEET-EGRESS and SUPAFLEET-INPUT. */
  chains?: { forward: string; input: string };
}

function chainsOf(policy: EgressPolicy): { forward: string; input: string } {
  const chains = policy.chains ?? { forward: FORWARD_CHAIN, input: INPUT_CHAIN };
  for (const c of [chains.forward, chains.input]) if (!CHAIN_NAME.test(c)) throw new ConfigError(`egress rules: ${JSON.stringify(c)} is not a chain name`);
  return chains;
}

/** The rules, as iptables arguments (pure; unit-tested). */
export function egressRules(policy: EgressPolicy): { forward: string[][]; input: string[][] } {
  for (const c of [...policy.pools, ...policy.deny]) if (!parseCidr(c)) throw new ConfigError(`egress rules: ${JSON.stringify(c)} is not an IPv4 network`);
  // Checked, and without surrounding blanks: each value goes into a shell script as it is.
  const pools = policy.pools.map((c) => c.trim());
  const deny = policy.deny.map((c) => c.trim());
  // Replies on connections the host or the world opened (a published port's
  // answers pass here) are never in question.
  const established = ["-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "RETURN"];
  const forward: string[][] = [established];
  const input: string[][] = [established];
  for (const pool of pools) {
    for (const dest of [LINK_LOCAL, ...deny]) forward.push(["-s", pool, "-d", dest, "-j", "DROP"]);
    // To the host: DNS only (a resolver on the host's own address), nothing else.
    input.push(["-s", pool, "-p", "udp", "--dport", "53", "-j", "RETURN"]);
    input.push(["-s", pool, "-p", "tcp", "--dport", "53", "-j", "RETURN"]);
    input.push(["-s", pool, "-j", "REJECT", "--reject-with", "icmp-admin-prohibited"]);
  }
  return { forward, input };
}

/**
 * The whole rule set as one POSIX shell script (pure; unit-tested): makes and
 * empties our chains, fills them, and makes sure the jumps to them come
 * first. Safe to run again: it replaces, it does not pile up. It also takes
 * down the jump from DOCKER-USER that earlier versions used. Every value in
 * it is a CIDR or a chain name checked above, so nothing needs quoting.
 */
export function renderEgressScript(policy: EgressPolicy): string {
  const rules = egressRules(policy);
  const chains = chainsOf(policy);
  const ipt = "iptables -w 5";
  const mangle = `${ipt} -t mangle`;
  const chain = (cmd: string, c: string) => [`${cmd} -n -L ${c} >/dev/null 2>&1 || ${cmd} -N ${c}`, `${cmd} -F ${c}`];
  const jumpFirst = (cmd: string, parent: string, c: string) => `${cmd} -C ${parent} -j ${c} 2>/dev/null || ${cmd} -I ${parent} 1 -j ${c}`;
  return [
    "#!/bin/sh",
    "# Generated by Supafleet (lib/network/egress.ts): tenant networks' egress rules.",
    "set -eu",
    "PATH=/usr/sbin:/sbin:/usr/bin:/bin",
    `while ${ipt} -D DOCKER-USER -j ${chains.forward} 2>/dev/null; do :; done`,
    `if ${ipt} -n -L ${chains.forward} >/dev/null 2>&1; then ${ipt} -F ${chains.forward}; ${ipt} -X ${chains.forward}; fi`,
    ...chain(mangle, chains.forward),
    ...chain(ipt, chains.input),
    ...rules.forward.map((r) => `${mangle} -A ${chains.forward} ${r.join(" ")}`),
    ...rules.input.map((r) => `${ipt} -A ${chains.input} ${r.join(" ")}`),
    jumpFirst(mangle, "FORWARD", chains.forward),
    jumpFirst(ipt, "INPUT", chains.input),
    "",
  ].join("\n");
}

async function iptables(args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const r = await run("iptables", ["-w", "5", ...args], { timeout: 30_000 });
    return { ok: true, output: `${r.stdout}${r.stderr}` };
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    return { ok: false, output: e.stderr?.trim() || e.message };
  }
}

async function must(args: string[]): Promise<void> {
  const r = await iptables(args);
  if (!r.ok) throw new ConfigError(`iptables ${args.join(" ")} failed: ${r.output}`);
}

/** Replaces Supafleet's egress rules with `policy`'s (the same script the boot unit runs). Needs root. */
export async function applyEgressRules(policy: EgressPolicy): Promise<{ forward: number; input: number }> {
  const rules = egressRules(policy);
  try {
    await run("sh", ["-c", renderEgressScript(policy)], { timeout: 60_000 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new ConfigError(
      `egress rules could not be applied (${e.stderr?.trim() || e.message}); run Supafleet as root with iptables installed, or set SUPAFLEET_EGRESS_RULES=false to run tenants without them`,
    );
  }
  return { forward: rules.forward.length, input: rules.input.length };
}

/** Removes the rules and the jumps to them (an operator turning the setting off). */
export async function removeEgressRules(policy: Pick<EgressPolicy, "chains"> = {}): Promise<void> {
  const chains = chainsOf({ pools: [], deny: [], ...policy });
  for (const [table, chain, parent] of [
    ["mangle", chains.forward, "FORWARD"],
    ["filter", chains.forward, "DOCKER-USER"], // where earlier versions put it
    ["filter", chains.input, "INPUT"],
  ] as const) {
    while ((await iptables(["-t", table, "-C", parent, "-j", chain])).ok) await must(["-t", table, "-D", parent, "-j", chain]);
    await iptables(["-t", table, "-F", chain]);
    await iptables(["-t", table, "-X", chain]);
  }
}
