// The egress rules' script and boot unit as text: what the app applies at
// start and what systemd runs before docker.service after a reboot.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { installEgressBoot, renderEgressUnit } from "@/lib/network/egress-boot";
import { renderEgressScript } from "@/lib/network/egress";

const tmp = mkdtempSync(join(tmpdir(), "supafleet-egress-unit-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("egress rules", () => {
  it("are on unless the operator turns them off", () => {
    expect(parseEnv({}, "/srv").egress.enabled).toBe(true);
    expect(parseEnv({ SUPAFLEET_EGRESS_RULES: "false" }, "/srv").egress.enabled).toBe(false);
  });

  it("render one script that refills our chains (mangle FORWARD, filter INPUT) and puts the jumps first", () => {
    const script = renderEgressScript({ pools: ["10.213.0.0/16"], deny: [" 192.168.0.0/16 "] });
    const lines = script.trim().split("\n");
    expect(lines[0]).toBe("#!/bin/sh");
    expect(lines).toContain("set -eu");
    // Earlier versions' jump from DOCKER-USER goes.
    expect(lines).toContain("while iptables -w 5 -D DOCKER-USER -j SUPAFLEET-EGRESS 2>/dev/null; do :; done");
    expect(lines).toContain("iptables -w 5 -t mangle -F SUPAFLEET-EGRESS");
    expect(lines).toContain("iptables -w 5 -t mangle -A SUPAFLEET-EGRESS -s 10.213.0.0/16 -d 169.254.0.0/16 -j DROP");
    expect(lines).toContain("iptables -w 5 -t mangle -A SUPAFLEET-EGRESS -s 10.213.0.0/16 -d 192.168.0.0/16 -j DROP");
    expect(lines).toContain("iptables -w 5 -F SUPAFLEET-INPUT");
    expect(lines).toContain("iptables -w 5 -A SUPAFLEET-INPUT -s 10.213.0.0/16 -j REJECT --reject-with icmp-admin-prohibited");
    // The chains are filled before the jumps to them are checked.
    expect(lines.at(-2)).toBe("iptables -w 5 -t mangle -C FORWARD -j SUPAFLEET-EGRESS 2>/dev/null || iptables -w 5 -t mangle -I FORWARD 1 -j SUPAFLEET-EGRESS");
    expect(lines.at(-1)).toBe("iptables -w 5 -C INPUT -j SUPAFLEET-INPUT 2>/dev/null || iptables -w 5 -I INPUT 1 -j SUPAFLEET-INPUT");
    // A shell parses it.
    expect(spawnSync("sh", ["-n", "-c", script]).status).toBe(0);
  });

  it.each([
    ["a pool that is not a network", { pools: ["10.213.0.0/16; reboot"], deny: [] }],
    ["a deny entry with a newline inside", { pools: ["10.213.0.0/16"], deny: ["10.0.0.0/8\nreboot"] }],
    ["a chain name with a space", { pools: ["10.213.0.0/16"], deny: [], chains: { forward: "SF EGRESS", input: "SF-IN" } }],
    ["a lowercase chain name", { pools: ["10.213.0.0/16"], deny: [], chains: { forward: "sf-egress", input: "SF-IN" } }],
  ])("refuse %s", (_label, policy) => {
    expect(() => renderEgressScript(policy)).toThrow(/egress rules/);
  });

  it("have a boot unit ordered before and required by docker.service, which systemd accepts", () => {
    const unit = renderEgressUnit("/etc/supafleet/egress-rules.sh");
    for (const line of [
      "Before=docker.service network-pre.target",
      "RequiredBy=docker.service",
      "Type=oneshot",
      "ExecStart=/bin/sh /etc/supafleet/egress-rules.sh",
    ])
      expect(unit).toContain(`\n${line}\n`);
    const file = join(tmp, "supafleet-egress.service");
    writeFileSync(file, unit);
    const verify = spawnSync("systemd-analyze", ["verify", file], { encoding: "utf8" });
    expect(verify.error, "systemd-analyze (apt-get install systemd)").toBeUndefined();
    expect(verify.stderr.trim()).toBe("");
    expect(verify.status).toBe(0);
    expect(() => renderEgressUnit("relative/egress.sh")).toThrow(/safe absolute path/);
    expect(() => renderEgressUnit("/etc/x.sh\nExecStart=/bin/rm")).toThrow(/safe absolute path/);
  });

  it("are written as a root-only script; without systemd the caller is told they are not kept across reboots", async () => {
    const paths = { script: join(tmp, "etc", "egress-rules.sh"), unit: join(tmp, "supafleet-egress.service.unused") };
    const result = await installEgressBoot({ pools: ["10.213.0.0/16"], deny: [] }, paths, false);
    expect(result).toEqual({ persisted: false, why: expect.stringContaining(`run ${paths.script} at boot before the Docker engine starts`) as string });
    expect(statSync(paths.script).mode & 0o777).toBe(0o700);
    expect(readFileSync(paths.script, "utf8")).toBe(renderEgressScript({ pools: ["10.213.0.0/16"], deny: [] }));
  });
});
