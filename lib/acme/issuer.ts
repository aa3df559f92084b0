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
import { parseRetryAfter, type FailureHint } from "@/lib/acme/schedule";

export interface IssuerOptions {
  directoryUrl: string;
  email: string;
  accountKeyPath: string;
  /** extra CAs trusted for the directory's TLS (a private CA); PEM */
  caBundlePem?: string;
  board: ChallengeBoard;
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
const seen = new AsyncLocalStorage<FailureHint>();
let hooked = false;

// acme-client's one axios instance: record the CA's Retry-After and problem
// type for the issuance whose request it was.
function hookAxios(): void {
  if (hooked) return;
  hooked = true;
  // acme-client's own setting (src/axios.js), not in its types.
  const defaults = acmeAxios.defaults as typeof acmeAxios.defaults & { acmeSettings?: { retryMaxAttempts: number } };
  if (defaults.acmeSettings) defaults.acmeSettings.retryMaxAttempts = 0;
  const note = (status: number | undefined, headers: Record<string, unknown> | undefined, data: unknown) => {
    const hint = seen.getStore();
    if (!hint || status === undefined || status < 400) return;
    const ra = parseRetryAfter(typeof headers?.["retry-after"] === "string" ? headers["retry-after"] : undefined, new Date());
    if (ra !== undefined) hint.retryAfterMs = ra;
    if (typeof data === "object" && data !== null && (data as { type?: unknown }).type === RATE_LIMITED) hint.rateLimited = true;
  };
  acmeAxios.interceptors.response.use(
    (r) => {
      note(r.status, r.headers as Record<string, unknown>, r.data);
      return r;
    },
    (err: { response?: { status?: number; headers?: Record<string, unknown>; data?: unknown } }) => {
      note(err.response?.status, err.response?.headers, err.response?.data);
      return Promise.reject(err);
    },
  );
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
  return (msg + code).replace(/-----BEGIN[\s\S]*?-----END[^-]*-----/g, "[PEM]").replace(/\s+/g, " ").slice(0, 500);
}

export class AcmeIssuer implements CertificateIssuer {
  private client: Client | null = null;

  constructor(private readonly opts: IssuerOptions) {
    hookAxios();
    if (opts.caBundlePem) acmeAxios.defaults.httpsAgent = new Agent({ ca: opts.caBundlePem, keepAlive: false });
  }

  private async account(): Promise<Client> {
    this.client ??= new Client({ directoryUrl: this.opts.directoryUrl, accountKey: await loadOrCreateAccountKey(this.opts.accountKeyPath) });
    return this.client;
  }

  issue(hostname: string): Promise<Issued> {
    const hint: FailureHint = {};
    return seen.run(hint, async () => {
      try {
        const client = await this.account();
        const key = await acmeCrypto.createPrivateEcdsaKey("P-256");
        const [, csr] = await acmeCrypto.createCsr({ commonName: hostname, altNames: [hostname] }, key);
        const board = this.opts.board;
        const chainPem = await client.auto({
          csr,
          email: this.opts.email,
          termsOfServiceAgreed: true,
          challengePriority: ["http-01"],
          // The CA checks; acme-client's own pre-check would fetch port 80 from here, which a NAT or a test port defeats.
          skipChallengeVerification: true,
          challengeCreateFn: async (_authz, challenge, keyAuthorization) => board.put(challenge.token, keyAuthorization),
          challengeRemoveFn: async (_authz, challenge) => board.take(challenge.token),
        });
        return { chainPem, keyPem: key.toString("utf8") };
      } catch (err) {
        throw new AcmeIssueError(describe(err), { ...hint });
      }
    });
  }
}
