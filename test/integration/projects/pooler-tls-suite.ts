// The projects' database ports with TLS: the pooler (its stand-in, which
// behaves as Supavisor's config/runtime.exs says: GLOBAL_DOWNSTREAM_CERT_PATH/
// KEY_PATH) answers SSLRequest with TLS under the project's own certificate
// from the installation's pooler CA (never the installation's wildcard key),
// connection strings ask for TLS, and the ports bind to the configured
// address only. The project is the one of
// test/integration/standins/newest-template.test.ts, whose installation has a
// pooler CA and binds the database ports to 127.0.0.1 (test/support/standin-project.ts).
import { createPrivateKey } from "node:crypto";
import { PassThrough } from "node:stream";
import type { PeerCertificate } from "node:tls";
import type Docker from "dockerode";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import type { PoolerCa } from "@/lib/crypto/pooler-ca";
import type { SessionUser } from "@/lib/auth/actor";
import type { Installation } from "@/test/support/installation";
import type { StandinProject } from "@/test/support/standin-project";

export function poolerTlsSuite(project: () => StandinProject): void {
  let DOMAIN: string;
  let ca: PoolerCa;
  let docker: Docker;
  let inst: Installation;
  let user: SessionUser;
  let ref: string | undefined;

  /** A file's text inside a running container (docker exec cat). */
  async function catIn(container: string, path: string): Promise<string> {
    const exec = await docker.getContainer(container).exec({ Cmd: ["cat", path], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({});
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on("data", (c: Buffer) => chunks.push(c));
    docker.modem.demuxStream(stream, out, new PassThrough());
    await new Promise((r) => stream.on("end", r));
    return Buffer.concat(chunks).toString("utf8");
  }

  describe("the pooler with a certificate of its own", () => {
    beforeAll(() => {
      ({ domain: DOMAIN, poolerCa: ca, docker, inst, owner: user, ref } = project());
    });

    it("speaks TLS under the project's certificate from the pooler CA, on the configured address only", async () => {
      await inst.service.waitForIdle(ref!);
      expect((await inst.service.getProject(user, ref!)).status).toBe("ACTIVE_HEALTHY");
      const d = await inst.service.getProjectDetails(user, ref!);
      expect(d.directUrl).toMatch(/\?sslmode=require$/);
      expect(d.poolerUrl).toMatch(/\?sslmode=require$/);

      let seen: PeerCertificate | undefined;
      const client = new pg.Client({
        host: "127.0.0.1",
        port: d.dbPort!,
        user: `postgres.${ref}`,
        password: d.dbPassword,
        database: "postgres",
        connectionTimeoutMillis: 10_000,
        // verify-full: the pooler CA, and the project's own host name.
        ssl: {
          ca: ca.certPem,
          servername: `${ref}.${DOMAIN}`,
          rejectUnauthorized: true,
          checkServerIdentity: (_host, cert) => void (seen = cert),
        },
      });
      await client.connect();
      try {
        expect((await client.query("select current_user as u")).rows[0].u).toBe("postgres");
      } finally {
        await client.end();
      }
      expect(seen?.subject.CN).toBe(`${ref}.${DOMAIN}`);
      expect(seen?.subjectaltname).toBe(`DNS:${ref}.${DOMAIN}, DNS:db.${ref}.${DOMAIN}`);
      // Only the project's own key is in the tenant stack: not the CA's.
      const keyFile = await catIn(`supafleet-${ref}-supavisor`, "/etc/supavisor/tls/server.key");
      expect(keyFile).toContain("BEGIN PRIVATE KEY");
      expect(keyFile.trim()).not.toBe(ca.keyPem.trim());
      expect(createPrivateKey(keyFile).asymmetricKeyType).toBe("ec");

      // A client that trusts another CA is refused the handshake.
      const other = new pg.Client({
        host: "127.0.0.1",
        port: d.dbPort!,
        user: `postgres.${ref}`,
        password: d.dbPassword,
        database: "postgres",
        ssl: { rejectUnauthorized: true },
        connectionTimeoutMillis: 10_000,
      });
      await expect(other.connect()).rejects.toThrow(/self[- ]signed|certificate/i);
      await other.end().catch(() => undefined);

      // Published on 127.0.0.1 only (SUPAFLEET_DB_BIND_ADDRESS).
      const info = await docker.getContainer(`supafleet-${ref}-supavisor`).inspect();
      const bindings = Object.values(info.HostConfig.PortBindings ?? {}).flat() as Array<{ HostIp: string }>;
      expect(bindings.map((b) => b.HostIp)).toEqual(["127.0.0.1", "127.0.0.1"]);
    });
  });
}
