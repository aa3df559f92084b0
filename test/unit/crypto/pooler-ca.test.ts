// The pooler CA and the project certificates it issues: parsed by node's
// X509Certificate, chained and name-checked by OpenSSL through a real TLS
// handshake, and the same bytes for the same project every time.
import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, createServer } from "node:tls";
import { afterAll, describe, expect, it } from "vitest";
import { createPoolerCa, loadOrCreatePoolerCa, poolerCertificate, poolerHostNames } from "@/lib/crypto/pooler-ca";

const dir = mkdtempSync(join(tmpdir(), "supafleet-pooler-ca-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function handshake(server: { certPem: string; keyPem: string }, ca: string, servername: string): Promise<string> {
  const srv = createServer({ cert: server.certPem, key: server.keyPem }, (s) => s.end("ok"));
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  try {
    return await new Promise<string>((resolve, reject) => {
      const c = connect({ host: "127.0.0.1", port: (srv.address() as AddressInfo).port, ca, servername, rejectUnauthorized: true }, () => {
        c.once("data", (d) => {
          resolve(d.toString());
          c.end();
        });
      });
      c.once("error", reject);
    });
  } finally {
    srv.close();
  }
}

describe("the pooler CA", () => {
  it("is a CA certificate with its key, kept 0600 in its folder and read back the same", () => {
    const ca = loadOrCreatePoolerCa(join(dir, "ca"));
    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(ca.keyPem))).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(statSync(join(dir, "ca", "ca.key")).mode & 0o777).toBe(0o600);
    expect(loadOrCreatePoolerCa(join(dir, "ca"))).toEqual(ca);
    expect(readFileSync(join(dir, "ca", "ca.crt"), "utf8")).toBe(ca.certPem);
  });

  it("issues a project certificate for its names only, which a verifying TLS client accepts", async () => {
    const ca = loadOrCreatePoolerCa(join(dir, "ca"));
    const names = ["abcdefghijklmnopqrst.example.com", "db.abcdefghijklmnopqrst.example.com"];
    const leaf = poolerCertificate(ca, names);
    const cert = new X509Certificate(leaf.certPem);
    expect(cert.ca).toBe(false);
    expect(cert.subjectAltName).toBe(names.map((n) => `DNS:${n}`).join(", "));
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(leaf.keyPem))).toBe(true);
    expect(await handshake(leaf, ca.certPem, names[0]!)).toBe("ok");
    expect(await handshake(leaf, ca.certPem, names[1]!)).toBe("ok");
    // Another project's name, or another CA, is refused.
    await expect(handshake(leaf, ca.certPem, "other.example.com")).rejects.toThrow(/altnames|Hostname/i);
    await expect(handshake(leaf, createPoolerCa().certPem, names[0]!)).rejects.toThrow(/certificate/i);
  });

  it("gives the same certificate and key for the same names, and others for other names", () => {
    const ca = loadOrCreatePoolerCa(join(dir, "ca"));
    const a = poolerCertificate(ca, ["a.example.com"]);
    expect(poolerCertificate(ca, ["a.example.com"])).toEqual(a);
    const b = poolerCertificate(ca, ["b.example.com"]);
    expect(b.keyPem).not.toBe(a.keyPem);
    expect(new X509Certificate(b.certPem).serialNumber).not.toBe(new X509Certificate(a.certPem).serialNumber);
  });
});

describe("a project's pooler names", () => {
  it("are its host, db.<host>, and its active custom hostname when it has one", async () => {
    expect(poolerHostNames("abcdefghijklmnopqrst.example.com")).toEqual(["abcdefghijklmnopqrst.example.com", "db.abcdefghijklmnopqrst.example.com"]);
    const names = poolerHostNames("abcdefghijklmnopqrst.example.com", "db.customer.org");
    expect(names).toEqual(["abcdefghijklmnopqrst.example.com", "db.abcdefghijklmnopqrst.example.com", "db.customer.org"]);
    // A TLS client dialling the custom host verifies the project's certificate under the pooler CA.
    const ca = createPoolerCa();
    expect(await handshake(poolerCertificate(ca, names), ca.certPem, "db.customer.org")).toBe("ok");
    await expect(handshake(poolerCertificate(ca, poolerHostNames("abcdefghijklmnopqrst.example.com")), ca.certPem, "db.customer.org")).rejects.toThrow(
      /altnames|Hostname/i,
    );
  });
});
