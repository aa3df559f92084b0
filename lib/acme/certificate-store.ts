// Certificates on disk, keyed by host name: <dir>/<host>/fullchain.pem (0644)
// and privkey.pem (0600) in a 0700 directory, where nginx's master (root)
// reads them. A renewal writes both beside the old ones and renames them into
// place, so nginx never loads a key with another key's certificate. Custom
// domains (issue 29's next part) add hosts here the same way.
import { X509Certificate, createPrivateKey } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InvalidProxyInputError } from "@/lib/errors";

// Lowercase DNS names only: the name becomes a directory and an nginx server_name.
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$|^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A wildcard certificate's directory (DNS-01): "*" is no name for a directory nginx is pointed at. */
const WILDCARD_DIR = "_wildcard.";

/** The directory a certificate's name is kept in: the host name, or _wildcard.<domain> for *.<domain>. */
function dirName(name: string): string {
  return name.startsWith("*.") ? WILDCARD_DIR + checkHostname(name.slice(2)) : checkHostname(name);
}

/** Whether the certificate serves `name`: for *.<domain>, both <domain> and any one label under it. */
function names(cert: X509Certificate, name: string): boolean {
  if (!name.startsWith("*.")) return cert.checkHost(name) !== undefined;
  const domain = name.slice(2);
  return cert.checkHost(domain) !== undefined && cert.checkHost(`wildcard-check.${domain}`) !== undefined;
}

export interface HostCertificatePaths {
  certPath: string;
  keyPath: string;
}

export interface StoredCertificate extends HostCertificatePaths {
  hostname: string;
  notBefore: Date;
  notAfter: Date;
  serialNumber: string;
}

export function checkHostname(hostname: string): string {
  if (!HOSTNAME.test(hostname)) throw new InvalidProxyInputError(`not a host name: ${JSON.stringify(hostname)}`);
  return hostname;
}

// Which files a checked pair was read from: a renewal renames new files into
// place (a new inode), so an unchanged identity means an unchanged pair.
function identity(path: string): string | null {
  try {
    const st = statSync(path);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return null;
  }
}

export class CertificateStore {
  // Parsing and matching 1,000 pairs took 3.5 s on every apply (bench/acme-certificates.ts); a stat each is enough when nothing changed.
  private readonly checked = new Map<string, { files: string; value: StoredCertificate }>();

  constructor(readonly dir: string) {}

  paths(hostname: string): HostCertificatePaths {
    const d = join(this.dir, dirName(hostname));
    return { certPath: join(d, "fullchain.pem"), keyPath: join(d, "privkey.pem") };
  }

  /** Both files present and the key belongs to the certificate; else null (never a half-written pair). */
  get(hostname: string): StoredCertificate | null {
    const p = this.paths(hostname);
    const certId = identity(p.certPath);
    const keyId = identity(p.keyPath);
    if (!certId || !keyId) return null;
    const files = `${certId}|${keyId}`;
    const seen = this.checked.get(hostname);
    if (seen?.files === files) return seen.value;
    try {
      const cert = new X509Certificate(readFileSync(p.certPath));
      if (!cert.checkPrivateKey(createPrivateKey(readFileSync(p.keyPath)))) return null;
      const value = { hostname, ...p, notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo), serialNumber: cert.serialNumber };
      this.checked.set(hostname, { files, value });
      return value;
    } catch {
      return null;
    }
  }

  save(hostname: string, chainPem: string, keyPem: string): StoredCertificate {
    const p = this.paths(hostname);
    const cert = new X509Certificate(chainPem);
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) throw new Error(`the certificate issued for ${hostname} does not match its key`);
    if (!names(cert, hostname)) throw new Error(`the certificate issued for ${hostname} does not name it`);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    const d = join(this.dir, dirName(hostname));
    mkdirSync(d, { recursive: true, mode: 0o700 });
    // A process killed between writing and renaming left its temporary files: nothing reads them, so they go now.
    for (const f of readdirSync(d)) if (f.endsWith(".tmp")) rmSync(join(d, f), { force: true });
    const tmp = `.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(p.keyPath + tmp, keyPem, { mode: 0o600 });
    writeFileSync(p.certPath + tmp, chainPem, { mode: 0o644 });
    // Key first: between the renames the old certificate sits with the new
    // key, and no reload happens before both are in place (the caller applies).
    renameSync(p.keyPath + tmp, p.keyPath);
    renameSync(p.certPath + tmp, p.certPath);
    const stored = this.get(hostname);
    if (!stored) throw new Error(`the certificate for ${hostname} could not be read back`);
    return stored;
  }

  remove(hostname: string): void {
    this.checked.delete(hostname);
    rmSync(join(this.dir, dirName(hostname)), { recursive: true, force: true });
  }

  /** Host names (and *.<domain> for a wildcard) with a complete, matching pair on disk. */
  list(): StoredCertificate[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .map((name) => (name.startsWith(WILDCARD_DIR) ? `*.${name.slice(WILDCARD_DIR.length)}` : name))
      .filter((name) => HOSTNAME.test(name.replace(/^\*\./, "")))
      .map((name) => this.get(name))
      .filter((c): c is StoredCertificate => c !== null);
  }
}
