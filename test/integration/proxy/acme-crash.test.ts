// An app killed while it gets a certificate (issue 29): the issuing part of
// the app (test/support/acme-app-child.ts: the challenge route, the manager
// and the nginx applier, as the app wires them) runs as its own process and is
// SIGKILLed mid-issue; a torn renewal (killed between the key's rename and the
// certificate's) is left on disk as such a kill leaves it. After either, nginx
// never points at a missing or mismatched pair (the host is served over plain
// HTTP until then), and the restarted app completes the certificate. Real
// parts: Pebble (Debian) as the CA, nginx (Debian), the app's own code.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CertificateStore } from "@/lib/acme/certificate-store";
import { issuedCertificates } from "@/lib/acme/hosts";
import type { TickReport } from "@/lib/acme/manager";
import { migrate } from "@/lib/db/migrate";
import type { AcmeChildConfig } from "@/test/support/acme-app-child";
import { NGINX_BIN, startNginx, viaNginx, viaNginxTls, type NginxHost } from "@/test/support/nginx-host";
import { startPebble, type Pebble } from "@/test/support/pebble";
import { freePort } from "@/test/support/postgres-server";
import { tempFolder } from "@/test/support/temp-folder";

const DOMAIN = "crash.test";
const REF = "cccccccccccccccccccc";
const HOST = `${REF}.${DOMAIN}`;
const tmp = tempFolder("acme-crash");

let nginx: NginxHost;
let pebble: Pebble;
let kong: Server;
let root: string;
let cfg: AcmeChildConfig;
const store = new CertificateStore(join(tmp, "data", "acme", "certificates"));
const children: ChildProcess[] = [];

/** The app process; resolves the first stdout line starting with `marker`, rejects if the child exits first. */
function startApp(): { child: ChildProcess; until(marker: string, timeoutMs?: number): Promise<string> } {
  const child = spawn(process.execPath, ["--import", "tsx", "test/support/acme-app-child.ts", JSON.stringify(cfg)], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  const lines: string[] = [];
  let stderr = "";
  const waiters: Array<() => void> = [];
  let buf = "";
  child.stdout!.on("data", (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
      lines.push(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
    waiters.splice(0).forEach((w) => w());
  });
  child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  child.on("exit", () => waiters.splice(0).forEach((w) => w()));
  const until = (marker: string, timeoutMs = 60_000) =>
    new Promise<string>((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const check = () => {
        const hit = lines.find((l) => l.startsWith(marker));
        if (hit) return resolve(hit);
        if (child.exitCode !== null || child.signalCode !== null)
          return reject(new Error(`the app process ended (${child.exitCode ?? child.signalCode}) before "${marker}": ${lines.join(" | ")} ${stderr}`));
        if (Date.now() > deadline) return reject(new Error(`no "${marker}" from the app process within ${timeoutMs} ms: ${lines.join(" | ")} ${stderr}`));
        waiters.push(check);
        setTimeout(check, 500).unref();
      };
      check();
    });
  return { child, until };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await gone;
}

/** nginx accepts the config on disk, and every certificate it names is there and matches its key. */
function nginxConsistent(): void {
  execFileSync(NGINX_BIN, ["-t", "-q", "-c", nginx.mainConfPath], { stdio: "pipe" });
  const site = readFileSync(nginx.siteConfPath, "utf8");
  for (const [, path] of site.matchAll(/ssl_certificate(?:_key)?\s+([^;\s]+);/g)) expect(existsSync(path!), `nginx names ${path}`).toBe(true);
  for (const [, dir] of site.matchAll(/ssl_certificate\s+([^;\s]+)\/fullchain\.pem;/g)) {
    const host = dir!.split("/").pop()!;
    expect(store.get(host), `the pair nginx serves for ${host} matches`).not.toBeNull();
  }
}

const viaTls = (host: string) => viaNginxTls(cfg.nginx.httpsPort, host, root);

beforeAll(async () => {
  nginx = await startNginx();
  pebble = await startPebble(tmp, nginx.port);
  root = await pebble.rootPem();
  const dbUrl = `file:${join(tmp, "supafleet.db")}`;
  await migrate(dbUrl);
  const kongPort = await freePort();
  kong = createServer((_req, res) => res.end("project C"));
  await new Promise<void>((r) => kong.listen(kongPort, "127.0.0.1", r));
  const caBundlePath = join(tmp, "pebble-listener-ca.pem");
  writeFileSync(caBundlePath, pebble.listenerCaPem);
  cfg = {
    dbUrl,
    certificatesDir: store.dir,
    accountKeyPath: join(tmp, "data", "acme", "account.key"),
    directoryUrl: pebble.directoryUrl,
    caBundlePath,
    domain: DOMAIN,
    ref: REF,
    kongPort,
    appPort: await freePort(),
    nginx: { mainConfPath: nginx.mainConfPath, siteConfPath: nginx.siteConfPath, httpPort: nginx.port, httpsPort: await freePort() },
  };
}, 60_000);

afterAll(async () => {
  await Promise.all(children.map(kill));
  await pebble?.stop();
  nginx?.stop();
  await new Promise((r) => (kong ? kong.close(r) : r(undefined)));
});

describe("an app killed while it gets a certificate", () => {
  it("killed while the CA validates: nothing half-issued is served, and the restart completes the certificate", async () => {
    const first = startApp();
    await first.until("CHALLENGE");
    await kill(first.child);
    // Killed with an order pending: no pair for the host (the store writes a complete one or none), and nginx
    // serves it over plain HTTP with a config that names only pairs on disk.
    expect(store.get(HOST)).toBeNull();
    nginxConsistent();
    expect((await viaNginx(nginx.port, HOST)).body).toBe("project C");

    const second = startApp();
    const report = JSON.parse((await second.until("TICK")).slice(5)) as TickReport;
    expect(report.failed).toEqual([]);
    expect(report.issued.sort()).toEqual([HOST, DOMAIN].sort());
    nginxConsistent();
    expect(await viaTls(HOST)).toMatchObject({ status: 200, body: "project C" });
    await kill(second.child);
  });

  it("killed between a renewal's two renames: the torn pair is never served, its leftovers go, and the restart issues again", async () => {
    const before = await viaTls(HOST);
    // What lib/acme/certificate-store.ts save() leaves when killed between its renames: the new key in place,
    // the new certificate still in its temporary file.
    const paths = store.paths(HOST);
    const leftover = `${paths.certPath}.4242.1.tmp`;
    writeFileSync(`${paths.keyPath}.4242.1.tmp`, generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }), {
      mode: 0o600,
    });
    renameSync(`${paths.keyPath}.4242.1.tmp`, paths.keyPath);
    writeFileSync(leftover, readFileSync(paths.certPath));
    expect(store.get(HOST), "a certificate with another key is no pair").toBeNull();
    // What the app's next render serves over TLS (lib/proxy/app-proxy.ts renderWithCertificates): the panel's
    // pair, not the torn one, which leaves the host on plain HTTP rather than a key with another key's certificate.
    expect(Object.keys(issuedCertificates(store, [HOST, DOMAIN]))).toEqual([DOMAIN]);

    const app = startApp();
    const report = JSON.parse((await app.until("TICK")).slice(5)) as TickReport;
    expect(report).toMatchObject({ issued: [HOST], failed: [] });
    nginxConsistent();
    const after = await viaTls(HOST);
    expect(after).toMatchObject({ status: 200, body: "project C" });
    expect(after.serial).not.toBe(before.serial);
    expect(readdirSync(join(store.dir, HOST)).sort()).toEqual(["fullchain.pem", "privkey.pem"]);
    await kill(app.child);
  });
});
