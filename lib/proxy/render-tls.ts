// TLS per host for renderNginxConfig, kept apart from the routing so either
// can change alone. Three cases, per server name:
//  - the operator's certificate (SUPAFLEET_TLS_CERT/KEY) wins where set: every
//    server speaks HTTPS with it, and port 80 redirects (as before ACME);
//  - a certificate Supafleet issued (lib/acme) for that exact name: the server
//    speaks HTTPS with it, and port 80 answers the CA's HTTP-01 requests and
//    redirects everything else;
//  - no certificate yet: the server speaks plain HTTP, unbroken, and answers
//    HTTP-01 requests so the first certificate can be issued.
// Pure: the same settings and calls give the same text.
import { InvalidProxyInputError } from "@/lib/errors";

export interface Listen {
  host?: string;
  port: number;
}

export interface TlsSettings {
  httpListen: Listen;
  /** The operator's own certificate, for the root domain and every name under it. */
  tls?: { certPath: string; keyPath: string; httpsListen: Listen };
  /** Automatic certificates: where the app answers HTTP-01, the HTTPS port, and the certificates issued so far by host name. */
  acme?: { httpsListen: Listen; certificates: Readonly<Record<string, { certPath: string; keyPath: string; serial?: string }>> };
  /** The app, which answers /.well-known/acme-challenge/<token> at /api/acme/challenge/<token>. */
  appUpstream: { host: string; port: number };
}

const PATH = /^\/[A-Za-z0-9._\/-]*$/;
const ADDRESS = /^[A-Za-z0-9.-]{1,253}$/;
const SERIAL = /^[0-9A-Fa-f]{1,64}$/;

function checkPath(p: string, what: string): string {
  if (!PATH.test(p) || p.includes("..")) throw new InvalidProxyInputError(`${what} is not a safe absolute path: ${JSON.stringify(p)}`);
  return p;
}

function listenLine(l: Listen, extra = ""): string {
  if (!Number.isInteger(l.port) || l.port < 1 || l.port > 65535) throw new InvalidProxyInputError(`listen port must be a port number, got ${String(l.port)}`);
  if (l.host !== undefined && !ADDRESS.test(l.host)) throw new InvalidProxyInputError(`listen host is not a host: ${JSON.stringify(l.host)}`);
  return `listen ${l.host ? `${l.host}:` : ""}${l.port}${extra};`;
}

/** The location sending the CA's HTTP-01 fetches to the app (RFC 8555 §8.3); ^~ so no other location takes them. */
export function challengeLocation(s: Pick<TlsSettings, "appUpstream">): string {
  const { host, port } = s.appUpstream;
  if (!ADDRESS.test(host) || !Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidProxyInputError("app upstream is not host:port");
  return `location ^~ /.well-known/acme-challenge/ {
    proxy_pass http://${host}:${port}/api/acme/challenge/;
    proxy_set_header Host $host;
    proxy_set_header X-Real-IP $remote_addr;
  }`;
}

export interface TlsPlan {
  /** The listen lines (and, on plain HTTP with ACME, the challenge location) opening the server block for `name`. */
  listen(name: string): string;
  /** Servers to add once every block is rendered: port 80 for the names that now speak HTTPS, and the HTTPS catch-all. */
  servers(): string[];
}

export function planTls(s: TlsSettings): TlsPlan {
  const secured: string[] = [];
  const acme = s.acme;
  // A name's own certificate, else a wildcard one label up (*.<domain> from DNS-01, lib/acme/hosts.ts).
  const certFor = (name: string) => {
    if (!acme) return undefined;
    const wildcard = name.startsWith("*.") ? null : `*.${name.slice(name.indexOf(".") + 1)}`;
    if (Object.hasOwn(acme.certificates, name)) return acme.certificates[name];
    return wildcard && name.includes(".") && Object.hasOwn(acme.certificates, wildcard) ? acme.certificates[wildcard] : undefined;
  };
  return {
    listen(name) {
      if (s.tls) {
        return `${listenLine(s.tls.httpsListen, " ssl")}
  ssl_certificate ${checkPath(s.tls.certPath, "TLS certificate path")};
  ssl_certificate_key ${checkPath(s.tls.keyPath, "TLS key path")};`;
      }
      const cert = certFor(name);
      if (acme && cert) {
        if (!secured.includes(name)) secured.push(name);
        if (cert.serial !== undefined && !SERIAL.test(cert.serial)) throw new InvalidProxyInputError(`certificate serial of ${name} is not hex`);
        // The serial changes the file on renewal, so the applier reloads and nginx reads the new pair (same paths).
        return `${listenLine(acme.httpsListen, " ssl")}
  ssl_certificate ${checkPath(cert.certPath, `certificate path of ${name}`)};
  ssl_certificate_key ${checkPath(cert.keyPath, `key path of ${name}`)};${cert.serial ? `\n  # serial ${cert.serial}` : ""}`;
      }
      return acme ? `${listenLine(s.httpListen)}\n  ${challengeLocation(s)}` : listenLine(s.httpListen);
    },
    servers() {
      if (!acme || s.tls || secured.length === 0) return [];
      return [
        // 308 keeps the method and body: API clients POSTing to http:// still work.
        `server {
  ${listenLine(s.httpListen)}
  server_name ${secured.join(" ")};
  ${challengeLocation(s)}
  location / { return 308 https://$host$request_uri; }
}`,
        // No certificate is offered to a name we have none for (nor to clients without SNI).
        `server {
  ${listenLine(acme.httpsListen, " ssl default_server")}
  server_name _;
  ssl_reject_handshake on;
  return 444;
}`,
      ];
    },
  };
}
