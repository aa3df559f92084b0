// Keeps a certificate for every host Supafleet serves (the panel's domain and
// each project's <ref>.<domain>): issued on first need, renewed once two
// thirds of its lifetime has passed, retried with backoff after a failure.
// One issuance at a time. The files on disk (lib/acme/certificate-store.ts)
// are the truth about what is issued: an app killed mid-issue leaves either no
// pair or a complete one, and nginx is only pointed at complete pairs. The
// database row holds the schedule and the last error for the admin console.
import type { Db } from "@/lib/db/client";
import type { CertificateStore } from "@/lib/acme/certificate-store";
import { AcmeIssueError, type CertificateIssuer } from "@/lib/acme/issuer";
import { backoffDelay, isDue, nextAttempt } from "@/lib/acme/schedule";

export interface AcmeManagerOptions {
  db: Db;
  store: CertificateStore;
  issuer: CertificateIssuer;
  /** Every host name that should have a certificate now. */
  wantedHosts: () => Promise<string[]>;
  /** Re-render nginx so a new or renewed certificate is served. */
  applyProxy: () => Promise<unknown>;
  now?: () => Date;
  /** How often the schedule is looked at (default 60 s); kick() looks sooner. */
  intervalMs?: number;
  log?: Pick<Console, "info" | "warn">;
}

export interface TickReport {
  issued: string[];
  failed: { hostname: string; error: string; nextAttemptAt: Date }[];
  removed: string[];
}

export interface CertificateView {
  hostname: string;
  notBefore: Date | null;
  notAfter: Date | null;
  issuedAt: Date | null;
  failures: number;
  lastError: string | null;
  lastErrorAt: Date | null;
  /** when the next issue or renewal will be tried */
  nextAttemptAt: Date;
}

const KICK_DELAY_MS = 1000;

export class AcmeManager {
  private running: Promise<TickReport> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private kickTimer: NodeJS.Timeout | null = null;
  private readonly now: () => Date;
  private readonly log: Pick<Console, "info" | "warn">;

  constructor(private readonly opts: AcmeManagerOptions) {
    this.now = opts.now ?? (() => new Date());
    this.log = opts.log ?? console;
  }

  /** Looks at every wanted host once; concurrent calls share the run (and one more follows if asked meanwhile). */
  tick(): Promise<TickReport> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = this.runOnce().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
    this.running = run;
    return run;
  }

  /** A tick soon: a project was added, or a host was routed. */
  kick(): void {
    if (this.kickTimer) return;
    this.kickTimer = setTimeout(() => {
      this.kickTimer = null;
      this.tick().catch((err: unknown) => this.log.warn(`[supafleet] certificates: ${err instanceof Error ? err.message : String(err)}`));
    }, KICK_DELAY_MS);
    this.kickTimer.unref();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.kick(), this.opts.intervalMs ?? 60_000);
    this.timer.unref();
    this.kick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.kickTimer) clearTimeout(this.kickTimer);
    this.timer = this.kickTimer = null;
  }

  /** Each wanted host's certificate and schedule, for the admin console. */
  async list(): Promise<CertificateView[]> {
    const now = this.now();
    const rows = await this.opts.db.certificate.findMany({ orderBy: { hostname: "asc" } });
    return rows.map((r) => {
      const disk = this.opts.store.get(r.hostname);
      const state = { notBefore: disk?.notBefore ?? null, notAfter: disk?.notAfter ?? null, failures: r.failures, nextAttemptAt: r.nextAttemptAt };
      return {
        hostname: r.hostname,
        notBefore: state.notBefore,
        notAfter: state.notAfter,
        issuedAt: r.issuedAt,
        failures: r.failures,
        lastError: r.lastError,
        lastErrorAt: r.lastErrorAt,
        nextAttemptAt: nextAttempt(state, now),
      };
    });
  }

  private async runOnce(): Promise<TickReport> {
    const { db, store } = this.opts;
    const report: TickReport = { issued: [], failed: [], removed: [] };
    const wanted = [...new Set(await this.opts.wantedHosts())].sort();
    const rows = new Map((await db.certificate.findMany()).map((r) => [r.hostname, r]));
    // A deleted project's certificate goes with it.
    for (const hostname of rows.keys()) {
      if (wanted.includes(hostname)) continue;
      store.remove(hostname);
      await db.certificate.delete({ where: { hostname } });
      report.removed.push(hostname);
    }
    for (const hostname of wanted) {
      const row = rows.get(hostname);
      const disk = store.get(hostname);
      const state = {
        notBefore: disk?.notBefore ?? null,
        notAfter: disk?.notAfter ?? null,
        failures: row?.failures ?? 0,
        nextAttemptAt: row?.nextAttemptAt ?? null,
      };
      const now = this.now();
      if (!isDue(state, now)) continue;
      try {
        const issued = await this.opts.issuer.issue(hostname);
        const saved = store.save(hostname, issued.chainPem, issued.keyPem);
        const data = {
          notBefore: saved.notBefore,
          notAfter: saved.notAfter,
          issuedAt: now,
          failures: 0,
          lastError: null,
          lastErrorAt: null,
          nextAttemptAt: null,
        };
        await db.certificate.upsert({ where: { hostname }, create: { hostname, ...data }, update: data });
        report.issued.push(hostname);
        this.log.info(`[supafleet] certificate ${disk ? "renewed" : "issued"} for ${hostname}, valid until ${saved.notAfter.toISOString()}`);
        await this.opts.applyProxy();
      } catch (err) {
        const failures = state.failures + 1;
        const hint = err instanceof AcmeIssueError ? err.hint : {};
        const error = err instanceof Error ? err.message.slice(0, 500) : String(err).slice(0, 500);
        const nextAttemptAt = new Date(now.getTime() + backoffDelay(failures, hint));
        const data = { failures, lastError: error, lastErrorAt: now, nextAttemptAt };
        await db.certificate.upsert({ where: { hostname }, create: { hostname, ...data }, update: data });
        report.failed.push({ hostname, error, nextAttemptAt });
        this.log.warn(`[supafleet] certificate for ${hostname} failed (${failures} in a row), next attempt ${nextAttemptAt.toISOString()}: ${error}`);
      }
    }
    // Removed pairs must leave nginx's config even when nothing new was issued (e.g. per-host certificates replaced by a DNS-01 wildcard that failed).
    if (report.removed.length > 0 && report.issued.length === 0) await this.opts.applyProxy();
    return report;
  }
}
