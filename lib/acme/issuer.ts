// One certificate from an ACME CA (RFC 8555) with acme-client: account (made
// once, key 0600 beside the certificates), order, HTTP-01 through the
// challenge board (nginx sends /.well-known/acme-challenge/ to the app),
// finalize with a fresh P-256 key. Retries belong to lib/acme/manager.ts's
// backoff, not to acme-client's in-process loop (which would hold an
// issuance for over a minute while the CA is down): its retries are off, and
// the CA's Retry-After and rateLimited problems are handed to the caller.
import { AsyncLocalStorage } from "node:async_hooks";
import { Agent } from "node:https";
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Client, axios as acmeAxios, crypto as acmeCrypto } from "acme-client";
import type { ChallengeBoard } from "@/lib/acme/challenges";
import { dns01Handlers, type Dns01Options } from "@/lib/acme/dns/challenge";
import { parseRetryAfter, type FailureHint } from "@/lib/acme/schedule";

export interface IssuerOptions {
  directoryUrl: string;
  email: string;
  accountKeyPath: string;
  /** extra CAs trusted for the directory's TLS (a private CA); PEM */
  caBundlePem?: string;
  board: ChallengeBoard;
  /** DNS-01 for wildcard names (*.<domain>); without it only HTTP-01 names can be issued. */
  dns01?: Dns01Options;
}

export interface Issued {
  chainPem: string;
  keyPem: string;
}

/** An issuance that failed, with what the CA said about when to come back. */
export class AcmeIssueError extends Error {
  constructor(
    message: string,
    readonly hint: FailureHint,
  ) {
    super(message);
    this.name = "AcmeIssueError";
  }
}

export interface CertificateIssuer {
  issue(hostname: string): Promise<Issued>;
}

const RATE_LIMITED = "urn:ietf:params:acme:error:rateLimited";

interface Seen extends FailureHint {
  /** a request that got no answer: ECONNREFUSED, ENOTFOUND, a TLS error… */
  networkError?: string;
}
const seen = new AsyncLocalStorage<Seen>();
let hooked = false;

// acme-client's one axios instance: record the CA's Retry-After and problem
// type (and a request that got no answer) for the issuance whose request it
// was. Our handler goes first: acme-client's own rejects with a TypeError
// instead of the network error once its retries are off (src/axios.js
// reads error.response.config when there was no response).
function hookAxios(): void {
  if (hooked) return;
  hooked = true;
  // acme-client's own setting (src/axios.js), not in its types.
  const defaults = acmeAxios.defaults as typeof acmeAxios.defaults & { acmeSettings?: { retryMaxAttempts: number } };
  if (defaults.acmeSettings) defaults.acmeSettings.retryMaxAttempts = 0;
  acmeAxios.interceptors.response.use(
    undefined,
    (err: { code?: unknown; response?: { status?: number; headers?: Record<string, unknown>; data?: unknown } }) => {
      const hint = seen.getStore();
      const r = err.response;
      if (hint && !r) hint.networkError = typeof err.code === "string" ? err.code : "no answer";
      if (hint && r?.status !== undefined && r.status >= 400) {
        const ra = parseRetryAfter(typeof r.headers?.["retry-after"] === "string" ? r.headers["retry-after"] : undefined, new Date());
        if (ra !== undefined) hint.retryAfterMs = ra;
        if (typeof r.data === "object" && r.data !== null && (r.data as { type?: unknown }).type === RATE_LIMITED) hint.rateLimited = true;
      }
      return Promise.reject(err);
    },
  );
  const handlers = acmeAxios.interceptors.response.handlers;
  const ours = handlers?.pop();
  if (handlers && ours) handlers.unshift(ours);
}

/** The account key, made on first use (0600; two processes: the first link wins). */
export async function loadOrCreateAccountKey(path: string): Promise<string> {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, await acmeCrypto.createPrivateEcdsaKey("P-256"), { mode: 0o600 });
    try {
      linkSync(tmp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  return readFileSync(path, "utf8");
}

// The CA's words, short and on one line: never a key or a CSR (acme-client's
// messages are the problem document's detail, or a network error's code).
function describe(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown };
  const msg = typeof e.message === "string" && e.message ? e.message : String(err);
  const code = typeof e.code === "string" && !msg.includes(e.code) ? ` (${e.code})` : "";
  return (msg + code)
    .replace(/-----BEGIN[\s\S]*?-----END[^-]*-----/g, "[PEM]")
    .replace(/\s+/g, " ")
    .slice(0, 500);
}

export class AcmeIssuer implements CertificateIssuer {
  private client: Client | null = null;

  constructor(private readonly opts: IssuerOptions) {
    hookAxios();
    if (opts.caBundlePem) acmeAxios.defaults.httpsAgent = new Agent({ ca: opts.caBundlePem, keepAlive: false });
  }

  private async account(): Promise<Client> {
    this.client ??= new Client({
      directoryUrl: this.opts.directoryUrl,
      accountKey: await loadOrCreateAccountKey(this.opts.accountKeyPath),
      // Polling a pending order or authorization: from half a second (acme-client's 5 s made each issue take ~9 s), up to 10 s apart.
      backoffMin: 500,
      backoffMax: 10_000,
      backoffAttempts: 12,
    });
    return this.client;
  }

  issue(hostname: string): Promise<Issued> {
    const hint: Seen = {};
    return seen.run(hint, async () => {
      try {
        const client = await this.account();
        const key = await acmeCrypto.createPrivateEcdsaKey("P-256");
        const wildcard = hostname.startsWith("*.");
        // A wildcard certificate names its domain too: the panel is served with it (lib/acme/hosts.ts).
        const altNames = wildcard ? [hostname, hostname.slice(2)] : [hostname];
        const [, csr] = await acmeCrypto.createCsr({ commonName: hostname, altNames }, key);
        const board = this.opts.board;
        if (wildcard && !this.opts.dns01) throw new Error(`${hostname} needs DNS-01 (SUPAFLEET_ACME_DNS_PROVIDER), which is not configured`);
        const dns = this.opts.dns01 ? dns01Handlers(this.opts.dns01) : null;
        const chainPem = await client
          .auto({
            csr,
            email: this.opts.email,
            termsOfServiceAgreed: true,
            // CAs accept only DNS-01 for a wildcard (RFC 8555 §7.1.3); its bare domain is proven the same way, in the same zone.
            challengePriority: wildcard ? ["dns-01"] : ["http-01"],
            // The CA checks; acme-client's own pre-check would fetch port 80 from here, which a NAT or a test port defeats.
            skipChallengeVerification: true,
            challengeCreateFn: async (authz, challenge, keyAuthorization) =>
              challenge.type === "dns-01" && dns ? dns.create(authz.identifier.value, keyAuthorization) : board.put(challenge.token, keyAuthorization),
            challengeRemoveFn: async (authz, challenge, keyAuthorization) =>
              challenge.type === "dns-01" && dns ? dns.remove(authz.identifier.value, keyAuthorization) : board.take(challenge.token),
          })
          .finally(() => dns?.sweep());
        return { chainPem, keyPem: key.toString("utf8") };
      } catch (err) {
        const { networkError, ...rest } = hint;
        const message = networkError ? `cannot reach the CA at ${new URL(this.opts.directoryUrl).origin} (${networkError})` : describe(err);
        throw new AcmeIssueError(message, rest);
      }
    });
  }
}
