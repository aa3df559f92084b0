// nginx's per-client limits through a real nginx (Debian): a client flooding
// an idle-paused project gets 429 from nginx past its allowance, and the
// app's wake gate never sees the excess, while the same client's requests to
// a neighbouring sleeping project pass; the app's own server is limited too.
// The "app" and the gateways are plain HTTP servers here (as in
// routing.test.ts): what is under test is nginx's answer in front of them.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NginxApplier } from "@/lib/proxy/nginx-applier";
import type { ProxyLimits } from "@/lib/proxy/nginx-limits";
import type { ProxyProject, ProxySettings } from "@/lib/proxy/render-nginx-config";
import { WAKE_GATE_HEADER } from "@/lib/proxy/wake-protocol";
import { NGINX_BIN, startNginx, viaNginx, type NginxHost } from "@/test/support/nginx-host";
import { freePort } from "@/test/support/postgres-server";

const DOMAIN = "limits.test";
const A = "aaaaaaaaaaaaaaaaaaaa";
const B = "bbbbbbbbbbbbbbbbbbbb";
// Slow refill (1 r/s) so that the test's own pace cannot refill the allowance.
const LIMITS: ProxyLimits = { app: { ratePerSec: 1, burst: 8, connections: 64 }, gated: { ratePerSec: 1, burst: 5, connections: 32 } };

let nginx: NginxHost;
const servers: Server[] = [];
const gateCalls: Record<string, number> = {};
let appCalls = 0;

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  const port = await freePort();
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(port, "127.0.0.1", r));
  return port;
}

beforeAll(async () => {
  nginx = await startNginx();
  // The app: the wake gate lets every request through (204); anything else is a page.
  const appPort = await listen((req, res) => {
    const gate = /^\/api\/wake\/([a-z]{20})$/.exec(req.url ?? "");
    if (gate && req.headers[WAKE_GATE_HEADER] === "1") {
      gateCalls[gate[1]!] = (gateCalls[gate[1]!] ?? 0) + 1;
      res.writeHead(204).end();
      return;
    }
    appCalls++;
    res.end("supafleet app");
  });
  const gateway = (ref: string) => listen((_req, res) => res.end(`gateway of ${ref}`));
  const projects: ProxyProject[] = [
    { ref: A, status: "INACTIVE", pausedBy: "idle", kongPort: await gateway(A) },
    { ref: B, status: "INACTIVE", pausedBy: "idle", kongPort: await gateway(B) },
  ];
  const settings: ProxySettings = {
    rootDomain: DOMAIN,
    scheme: "http",
    appUpstream: { host: "127.0.0.1", port: appPort },
    httpListen: { host: "127.0.0.1", port: nginx.port },
    pagesDir: resolve("nginx/pages"),
    clientMaxBodySize: "50m",
    limits: LIMITS,
  };
  const applier = new NginxApplier({
    nginxBin: NGINX_BIN,
    mainConfPath: nginx.mainConfPath,
    siteConfPath: nginx.siteConfPath,
    loadProjects: async () => projects,
    settings,
  });
  await applier.apply();
});

afterAll(async () => {
  nginx?.stop();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

const statuses = async (host: string, n: number) =>
  (await Promise.all(Array.from({ length: n }, () => viaNginx(nginx.port, host, "/rest/v1/")))).map((r) => r.status);
const count = (list: number[], status: number) => list.filter((s) => s === status).length;

describe("nginx limits per client", () => {
  it("answers 429 past the allowance on a sleeping project without asking the wake gate, while a neighbour's requests pass", async () => {
    const burst = await statuses(`${A}.${DOMAIN}`, 30);
    // The burst (5) plus at most a token or two refilled meanwhile pass; the rest are refused by nginx.
    expect(count(burst, 200)).toBeGreaterThanOrEqual(LIMITS.gated.burst);
    expect(count(burst, 200)).toBeLessThanOrEqual(LIMITS.gated.burst + 3);
    expect(count(burst, 429)).toBe(30 - count(burst, 200));
    expect(gateCalls[A]).toBe(count(burst, 200));
    // Still over the limit: refused again.
    expect((await viaNginx(nginx.port, `${A}.${DOMAIN}`, "/rest/v1/")).status).toBe(429);
    // The same client's requests to another sleeping project have their own allowance.
    const neighbour = await statuses(`${B}.${DOMAIN}`, LIMITS.gated.burst);
    expect(neighbour).toEqual(Array(LIMITS.gated.burst).fill(200));
    expect(gateCalls[B]).toBe(LIMITS.gated.burst);
  });

  it("answers 429 past the allowance on the app's own server", async () => {
    const before = appCalls;
    const burst = await statuses(DOMAIN, 30);
    expect(count(burst, 200)).toBeGreaterThanOrEqual(LIMITS.app.burst);
    expect(count(burst, 200)).toBeLessThanOrEqual(LIMITS.app.burst + 3);
    expect(count(burst, 429)).toBe(30 - count(burst, 200));
    expect(appCalls - before).toBe(count(burst, 200));
  });
});
