// A project's custom hostname, through Supabase's flow (its Management API's
// custom-hostname operations; states in lib/domains/status.ts):
//   initialize → the owner creates the records shown → reverify (the
//   configured resolver finds them) → the certificate is issued (lib/acme) →
//   activate (nginx serves the project there; Auth and Storage restart alone
//   with the new public URL) → delete reverses all of it.
// Every step takes the project's lock and checks ownership; a step that finds
// the records wrong changes nothing. One hostname belongs to one project in
// the installation (a unique column, so two owners racing cannot both win).
import type { SessionUser } from "@/lib/auth/actor";
import { parseOrThrow } from "@/lib/auth/actor";
import { ACTIVE_STATUSES, EVENT, isStatusIn } from "@/lib/domain";
import { ConflictError, InvalidStateError, NotFoundError, RateLimitedError } from "@/lib/errors";
import type { RequestLimiter } from "@/lib/api/rate-limit";
import { applyProxy, type ProjectContext } from "@/lib/projects/context";
import { recordEvent } from "@/lib/projects/events";
import { findOwned } from "@/lib/projects/queries";
import { applySettings, type ServiceSettings } from "@/lib/projects/service-settings";
import { projectAddress, projectPublicUrl } from "@/lib/stack/address";
import { customHostnameSchema } from "@/lib/validations/custom-domain";
import { checkRecords, newOwnershipToken, recordsFor, type DnsLookup } from "@/lib/domains/records";
import { HOSTNAME_STATUS, isHostnameStatus, settledStatus } from "@/lib/domains/status";
import type { CustomDomainView } from "@/lib/domains/view";

export type { CustomDomainView } from "@/lib/domains/view";

export interface CertificateSource {
  /** The installation issues certificates itself (SUPAFLEET_ACME_DIRECTORY). */
  acme: boolean;
  /** A complete certificate for the host is on disk. */
  issued(hostname: string): boolean;
  /** Look at the wanted certificates soon (the ACME manager's kick). */
  kick(): void;
}

export interface CustomDomainDeps {
  dns: DnsLookup;
  certificates: CertificateSource;
  /** Verifications per project: each one is two lookups at the configured resolver (the composition root allows 10 a minute). */
  verifyLimiter?: RequestLimiter;
}

// Auth and Storage take the public URL from the spec (lib/projects/context.ts specFor): each is made again alone.
// With the pooler CA, so does the pooler: its certificate names the active custom hostname (lib/crypto/pooler-ca.ts).
const restarted = (service: "auth" | "storage" | "supavisor"): ServiceSettings => ({
  service,
  what: "Custom domain",
  saved: EVENT.customDomainChanged,
  applied: EVENT.customDomainApplied,
  applyFailed: EVENT.customDomainApplyFailed,
  appliedMessage: service === "supavisor" ? "the pooler serves a certificate for the project's hosts" : `${service} runs with the project's new public URL`,
  failedReason:
    service === "supavisor"
      ? "The pooler did not come back with its new certificate"
      : `${service === "auth" ? "Auth" : "Storage"} did not come back with the new public URL`,
});

type Row = {
  ref: string;
  hostname: string;
  status: string;
  txtToken: string;
  lastError: string | null;
  createdAt: Date;
  verifiedAt: Date | null;
  activatedAt: Date | null;
};

export class CustomDomainService {
  constructor(
    private readonly ctx: ProjectContext,
    private readonly deps: CustomDomainDeps,
  ) {}

  private target(ref: string): string {
    return projectAddress(ref, this.ctx.config).host;
  }

  private view(row: Row): CustomDomainView {
    const status = isHostnameStatus(row.status) ? row.status : HOSTNAME_STATUS.initiated;
    const target = this.target(row.ref);
    return {
      ref: row.ref,
      hostname: row.hostname,
      status,
      target,
      records: recordsFor(row.hostname, target, row.txtToken),
      lastError: row.lastError,
      url: projectPublicUrl(row.ref, this.ctx.config, row.hostname),
      createdAt: row.createdAt,
      verifiedAt: row.verifiedAt,
      activatedAt: row.activatedAt,
    };
  }

  /** A verified hostname whose certificate has arrived is ready to activate: stored as such when seen. */
  private async settle(row: Row): Promise<Row> {
    if (!isHostnameStatus(row.status)) return row;
    const next = settledStatus(row.status, { acme: this.deps.certificates.acme, issued: this.deps.certificates.issued(row.hostname) });
    if (next === row.status) return row;
    return this.ctx.db.customDomain.update({ where: { ref: row.ref }, data: { status: next } });
  }

  /** The project's hostname row, for someone whose role allows `action` on the project (lib/orgs/permissions.ts). */
  private async owned(actor: SessionUser, ref: string, action: "project.read" | "project.settings"): Promise<Row> {
    await findOwned(this.ctx, actor, ref, { action });
    const row = await this.ctx.db.customDomain.findUnique({ where: { ref } });
    if (!row) throw new NotFoundError("This project has no custom hostname. Add one first.");
    return row;
  }

  /** The project's custom hostname and where it is in the flow (v1-get-hostname-config). */
  async get(actor: SessionUser, ref: string): Promise<CustomDomainView> {
    return this.view(await this.settle(await this.owned(actor, ref, "project.read")));
  }

  /** The project's custom hostname, or null when it has none (the project page). */
  async find(actor: SessionUser, ref: string): Promise<CustomDomainView | null> {
    await findOwned(this.ctx, actor, ref, { action: "project.read" });
    const row = await this.ctx.db.customDomain.findUnique({ where: { ref } });
    return row ? this.view(await this.settle(row)) : null;
  }

  /**
   * Names the hostname (v1-update-hostname-config): the records to create are
   * shown. Naming the same hostname again keeps its token; another one
   * replaces the claim, unless the current one is active (delete it first).
   */
  async initialize(actor: SessionUser, ref: string, input: unknown): Promise<CustomDomainView> {
    const { custom_hostname: hostname } = parseOrThrow(customHostnameSchema(this.ctx.config.rootDomain), input);
    return this.ctx.jobs.withLock(ref, async () => {
      await findOwned(this.ctx, actor, ref, { action: "project.settings" });
      const current = await this.ctx.db.customDomain.findUnique({ where: { ref } });
      if (current?.hostname === hostname) return this.view(await this.settle(current));
      if (current?.status === HOSTNAME_STATUS.active)
        throw new InvalidStateError(`${current.hostname} is active on this project; delete it before adding another hostname.`);
      const taken = await this.ctx.db.customDomain.findUnique({ where: { hostname } });
      if (taken) throw new ConflictError(`${hostname} is already used by another project on this server.`);
      const data = { hostname, status: HOSTNAME_STATUS.initiated, txtToken: newOwnershipToken(), lastError: null, verifiedAt: null, activatedAt: null };
      try {
        const row = current
          ? await this.ctx.db.customDomain.update({ where: { ref }, data })
          : await this.ctx.db.customDomain.create({ data: { ref, ...data } });
        // A replaced claim that was verified had a route and a certificate: both go.
        if (current) {
          await applyProxy(this.ctx);
          this.deps.certificates.kick();
        }
        return this.view(row);
      } catch (err) {
        // Another project took it between the look and the write (the unique index decided).
        if ((err as { code?: unknown }).code === "P2002") throw new ConflictError(`${hostname} is already used by another project on this server.`);
        throw err;
      }
    });
  }

  /**
   * Looks the records up with the configured resolver (v1-verify-dns-config).
   * Both found: verified, nginx answers the CA for the hostname and its
   * certificate is asked for. Not found: an error naming what is missing,
   * and the state stays as it was.
   */
  async reverify(actor: SessionUser, ref: string): Promise<CustomDomainView> {
    return this.ctx.jobs.withLock(ref, async () => {
      const row = await this.owned(actor, ref, "project.settings");
      if (row.status !== HOSTNAME_STATUS.initiated) return this.view(await this.settle(row));
      const decision = await this.deps.verifyLimiter?.consume(`custom-domain-verify:${ref}`);
      if (decision && !decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds, "DNS verifications of this project");
      const check = await checkRecords(this.deps.dns, row.hostname, this.target(ref), row.txtToken);
      if (!check.ok) {
        const message = check.problems.join(" ");
        await this.ctx.db.customDomain.update({ where: { ref }, data: { lastError: message } });
        throw new InvalidStateError(`The DNS records of ${row.hostname} are not in place yet: ${message}`);
      }
      const verified = await this.ctx.db.customDomain.update({
        where: { ref },
        data: { status: HOSTNAME_STATUS.verified, verifiedAt: new Date(), lastError: null },
      });
      await applyProxy(this.ctx);
      this.deps.certificates.kick();
      return this.view(await this.settle(verified));
    });
  }

  /**
   * Serves the project at the hostname (v1-activate-custom-hostname): nginx
   * routes it with its certificate, and Auth and Storage restart alone with
   * the new public URL (a paused project gets it at its next start).
   */
  async activate(actor: SessionUser, ref: string): Promise<CustomDomainView> {
    return this.ctx.jobs.withLock(ref, async () => {
      const p = await findOwned(this.ctx, actor, ref, { action: "project.settings" });
      const row = await this.owned(actor, ref, "project.settings").then((r) => this.settle(r));
      if (row.status === HOSTNAME_STATUS.active) return this.view(row);
      if (row.status !== HOSTNAME_STATUS.originReady)
        throw new InvalidStateError(
          row.status === HOSTNAME_STATUS.verified
            ? `The certificate for ${row.hostname} is not issued yet; try again in a minute.`
            : `Verify the DNS records of ${row.hostname} first.`,
        );
      const active = await this.ctx.db.customDomain.update({ where: { ref }, data: { status: HOSTNAME_STATUS.active, activatedAt: new Date() } });
      await applyProxy(this.ctx);
      await this.restartPublicServices(p, `Custom domain ${row.hostname} activated`);
      return this.view(active);
    });
  }

  /** Reverses everything (v1-Delete hostname config): the route, the certificate (the manager drops it), the public URL. */
  async remove(actor: SessionUser, ref: string): Promise<void> {
    await this.ctx.jobs.withLock(ref, async () => {
      const p = await findOwned(this.ctx, actor, ref, { action: "project.settings" });
      const row = await this.owned(actor, ref, "project.settings");
      await this.ctx.db.customDomain.delete({ where: { ref } });
      await applyProxy(this.ctx);
      this.deps.certificates.kick();
      if (row.status === HOSTNAME_STATUS.active) await this.restartPublicServices(p, `Custom domain ${row.hostname} deleted`);
    });
  }

  // Under the caller's lock (a project's jobs run under it too, so none is running now): the job queues
  // behind it and makes auth, then storage, again from the spec as the row says when it runs.
  private async restartPublicServices(p: { id: string; ref: string; status: string }, what: string): Promise<void> {
    const running = isStatusIn(p.status, ACTIVE_STATUSES);
    const services = this.ctx.config.poolerCa ? (["auth", "storage", "supavisor"] as const) : (["auth", "storage"] as const);
    await recordEvent(
      this.ctx.db,
      p,
      "INFO",
      EVENT.customDomainChanged,
      running ? `${what}; restarting ${services.join(", ")} only` : `${what}; it applies when the project starts`,
    );
    if (!running) return;
    this.ctx.jobs.start(p.ref, async (signal) => {
      for (const s of services) await applySettings(this.ctx, p.id, restarted(s), signal);
    });
  }
}
