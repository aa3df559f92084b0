// The projects' database ports with the installation's certificate: the
// pooler (its stand-in, which behaves as Supavisor's config/runtime.exs says:
// GLOBAL_DOWNSTREAM_CERT_PATH/KEY_PATH) answers SSLRequest with TLS under that
// certificate, connection strings ask for TLS, and the ports bind to the
// configured address only.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PeerCertificate } from "node:tls";
import type Docker from "dockerode";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/users/service";
import { ensureDockerHost } from "@/test/support/docker-host";
import { openInstallation, type Installation } from "@/test/support/installation";
import { ensureStandinImages } from "@/test/support/standin-images";

const DOMAIN = "tls.test";
const dir = mkdtempSync(join(tmpdir(), "supafleet-tls-"));
const certPath = join(dir, "wildcard.crt");
const keyPath = join(dir, "wildcard.key");
let docker: Docker;
let inst: Installation;
let user: SessionUser;
let ref: string | undefined;

beforeAll(async () => {
  docker = await ensureDockerHost();
  await ensureStandinImages(docker);
  // The installation's wildcard certificate, as an operator would have one.
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "2",
      "-subj",
      `/CN=*.${DOMAIN}`,
      "-addext",
      `subjectAltName=DNS:*.${DOMAIN}`,
      "-keyout",
      keyPath,
      "-out",
      certPath,
    ],
    { stdio: "ignore" },
  );
  inst = await openInstallation({
    portRange: { start: 55700, end: 55799 },
    config: { rootDomain: DOMAIN, poolerTls: { certPath, keyPath }, dbBindAddress: "127.0.0.1" },
  });
  const u = await inst.db.user.create({ data: { id: randomUUID(), email: "tls@example.com", passwordHash: "x" } });
  user = { id: u.id, email: u.email, name: null, role: "USER" };
});

afterAll(async () => {
  if (ref) await inst.provisioner.destroy(ref).catch(() => undefined);
  await inst?.db.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe("the pooler with the installation's certificate", () => {
  it("speaks TLS under that certificate, on the configured address only", async () => {
    ref = (await inst.service.createProject(user, { name: "Encrypted" })).ref;
    await inst.service.waitForIdle(ref);
    expect((await inst.service.getProject(user, ref)).status).toBe("ACTIVE_HEALTHY");
    const d = await inst.service.getProjectDetails(user, ref);
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
      // verify-full: our CA, and the project's own host name.
      ssl: {
        ca: readFileSync(certPath, "utf8"),
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
    expect(seen?.subject.CN).toBe(`*.${DOMAIN}`);

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
