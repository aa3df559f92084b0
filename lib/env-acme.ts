// Automatic certificates (ACME, RFC 8555), parsed with the rest by lib/env.ts.
// Unset SUPAFLEET_ACME_DIRECTORY: Supafleet issues nothing, and serves HTTP
// (or the operator's own SUPAFLEET_TLS_CERT/KEY). Each error names its variable.
import { isAbsolute } from "node:path";
import { z } from "zod";

// RFC 1035 names (with _ for labels such as _acme-challenge), an optional trailing dot.
const DNS_NAME = /^(?=.{1,254}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.?$/;
const DNS_SERVER = /^([A-Za-z0-9.-]{1,253}|\[[0-9a-fA-F:]+\])(:\d{1,5})?$/;

export const acmeEnvShape = {
  // e.g. https://acme-v02.api.letsencrypt.org/directory (README: "Automatic HTTPS").
  SUPAFLEET_ACME_DIRECTORY: z
    .url()
    .refine((v) => v.startsWith("https://"), { message: "must be an https:// ACME directory URL (RFC 8555 requires TLS)" })
    .optional(),
  // The account's contact: the CA writes here about expiring certificates and policy changes.
  SUPAFLEET_ACME_EMAIL: z.email().optional(),
  // A PEM file of extra CAs trusted for the directory's own TLS: a private CA (step-ca, Pebble), never needed for Let's Encrypt.
  SUPAFLEET_ACME_CA_BUNDLE: z
    .string()
    .refine((v) => isAbsolute(v), { message: "must be an absolute path to a PEM file" })
    .optional(),
  // Where custom hostnames' DNS records are looked up (lib/domains/resolver.ts): "ip" or "ip:port", "[ipv6]:port"; unset: the system's resolvers.
  SUPAFLEET_DNS_RESOLVER: z
    .string()
    .regex(/^(\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?|\[[0-9a-fA-F:]+\](:\d{1,5})?)$/, {
      message: "must be an IP address with an optional port: 192.0.2.53 or 192.0.2.53:5353",
    })
    .optional(),
  // DNS-01 (README: "One wildcard certificate with DNS-01"): one certificate for *.<domain> and <domain>, through a DNS provider.
  SUPAFLEET_ACME_DNS_PROVIDER: z.enum(["rfc2136"]).optional(),
  // The authoritative server taking RFC 2136 updates: "host" or "host:port" (53), "[ipv6]:port".
  SUPAFLEET_ACME_DNS_SERVER: z
    .string()
    .regex(DNS_SERVER, { message: "must be a host or IP address with an optional port: ns1.example.com or 192.0.2.53:5353" })
    .optional(),
  // The zone the _acme-challenge records go into (default: SUPAFLEET_ROOT_DOMAIN; a parent zone such as example.com works too).
  SUPAFLEET_ACME_DNS_ZONE: z.string().regex(DNS_NAME, { message: "must be a DNS name such as example.com" }).optional(),
  // The TSIG key allowed to update the zone: its name, algorithm (HMAC-SHA256 only) and base64 secret, or a 0600 file holding it.
  SUPAFLEET_ACME_TSIG_KEY_NAME: z.string().regex(DNS_NAME, { message: "must be the key's name as the DNS server knows it, e.g. acme-update" }).optional(),
  SUPAFLEET_ACME_TSIG_ALGORITHM: z.enum(["hmac-sha256"]).default("hmac-sha256"),
  SUPAFLEET_ACME_TSIG_SECRET: z.base64({ message: "must be the base64 TSIG secret (tsig-keygen/keymgr -t print it)" }).optional(),
  SUPAFLEET_ACME_TSIG_SECRET_FILE: z
    .string()
    .refine((v) => isAbsolute(v), { message: "must be an absolute path to a file (mode 0600) holding the base64 secret" })
    .optional(),
};

type Parsed = z.infer<z.ZodObject<typeof acmeEnvShape>>;

export interface AcmeEnv {
  directoryUrl: string;
  email: string;
  caBundlePath: string | undefined;
  /** DNS-01 for one wildcard certificate; undefined: HTTP-01 per host. */
  dns01?: Dns01Env;
}

export interface Dns01Env {
  provider: "rfc2136";
  host: string;
  port: number;
  zone: string;
  keyName: string;
  algorithm: "hmac-sha256";
  /** A secret: never logged. Exactly one of secret and secretFile is set. */
  secret?: string;
  secretFile?: string;
}

/** Rules across variables; called from lib/env.ts's superRefine. */
export function checkAcmeEnv(e: Parsed, ctx: z.RefinementCtx): void {
  if (e.SUPAFLEET_ACME_DIRECTORY !== undefined && e.SUPAFLEET_ACME_EMAIL === undefined) {
    ctx.addIssue({ code: "custom", path: ["SUPAFLEET_ACME_EMAIL"], message: "is required with SUPAFLEET_ACME_DIRECTORY (the CA account's contact)" });
  }
  if (e.SUPAFLEET_ACME_DIRECTORY === undefined && (e.SUPAFLEET_ACME_EMAIL !== undefined || e.SUPAFLEET_ACME_CA_BUNDLE !== undefined)) {
    ctx.addIssue({ code: "custom", path: ["SUPAFLEET_ACME_DIRECTORY"], message: "is required when SUPAFLEET_ACME_EMAIL or SUPAFLEET_ACME_CA_BUNDLE is set" });
  }
  checkDns01Env(e, ctx);
}

function checkDns01Env(e: Parsed, ctx: z.RefinementCtx): void {
  const set = (
    [
      "SUPAFLEET_ACME_DNS_SERVER",
      "SUPAFLEET_ACME_DNS_ZONE",
      "SUPAFLEET_ACME_TSIG_KEY_NAME",
      "SUPAFLEET_ACME_TSIG_SECRET",
      "SUPAFLEET_ACME_TSIG_SECRET_FILE",
    ] as const
  ).filter((k) => e[k] !== undefined);
  if (e.SUPAFLEET_ACME_DNS_PROVIDER === undefined) {
    if (set.length > 0) ctx.addIssue({ code: "custom", path: ["SUPAFLEET_ACME_DNS_PROVIDER"], message: `is required when ${set.join(", ")} is set (rfc2136)` });
    return;
  }
  if (e.SUPAFLEET_ACME_DIRECTORY === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["SUPAFLEET_ACME_DIRECTORY"],
      message: "is required with SUPAFLEET_ACME_DNS_PROVIDER (DNS-01 is a way to get ACME certificates)",
    });
  }
  for (const k of ["SUPAFLEET_ACME_DNS_SERVER", "SUPAFLEET_ACME_TSIG_KEY_NAME"] as const) {
    if (e[k] === undefined) ctx.addIssue({ code: "custom", path: [k], message: "is required with SUPAFLEET_ACME_DNS_PROVIDER=rfc2136" });
  }
  if ((e.SUPAFLEET_ACME_TSIG_SECRET === undefined) === (e.SUPAFLEET_ACME_TSIG_SECRET_FILE === undefined)) {
    ctx.addIssue({
      code: "custom",
      path: ["SUPAFLEET_ACME_TSIG_SECRET"],
      message: "set exactly one of SUPAFLEET_ACME_TSIG_SECRET and SUPAFLEET_ACME_TSIG_SECRET_FILE",
    });
  }
}

function dns01EnvOf(e: Parsed, rootDomain: string): Dns01Env | undefined {
  if (e.SUPAFLEET_ACME_DNS_PROVIDER === undefined || e.SUPAFLEET_ACME_DNS_SERVER === undefined || e.SUPAFLEET_ACME_TSIG_KEY_NAME === undefined)
    return undefined;
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(e.SUPAFLEET_ACME_DNS_SERVER);
  return {
    provider: e.SUPAFLEET_ACME_DNS_PROVIDER,
    host: (m?.[1] ?? e.SUPAFLEET_ACME_DNS_SERVER).replace(/^\[|\]$/g, ""),
    port: m?.[2] ? Number(m[2]) : 53,
    zone: e.SUPAFLEET_ACME_DNS_ZONE ?? rootDomain,
    keyName: e.SUPAFLEET_ACME_TSIG_KEY_NAME,
    algorithm: e.SUPAFLEET_ACME_TSIG_ALGORITHM,
    secret: e.SUPAFLEET_ACME_TSIG_SECRET,
    secretFile: e.SUPAFLEET_ACME_TSIG_SECRET_FILE,
  };
}

/** The DNS server custom hostnames are verified with; undefined: the system's. */
export function dnsResolverOf(e: Parsed): string | undefined {
  return e.SUPAFLEET_DNS_RESOLVER;
}

export function acmeEnvOf(e: Parsed, rootDomain: string): AcmeEnv | undefined {
  if (e.SUPAFLEET_ACME_DIRECTORY === undefined || e.SUPAFLEET_ACME_EMAIL === undefined) return undefined;
  const dns01 = dns01EnvOf(e, rootDomain);
  return { directoryUrl: e.SUPAFLEET_ACME_DIRECTORY, email: e.SUPAFLEET_ACME_EMAIL, caBundlePath: e.SUPAFLEET_ACME_CA_BUNDLE, ...(dns01 ? { dns01 } : {}) };
}
