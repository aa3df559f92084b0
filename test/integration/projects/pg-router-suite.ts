// The shared Postgres port (lib/proxy/pg-router.ts) in front of a real
// project: node-postgres (which sends the host it dials as the TLS server
// name, as the Supabase CLI's does) reaches the project's pooler by
// <ref>.<domain> and db.<ref>.<domain> through one port, verifies the
// project's own certificate under the pooler CA end to end, and is refused
// cleanly for an unknown host, no server name, or no TLS. The project is the
// one of test/integration/standins/newest-template.test.ts.
import { connect as tcpConnect } from "node:net";
import type { PeerCertificate } from "node:tls";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/actor";
import type { PoolerCa } from "@/lib/crypto/pooler-ca";
import { PgRouter } from "@/lib/proxy/pg-router";
import type { Installation } from "@/test/support/installation";
import type { StandinProject } from "@/test/support/standin-project";

export function pgRouterSuite(project: () => StandinProject): void {
  describe("the shared Postgres port, by TLS server name", () => {
    let router: PgRouter;
    let port: number;
    let ca: PoolerCa;
    let inst: Installation;
    let owner: SessionUser;
    let ref: string;
    let domain: string;

    beforeAll(async () => {
      ({ poolerCa: ca, inst, owner, ref, domain } = project());
      router = new PgRouter({
        listen: { host: "127.0.0.1", port: 0 },
        route: (name) => inst.service.pgRoute(name, "127.0.0.1"),
        limits: { openingMs: 2_000 },
      });
      port = (await router.start()).port;
    });
    afterAll(() => router?.stop());

    const client = (servername: string | undefined, opts: { ssl?: boolean; password?: string } = {}) =>
      new pg.Client({
        host: "127.0.0.1",
        port,
        user: `postgres.${ref}`,
        password: opts.password,
        database: "postgres",
        connectionTimeoutMillis: 10_000,
        ssl: opts.ssl === false ? false : { ca: ca.certPem, servername, rejectUnauthorized: true },
      });

    it("reaches the project's pooler at <ref>.<domain> and db.<ref>.<domain>, TLS end to end with the project's certificate", async () => {
      await inst.service.waitForIdle(ref);
      const d = await inst.service.getProjectDetails(owner, ref);
      for (const name of [`${ref}.${domain}`, `DB.${ref.toUpperCase()}.${domain}`]) {
        let seen: PeerCertificate | undefined;
        const c = new pg.Client({
          host: "127.0.0.1",
          port,
          user: `postgres.${ref}`,
          password: d.dbPassword,
          database: "postgres",
          connectionTimeoutMillis: 10_000,
          // verify-full against the pooler CA, for the name dialled.
          ssl: { ca: ca.certPem, servername: name, rejectUnauthorized: true, checkServerIdentity: (_h, cert) => void (seen = cert) },
        });
        await c.connect();
        try {
          expect((await c.query("select current_user as u, 6 * 7 as n")).rows).toEqual([{ u: "postgres", n: 42 }]);
        } finally {
          await c.end();
        }
        expect(seen?.subject.CN).toBe(`${ref}.${domain}`);
      }
      await expectDrained(router);
    });

    it("refuses an unknown host, a name under another domain and no server name with a TLS alert", async () => {
      for (const name of [`zzzzzzzzzzzzzzzzzzzz.${domain}`, `${ref}.elsewhere.test`, "localhost"]) {
        const c = client(name, { password: "x" });
        await expect(c.connect(), name).rejects.toThrow(/unrecognized name|alert|socket|closed|ECONNRESET/i);
        await c.end().catch(() => undefined);
      }
      // node-postgres sends no server name for an IP literal (RFC 6066).
      const bare = new pg.Client({ host: "127.0.0.1", port, user: `postgres.${ref}`, database: "postgres", ssl: { rejectUnauthorized: false } });
      await expect(bare.connect()).rejects.toThrow(/unrecognized name|alert|socket|closed|ECONNRESET/i);
      await bare.end().catch(() => undefined);
      await expectDrained(router);
    });

    it("answers a client without TLS with a Postgres error naming sslmode=require, and closes on garbage and silence", async () => {
      const plain = client(undefined, { ssl: false, password: "x" });
      await expect(plain.connect()).rejects.toThrow(/sslmode=require/);
      await plain.end().catch(() => undefined);
      expect(await closedAfter(Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))).toBe(true);
      // An SSLRequest, then nothing: closed at the opening deadline (2 s here).
      const started = Date.now();
      expect(await closedAfter(Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]))).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
      await expectDrained(router);
    });

    /** Sends bytes and resolves true once the router closes the connection (false after 10 s). */
    function closedAfter(bytes: Buffer): Promise<boolean> {
      return new Promise((resolve) => {
        const s = tcpConnect(port, "127.0.0.1", () => s.write(bytes));
        const timer = setTimeout(() => {
          s.destroy();
          resolve(false);
        }, 10_000);
        s.on("data", () => undefined);
        s.on("error", () => undefined);
        s.once("close", () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    }
  });
}

async function expectDrained(router: PgRouter): Promise<void> {
  for (let i = 0; i < 50 && router.connections > 0; i++) await new Promise((r) => setTimeout(r, 100));
  expect(router.connections).toBe(0);
}
