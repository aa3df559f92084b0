// Optional egress rules for tenant networks (SUPAFLEET_EGRESS_RULES=true):
// tenants run their own code (Edge Functions, Postgres extensions), so their
// containers are kept away from what the host can reach but they must not:
// - the cloud metadata address (and all of link-local, 169.254.0.0/16), where
//   a cloud host's credentials are served;
// - the host itself: services listening on the host's own addresses, reached
//   through the project network's gateway (only DNS is let through);
// - any extra ranges the operator names (SUPAFLEET_EGRESS_DENY: a private LAN,
//   a VPC).
// Traffic between two project networks is already dropped by Docker's own
// isolation chains. Rules live in two chains of our own, jumped to from
// DOCKER-USER (forwarded traffic; Docker never touches it) and INPUT (traffic
// to the host), so applying them again replaces them and removing them is
// one flush. iptables runs without a shell, with -w (waits for the lock).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { ConfigError } from "@/lib/errors";
import { parseCidr } from "@/lib/net/cidr";

const run = promisify(execFile);

export const FORWARD_CHAIN = "SUPAFLEET-EGRESS";
export const INPUT_CHAIN = "SUPAFLEET-INPUT";
export const LINK_LOCAL = "169.254.0.0/16";

export interface EgressPolicy {
  /** Where tenant networks live (the subnet pool). */
  pools: string[];
  /** Extra destinations tenants must not reach. */
  deny: string[];
}

/** The rules, as iptables arguments (pure; unit-tested). */
export function egressRules(policy: EgressPolicy): { forward: string[][]; input: string[][] } {
  for (const c of [...policy.pools, ...policy.deny]) if (!parseCidr(c)) throw new ConfigError(`egress rules: ${JSON.stringify(c)} is not an IPv4 network`);
  // Replies on connections the host or the world opened (a published port's
  // answers pass here) are never in question.
  const established = ["-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "RETURN"];
  const forward: string[][] = [established];
  const input: string[][] = [established];
  for (const pool of policy.pools) {
    for (const dest of [LINK_LOCAL, ...policy.deny]) forward.push(["-s", pool, "-d", dest, "-j", "REJECT", "--reject-with", "icmp-admin-prohibited"]);
    // To the host: DNS only (a resolver on the host's own address), nothing else.
    input.push(["-s", pool, "-p", "udp", "--dport", "53", "-j", "RETURN"]);
    input.push(["-s", pool, "-p", "tcp", "--dport", "53", "-j", "RETURN"]);
    input.push(["-s", pool, "-j", "REJECT", "--reject-with", "icmp-admin-prohibited"]);
  }
  return { forward, input };
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

async function ensureChain(chain: string, parent: string): Promise<void> {
  // -N fails when it exists: fine; -F empties it either way.
  await iptables(["-N", chain]);
  await must(["-F", chain]);
  if (!(await iptables(["-C", parent, "-j", chain])).ok) await must(["-I", parent, "1", "-j", chain]);
}

/** Replaces Supafleet's egress rules with `policy`'s. Needs root. */
export async function applyEgressRules(policy: EgressPolicy): Promise<{ forward: number; input: number }> {
  const rules = egressRules(policy);
  // Docker makes DOCKER-USER at start; make sure it exists even if the engine has not yet.
  if (!(await iptables(["-L", "DOCKER-USER", "-n"])).ok)
    throw new ConfigError("egress rules: the DOCKER-USER chain does not exist; start the Docker engine first");
  await ensureChain(FORWARD_CHAIN, "DOCKER-USER");
  await ensureChain(INPUT_CHAIN, "INPUT");
  for (const r of rules.forward) await must(["-A", FORWARD_CHAIN, ...r]);
  for (const r of rules.input) await must(["-A", INPUT_CHAIN, ...r]);
  return { forward: rules.forward.length, input: rules.input.length };
}

/** Removes the rules and the jumps to them (an operator turning the setting off). */
export async function removeEgressRules(): Promise<void> {
  for (const [chain, parent] of [
    [FORWARD_CHAIN, "DOCKER-USER"],
    [INPUT_CHAIN, "INPUT"],
  ] as const) {
    while ((await iptables(["-C", parent, "-j", chain])).ok) await must(["-D", parent, "-j", chain]);
    await iptables(["-F", chain]);
    await iptables(["-X", chain]);
  }
}
