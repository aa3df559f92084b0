// A real authoritative DNS server for tests: Debian's Knot DNS (knotd 3.2)
// on a loopback port, serving one zone that takes RFC 2136 updates signed
// with a TSIG key (HMAC-SHA256). Every name in the zone resolves to
// 127.0.0.1 (a wildcard A record), so Pebble pointed at it (-dnsserver)
// finds both the DNS-01 TXT records and the hosts.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { freePort } from "@/test/support/postgres-server";

export const KNOTD = "/usr/sbin/knotd";

export interface Knot {
  host: string;
  port: number;
  zone: string;
  keyName: string;
  /** the TSIG secret, base64 */
  secret: string;
  stop(): Promise<void>;
}

function listening(port: number): Promise<boolean> {
  return new Promise((r) => {
    const s = connect({ host: "127.0.0.1", port }, () => {
      s.destroy();
      r(true);
    });
    s.on("error", () => r(false));
  });
}

export async function startKnot(dir: string, zone: string): Promise<Knot> {
  if (!existsSync(KNOTD)) throw new Error(`${KNOTD} not found: apt-get install knot (scripts/install-deps.sh test)`);
  const port = await freePort();
  const root = join(dir, "knot");
  mkdirSync(root, { recursive: true });
  const keyName = "acme-update.";
  const secret = randomBytes(32).toString("base64");
  writeFileSync(
    join(root, `${zone}.zone`),
    `$ORIGIN ${zone}.
$TTL 60
@ SOA ns.${zone}. hostmaster.${zone}. 1 3600 600 86400 60
@ NS ns.${zone}.
ns A 127.0.0.1
@ A 127.0.0.1
* A 127.0.0.1
`,
  );
  const conf = join(root, "knot.conf");
  writeFileSync(
    conf,
    `server:
  rundir: "${root}"
  listen: 127.0.0.1@${port}
database:
  storage: "${root}"
log:
  - target: stderr
    any: warning
key:
  - id: ${keyName}
    algorithm: hmac-sha256
    secret: ${secret}
acl:
  - id: acme
    key: ${keyName}
    action: update
zone:
  - domain: ${zone}
    storage: "${root}"
    file: "${zone}.zone"
    acl: acme
    zonefile-sync: -1
`,
    { mode: 0o600 },
  );
  const log: string[] = [];
  const child: ChildProcess = spawn(KNOTD, ["-c", conf], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (d: Buffer) => log.push(d.toString()));
  child.stderr?.on("data", (d: Buffer) => log.push(d.toString()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill("SIGTERM");
    await gone;
  };
  for (let i = 0; !(await listening(port)); i++) {
    if (i > 100 || child.exitCode !== null) {
      await stop();
      throw new Error(`knotd did not listen on 127.0.0.1:${port} within 10 s:\n${log.join("")}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { host: "127.0.0.1", port, zone, keyName, secret, stop };
}
