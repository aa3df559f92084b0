// The installation's pooler CA: each project's Supavisor terminates Postgres
// TLS with a certificate of its own, for its own host names only, issued by
// this CA. The installation's own certificate and key (the panel's and
// *.<domain>'s) never go into a tenant stack: tenant code runs beside the
// pooler and could read it (security review round two, "the installation's
// TLS key stays out of tenant stacks"). Clients that verify (sslmode=verify-full)
// trust this CA's certificate, shown on the project page.
//
// A project's certificate is a pure function of the CA and the project's host
// names: its key is derived from the CA key (HMAC), its serial from the names,
// and RSA signatures are deterministic, so every stack spec built for a project
// carries the same bytes (a Swarm converge sees no change; a restart does not
// rotate it). Rotating the CA rotates every project's certificate.
import { createECDH, createHmac, createPrivateKey, generateKeyPairSync, X509Certificate, type KeyObject } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { issueCertificate } from "@/lib/crypto/x509";

export interface PoolerCa {
  certPem: string;
  keyPem: string;
}

const ORG = "Supafleet";
const CA_CN = "Supafleet pooler CA";
const DAY = 24 * 3600 * 1000;
// Fixed validity for project certificates: the CA's own window, so that the
// certificate depends on nothing but the CA and the names.
const CA_YEARS = 20;

function caKey(ca: PoolerCa): KeyObject {
  return createPrivateKey(ca.keyPem);
}

/** A new CA: RSA 3072, self-signed, valid for 20 years from yesterday (clock skew). */
export function createPoolerCa(now = new Date()): PoolerCa {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 3072 });
  const notBefore = new Date(now.getTime() - DAY);
  const certPem = issueCertificate({
    subjectCn: CA_CN,
    ca: true,
    notBefore,
    notAfter: new Date(notBefore.getTime() + CA_YEARS * 365 * DAY),
    publicKey,
    issuer: { cn: CA_CN, privateKey },
    organization: ORG,
    serial: createHmac("sha256", "serial").update(now.toISOString()).digest().subarray(0, 16),
  });
  return { certPem, keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
}

/**
 * The CA kept in `dir` (ca.crt 0644, ca.key 0600), made on first use. Two
 * processes starting together: the first file linked into place wins and the
 * other reads it.
 */
export function loadOrCreatePoolerCa(dir: string): PoolerCa {
  const certPath = join(dir, "ca.crt");
  const keyPath = join(dir, "ca.key");
  if (!existsSync(keyPath)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const ca = createPoolerCa();
    const tmpKey = `${keyPath}.${process.pid}.tmp`;
    const tmpCert = `${certPath}.${process.pid}.tmp`;
    writeFileSync(tmpKey, ca.keyPem, { mode: 0o600 });
    writeFileSync(tmpCert, ca.certPem, { mode: 0o644 });
    try {
      // The certificate first: whoever sees the key also finds its certificate.
      linkSync(tmpCert, certPath);
      linkSync(tmpKey, keyPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    } finally {
      rmSync(tmpKey, { force: true });
      rmSync(tmpCert, { force: true });
    }
  }
  const ca = { certPem: readFileSync(certPath, "utf8"), keyPem: readFileSync(keyPath, "utf8") };
  if (!new X509Certificate(ca.certPem).checkPrivateKey(createPrivateKey(ca.keyPem))) {
    throw new Error(`${certPath} and ${keyPath} do not belong together`);
  }
  return ca;
}

/**
 * The names a project's pooler answers for: its host (lib/stack/address.ts),
 * db.<host> where the Supabase CLI dials Postgres, and its active custom
 * hostname (issue 29: "its own host: `<ref>.<domain>`, or the custom host").
 * The certificate changes with the custom host, and the pooler is made again then (lib/domains/service.ts).
 */
export function poolerHostNames(projectHost: string, customHost?: string | null): string[] {
  return customHost && customHost !== projectHost ? [projectHost, `db.${projectHost}`, customHost] : [projectHost, `db.${projectHost}`];
}

/** The P-256 key of a project's certificate, derived from the CA key and the names. */
function derivedKey(ca: PoolerCa, names: readonly string[]): KeyObject {
  const secret = caKey(ca).export({ type: "pkcs8", format: "der" });
  for (let counter = 0; ; counter++) {
    const d = createHmac("sha256", secret)
      .update(`pooler-key\0${counter}\0${names.join("\0")}`)
      .digest();
    const ecdh = createECDH("prime256v1");
    try {
      // Refused for the rare value outside [1, n-1]; the next counter gives another.
      ecdh.setPrivateKey(d);
    } catch {
      continue;
    }
    const point = ecdh.getPublicKey();
    return createPrivateKey({
      key: {
        kty: "EC",
        crv: "P-256",
        d: d.toString("base64url"),
        x: point.subarray(1, 33).toString("base64url"),
        y: point.subarray(33, 65).toString("base64url"),
      },
      format: "jwk",
    });
  }
}

/** A project's pooler certificate and key (PEM) for `names` (its host names), signed by the CA. */
export function poolerCertificate(ca: PoolerCa, names: readonly string[]): { certPem: string; keyPem: string } {
  if (names.length === 0) throw new RangeError("a pooler certificate needs at least one host name");
  const caCert = new X509Certificate(ca.certPem);
  const key = derivedKey(ca, names);
  const certPem = issueCertificate({
    subjectCn: names[0]!,
    dnsNames: [...names],
    notBefore: new Date(caCert.validFrom),
    notAfter: new Date(caCert.validTo),
    publicKey: key,
    issuer: { cn: CA_CN, privateKey: caKey(ca) },
    organization: ORG,
    serial: createHmac("sha256", ca.certPem).update(names.join("\0")).digest().subarray(0, 16),
  });
  return { certPem, keyPem: key.export({ type: "pkcs8", format: "pem" }).toString() };
}
