// Child for test/integration/proxy/acme-crash.test.ts: the part of a Supafleet
// app process that issues certificates, run as its own process so the test can
// SIGKILL it mid-issue. It does what the app does with ACME on: answers HTTP-01
// at the app's port (as app/api/acme/challenge does, from the process's board),
// applies nginx once at boot, then lets the manager issue what is wanted and
// apply again after each certificate. It prints one line per step the test
// waits for and stays alive until it is killed.
// Run: node --import tsx test/support/acme-app-child.ts '<json config>'
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { resolve } from "node:path";
import { challengeBoard, challengeReply, type ChallengeBoard } from "@/lib/acme/challenges";
import { CertificateStore } from "@/lib/acme/certificate-store";
import { hostsNeedingCertificates } from "@/lib/acme/hosts";
import { AcmeIssuer } from "@/lib/acme/issuer";
import { AcmeManager } from "@/lib/acme/manager";
import { createDb } from "@/lib/db/client";
import { STATUS } from "@/lib/domain";
import { renderWithCertificates } from "@/lib/proxy/app-proxy";
import { NginxApplier } from "@/lib/proxy/nginx-applier";
import { NGINX_BIN } from "@/test/support/nginx-host";

export interface AcmeChildConfig {
  dbUrl: string;
  certificatesDir: string;
  accountKeyPath: string;
  directoryUrl: string;
  /** Pebble's listener certificate (a file), trusted for the directory's TLS. */
  caBundlePath: string;
  domain: string;
  ref: string;
  /** The project's gateway (a plain HTTP server of the test's). */
  kongPort: number;
  appPort: number;
  nginx: { mainConfPath: string; siteConfPath: string; httpPort: number; httpsPort: number };
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2]!) as AcmeChildConfig;
  const inner = challengeBoard();
  // The test kills the process once the CA has been handed a challenge: the order is pending then.
  const board: ChallengeBoard = {
    put(token, keyAuthorization) {
      inner.put(token, keyAuthorization);
      console.log("CHALLENGE");
    },
    take: (token) => inner.take(token),
    answer: (token) => inner.answer(token),
  };
  const app = createServer((req, res) => {
    const m = /^\/api\/acme\/challenge\/([^/?]*)$/.exec(req.url ?? "");
    if (!m) return res.end("supafleet app");
    const reply = challengeReply(board, m[1]!);
    res.writeHead(reply.status, { "content-type": "text/plain" }).end(reply.body);
  });
  await new Promise<void>((r) => app.listen(cfg.appPort, "127.0.0.1", r));

  const store = new CertificateStore(cfg.certificatesDir);
  const hostsFor = (refs: string[]) => hostsNeedingCertificates({ rootDomain: cfg.domain, operatorCertificate: false }, refs);
  const applier = new NginxApplier({
    nginxBin: NGINX_BIN,
    mainConfPath: cfg.nginx.mainConfPath,
    siteConfPath: cfg.nginx.siteConfPath,
    loadProjects: async () => [{ ref: cfg.ref, status: STATUS.ACTIVE_HEALTHY, kongPort: cfg.kongPort }],
    settings: {
      rootDomain: cfg.domain,
      scheme: "https",
      appUpstream: { host: "127.0.0.1", port: cfg.appPort },
      httpListen: { host: "127.0.0.1", port: cfg.nginx.httpPort },
      acme: { httpsListen: { host: "127.0.0.1", port: cfg.nginx.httpsPort }, certificates: {} },
      pagesDir: resolve("nginx/pages"),
      clientMaxBodySize: "50m",
    },
    render: renderWithCertificates(store, hostsFor),
  });
  await applier.apply();
  console.log("APPLIED");
  const manager = new AcmeManager({
    db: createDb(cfg.dbUrl),
    store,
    issuer: new AcmeIssuer({
      directoryUrl: cfg.directoryUrl,
      email: "ops@fleet.test",
      accountKeyPath: cfg.accountKeyPath,
      caBundlePem: readFileSync(cfg.caBundlePath, "utf8"),
      board,
    }),
    wantedHosts: async () => hostsFor([cfg.ref]),
    applyProxy: () => applier.apply(),
    log: { info: () => undefined, warn: () => undefined },
  });
  const report = await manager.tick();
  console.log(`TICK ${JSON.stringify(report)}`);
  // Stay alive until killed (a pending promise alone does not keep node running).
  setInterval(() => undefined, 60_000);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
