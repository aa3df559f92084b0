// A TEST DOUBLE for Cloudflare's public DNS-over-HTTPS resolver (1.1.1.1),
// which these machines cannot reach. `supabase domains create` checks the
// custom hostname's CNAME itself, always through https://1.1.1.1/dns-query
// with `accept: application/dns-json` (supabase/cli 627e534b,
// apps/cli-go/internal/utils/cloudflare/api.go NewCloudflareAPI and
// apps/cli-go/internal/utils/api.go ResolveCNAME), with Go's default
// transport, so it honours HTTPS_PROXY and SSL_CERT_FILE. The double is that
// proxy: it accepts CONNECT to 1.1.1.1:443 only (anything else is 403, so the
// CLI cannot quietly use it for other hosts), terminates TLS with a
// certificate for IP 1.1.1.1 that only the CLI run is told to trust, and
// answers Cloudflare's JSON format from a real DNS server (the test's
// pebble-challtestsrv): the CLI still depends on the record the user made.
import { execFileSync } from "node:child_process";
import { Resolver } from "node:dns/promises";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { join } from "node:path";
import { TLSSocket } from "node:tls";
import { freePort } from "@/test/support/postgres-server";

export interface CloudflareDoh {
  /** For the CLI's environment: HTTPS_PROXY, NO_PROXY and SSL_CERT_FILE. */
  env: Record<string, string>;
  /** Every name the CLI asked for, with the record type. */
  queries: Array<{ name: string; type: string }>;
  stop(): Promise<void>;
}

const CNAME = 5;

/** `dnsServer`: "host:port" of a real DNS server holding the test's records. */
export async function startCloudflareDoh(dir: string, dnsServer: string): Promise<CloudflareDoh> {
  const certPath = join(dir, "doh-1.1.1.1.crt");
  const keyPath = join(dir, "doh-1.1.1.1.key");
  execFileSync("/usr/bin/openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
    "-keyout", keyPath, "-out", certPath, "-subj", "/CN=1.1.1.1", "-addext", "subjectAltName=IP:1.1.1.1",
  ], { stdio: "ignore" }); // prettier-ignore
  const cert = readFileSync(certPath);
  const key = readFileSync(keyPath);
  const resolver = new Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([dnsServer]);
  const queries: CloudflareDoh["queries"] = [];

  // Cloudflare's JSON answer (developers.cloudflare.com/1.1.1.1/encryption/dns-over-https/make-api-requests/dns-json):
  // names and CNAME data fully qualified, with the trailing dot.
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "https://1.1.1.1");
    const name = url.searchParams.get("name") ?? "";
    const type = url.searchParams.get("type") ?? "1";
    queries.push({ name, type });
    if (url.pathname !== "/dns-query" || !name || req.headers.accept !== "application/dns-json") {
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: "Invalid query" }));
      return;
    }
    const fq = (n: string) => (n.endsWith(".") ? n : `${n}.`);
    const body: Record<string, unknown> = {
      Status: 0,
      TC: false,
      RD: true,
      RA: true,
      AD: false,
      CD: false,
      Question: [{ name: fq(name), type: Number(type) }],
    };
    if (Number(type) !== CNAME) {
      // The double answers what the CLI asks in `domains create` only; anything else is a test's mistake.
      res.writeHead(501, { "content-type": "application/json" }).end(JSON.stringify({ error: `the DoH double answers CNAME queries only, not type ${type}` }));
      return;
    }
    try {
      const targets = await resolver.resolveCname(name);
      body.Answer = targets.map((t) => ({ name: fq(name), type: CNAME, TTL: 300, data: fq(t) }));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOTFOUND")
        body.Status = 3; // NXDOMAIN
      else if (code !== "ENODATA") body.Status = 2; // SERVFAIL
    }
    res.writeHead(200, { "content-type": "application/dns-json" }).end(JSON.stringify(body));
  };
  const doh = createServer((req, res) => void answer(req, res));

  const proxy = createServer((_req, res) => res.writeHead(405).end("CONNECT only\n"));
  proxy.on("connect", (req: IncomingMessage, socket, head: Buffer) => {
    if (req.url !== "1.1.1.1:443") {
      socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length) socket.unshift(head);
    const tls = new TLSSocket(socket, { isServer: true, cert, key });
    tls.on("error", () => socket.destroy());
    doh.emit("connection", tls);
  });
  const port = await freePort();
  await new Promise<void>((r) => proxy.listen(port, "127.0.0.1", r));
  return {
    env: { HTTPS_PROXY: `http://127.0.0.1:${port}`, NO_PROXY: "localhost,127.0.0.1", SSL_CERT_FILE: certPath },
    queries,
    stop: () =>
      new Promise<void>((r) => {
        proxy.closeAllConnections();
        doh.closeAllConnections();
        proxy.close(() => r());
      }),
  };
}
