// Automatic certificates (ACME, RFC 8555), parsed with the rest by lib/env.ts.
// Unset SUPAFLEET_ACME_DIRECTORY: Supafleet issues nothing, and serves HTTP
// (or the operator's own SUPAFLEET_TLS_CERT/KEY). Each error names its variable.
import { isAbsolute } from "node:path";
import { z } from "zod";

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
};

type Parsed = z.infer<z.ZodObject<typeof acmeEnvShape>>;

export interface AcmeEnv {
  directoryUrl: string;
  email: string;
  caBundlePath: string | undefined;
}

/** Rules across variables; called from lib/env.ts's superRefine. */
export function checkAcmeEnv(e: Parsed, ctx: z.RefinementCtx): void {
  if (e.SUPAFLEET_ACME_DIRECTORY !== undefined && e.SUPAFLEET_ACME_EMAIL === undefined) {
    ctx.addIssue({ code: "custom", path: ["SUPAFLEET_ACME_EMAIL"], message: "is required with SUPAFLEET_ACME_DIRECTORY (the CA account's contact)" });
  }
  if (e.SUPAFLEET_ACME_DIRECTORY === undefined && (e.SUPAFLEET_ACME_EMAIL !== undefined || e.SUPAFLEET_ACME_CA_BUNDLE !== undefined)) {
    ctx.addIssue({ code: "custom", path: ["SUPAFLEET_ACME_DIRECTORY"], message: "is required when SUPAFLEET_ACME_EMAIL or SUPAFLEET_ACME_CA_BUNDLE is set" });
  }
}

/** The DNS server custom hostnames are verified with; undefined: the system's. */
export function dnsResolverOf(e: Parsed): string | undefined {
  return e.SUPAFLEET_DNS_RESOLVER;
}

export function acmeEnvOf(e: Parsed): AcmeEnv | undefined {
  if (e.SUPAFLEET_ACME_DIRECTORY === undefined || e.SUPAFLEET_ACME_EMAIL === undefined) return undefined;
  return { directoryUrl: e.SUPAFLEET_ACME_DIRECTORY, email: e.SUPAFLEET_ACME_EMAIL, caBundlePath: e.SUPAFLEET_ACME_CA_BUNDLE };
}
