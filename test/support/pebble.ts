// Let's Encrypt's ACME test CA (Debian's pebble 2.4.0) on loopback ports, with
// pebble-challtestsrv as its DNS: every name resolves to 127.0.0.1, so the
// CA's HTTP-01 fetches reach the test's nginx on `httpPort`. Pebble's own
// listener gets a throwaway certificate (made with openssl), handed to
// clients as `listenerCaPem`; the root that signs issued certificates is
// read from its management port (/roots/0), as Pebble documents.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { freePort } from "@/test/support/postgres-server";

export interface Pebble {
  directoryUrl: string;
  /** trusts Pebble's listener (the directory and management ports) */
  listenerCaPem: string;
  /** The root of the certificates Pebble issues. */
  rootPem(): Promise<string>;
  /** pebble-challtestsrv's DNS server ("127.0.0.1:<port>"), which Pebble resolves with: a real DNS server to look records up at. */
  dnsServer: string;
  /** Its mock records, through its management API (/set-txt, /clear-txt, /set-cname, /clear-cname in Debian's pebble 2.4.0). */
  dns: DnsRecords;
  stop(): Promise<void>;
}

export interface DnsRecords {
  setTxt(host: string, value: string): Promise<void>;
  clearTxt(host: string): Promise<void>;
  setCname(host: string, target: string): Promise<void>;
  clearCname(host: string): Promise<void>;
}

function dnsRecords(mgmt: string): DnsRecords {
  const post = async (path: string, body: Record<string, string>) => {
    const r = await fetch(`${mgmt}${path}`, { method: "POST", body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`pebble-challtestsrv ${path} answered ${r.status}: ${await r.text()}`);
  };
  // Fully qualified, as the management API stores them.
  const fq = (h: string) => (h.endsWith(".") ? h : `${h}.`);
  return {
    setTxt: (host, value) => post("/set-txt", { host: fq(host), value }),
    clearTxt: (host) => post("/clear-txt", { host: fq(host) }),
    setCname: (host, target) => post("/set-cname", { host: fq(host), target: fq(target) }),
    clearCname: (host) => post("/clear-cname", { host: fq(host) }),
  };
}

function get(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, agent: false }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

function spawnLogged(bin: string, args: string[], env: NodeJS.ProcessEnv, log: string[]): ChildProcess {
  const child = spawn(bin, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const keep = (d: Buffer) => {
    log.push(d.toString());
    if (log.length > 200) log.shift();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  await gone;
}

/**
 * Pebble validating HTTP-01 on `httpPort` of 127.0.0.1. `resolver`: the DNS
 * server Pebble looks names and DNS-01 records up at instead of
 * pebble-challtestsrv (e.g. test/support/knot.ts's, "127.0.0.1:<port>").
 */
export async function startPebble(dir: string, httpPort: number, opts: { resolver?: string } = {}): Promise<Pebble> {
  for (const bin of ["/usr/bin/pebble", "/usr/bin/pebble-challtestsrv", "/usr/bin/openssl"]) {
    if (!existsSync(bin)) throw new Error(`${bin} not found: apt-get install pebble openssl (scripts/install-deps.sh test)`);
  }
  const [acmePort, mgmtPort, dnsPort, challMgmtPort, tlsPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const certPath = join(dir, "pebble-listener.crt");
  const keyPath = join(dir, "pebble-listener.key");
  execFileSync("/usr/bin/openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
    "-keyout", keyPath, "-out", certPath, "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
  ], { stdio: "ignore" }); // prettier-ignore
  const configPath = join(dir, "pebble-config.json");
  writeFileSync(
    configPath,
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`,
        managementListenAddress: `127.0.0.1:${mgmtPort}`,
        certificate: certPath,
        privateKey: keyPath,
        httpPort,
        tlsPort,
        ocspResponderURL: "",
        externalAccountBindingRequired: false,
      },
    }),
  );
  const log: string[] = [];
  const dns = spawnLogged(
    "/usr/bin/pebble-challtestsrv",
    [
      "-defaultIPv4",
      "127.0.0.1",
      "-defaultIPv6",
      "",
      "-dns01",
      `127.0.0.1:${dnsPort}`,
      "-http01",
      "",
      "-https01",
      "",
      "-tlsalpn01",
      "",
      "-management",
      `127.0.0.1:${challMgmtPort}`,
    ],
    process.env,
    log,
  );
  // No random sleeps or nonce rejections: the test's time goes to issuing, and a failure is a real one.
  const pebbleEnv = { ...process.env, PEBBLE_VA_NOSLEEP: "1", PEBBLE_WFE_NONCEREJECT: "0" };
  const ca = spawnLogged("/usr/bin/pebble", ["-config", configPath, "-dnsserver", opts.resolver ?? `127.0.0.1:${dnsPort}`], pebbleEnv, log);
  const listenerCaPem = readFileSync(certPath, "utf8");
  const directoryUrl = `https://127.0.0.1:${acmePort}/dir`;
  const stop = async () => {
    await Promise.all([stopChild(ca), stopChild(dns)]);
  };
  for (let i = 0; ; i++) {
    try {
      if ((await get(directoryUrl, listenerCaPem)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (i > 100 || ca.exitCode !== null) {
      await stop();
      throw new Error(`pebble did not serve ${directoryUrl} within 10 s:\n${log.join("")}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    directoryUrl,
    listenerCaPem,
    async rootPem() {
      const r = await get(`https://127.0.0.1:${mgmtPort}/roots/0`, listenerCaPem);
      if (r.status !== 200) throw new Error(`pebble's /roots/0 answered ${r.status}`);
      return r.body;
    },
    dnsServer: `127.0.0.1:${dnsPort}`,
    dns: dnsRecords(`http://127.0.0.1:${challMgmtPort}`),
    stop,
  };
}
