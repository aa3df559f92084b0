// An organization's audit log (issue 31): appends that never fork, the page
// members read, the export an outsider can verify offline, and the retention
// sweep. The chain itself (what a hash covers) is lib/audit/chain.ts.
//
// Appends are serialised per organization twice over: within the process by a
// promise queue per organization (no wasted retries), and across processes by
// the database, whose unique (organizationId, seq) refuses a second entry
// with the same number; the loser reads the new head and tries again. So the
// chain stays one line, whichever process appends, on SQLite and PostgreSQL alike.
import type { Db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { ConflictError, NotFoundError } from "@/lib/errors";
import type { SessionUser } from "@/lib/auth/actor";
import { ensurePersonalOrganization, requireRole } from "@/lib/orgs/membership";
import { orgSlugSchema } from "@/lib/validations/organization";
import { AUDIT_FORMAT, auditHash, canonicalJson, type AuditHeader, type AuditLine, type AuditRecord, type JsonValue } from "@/lib/audit/chain";
import type { AuditAction, AuditVia } from "@/lib/audit/actions";

export interface AuditDraft {
  organizationId: string;
  action: AuditAction;
  /** What was acted on: a project's ref, a member's address, a hostname. */
  target?: string | null;
  /** Details (names, roles, ids): never a secret. */
  data?: { [key: string]: JsonValue | undefined };
}

/** The acting person as the log names them; `via: "api"` when an API token's owner acted. */
export type AuditActor = Pick<SessionUser, "id" | "email"> & { via?: AuditVia };

export interface AuditPage {
  entries: AuditLine[];
  total: number;
  page: number;
  pageSize: number;
  /** The newest entry's seq and hash: note it to check a later export against it. */
  head: { seq: number; hash: string } | null;
}

export const AUDIT_PAGE_SIZE = 50;
const APPEND_ATTEMPTS = 20;
const EXPORT_BATCH = 500;

type Row = {
  organizationId: string;
  seq: number;
  at: Date;
  actorId: string | null;
  actorEmail: string | null;
  via: string;
  action: string;
  target: string | null;
  data: string | null;
  prevHash: string | null;
  hash: string;
};

export function lineOf(r: Row): AuditLine {
  return {
    organization: r.organizationId,
    seq: r.seq,
    at: r.at.toISOString(),
    actor: r.actorId ? { id: r.actorId, email: r.actorEmail ?? "" } : null,
    via: r.via,
    action: r.action,
    target: r.target,
    data: r.data ? (JSON.parse(r.data) as AuditRecord["data"]) : null,
    prevHash: r.prevHash,
    hash: r.hash,
  };
}

export class AuditLog {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly db: Db,
    private readonly opts: { retentionDays: number },
  ) {}

  get retentionDays(): number {
    return this.opts.retentionDays;
  }

  /** Appends one entry to the organization's chain; `actor` null for the installation itself. */
  append(actor: AuditActor | null, draft: AuditDraft, now = new Date()): Promise<AuditLine> {
    const key = draft.organizationId;
    const run = (this.queues.get(key) ?? Promise.resolve()).catch(() => undefined).then(() => this.appendNow(actor, draft, now));
    this.queues.set(key, run);
    // The queue forgets an organization once its last append is done.
    void run.finally(() => this.queues.get(key) === run && this.queues.delete(key)).catch(() => undefined);
    return run;
  }

  private async appendNow(actor: AuditActor | null, draft: AuditDraft, now: Date): Promise<AuditLine> {
    const data = draft.data && Object.keys(draft.data).length > 0 ? canonicalJson(draft.data) : null;
    for (let attempt = 1; attempt <= APPEND_ATTEMPTS; attempt++) {
      const last = await this.db.auditEntry.findFirst({ where: { organizationId: draft.organizationId }, orderBy: { seq: "desc" } });
      // Time never runs backwards along a chain (clocks of two processes may
      // differ a little): the sweep then prunes a prefix, never a hole.
      const at = last && last.at > now ? last.at : now;
      const record: AuditRecord = {
        organization: draft.organizationId,
        seq: (last?.seq ?? 0) + 1,
        at: at.toISOString(),
        actor: actor ? { id: actor.id, email: actor.email } : null,
        via: actor ? (actor.via ?? "web") : "system",
        action: draft.action,
        target: draft.target ?? null,
        data: data ? (JSON.parse(data) as AuditRecord["data"]) : null,
        prevHash: last?.hash ?? null,
      };
      const hash = auditHash(record);
      try {
        await this.db.auditEntry.create({
          data: {
            organizationId: record.organization,
            seq: record.seq,
            at,
            actorId: record.actor?.id ?? null,
            actorEmail: record.actor?.email ?? null,
            via: record.via,
            action: record.action,
            target: record.target,
            data,
            prevHash: record.prevHash,
            hash,
          },
        });
        return { ...record, hash };
      } catch (err) {
        // Another process took this number first: read its entry and link to it.
        if (isUniqueViolation(err) && attempt < APPEND_ATTEMPTS) continue;
        throw err;
      }
    }
    throw new ConflictError("The audit log is busy; try again.");
  }

  /** Newest first, for members of the organization (every role sees it: issue 31 "Members see it"). */
  async page(actor: SessionUser, slug: string, page = 1, pageSize = AUDIT_PAGE_SIZE): Promise<AuditPage> {
    const orgId = await this.readable(actor, slug);
    const p = Math.max(1, Math.floor(page) || 1);
    const size = Math.min(200, Math.max(1, Math.floor(pageSize) || AUDIT_PAGE_SIZE));
    const [rows, total, head] = await Promise.all([
      this.db.auditEntry.findMany({ where: { organizationId: orgId }, orderBy: { seq: "desc" }, skip: (p - 1) * size, take: size }),
      this.db.auditEntry.count({ where: { organizationId: orgId } }),
      this.head(orgId),
    ]);
    return { entries: rows.map(lineOf), total, page: p, pageSize: size, head };
  }

  /** The export: a header line, then every kept entry oldest first, as JSON lines (scripts/verify-audit.ts checks it). */
  async exportLines(actor: SessionUser, slug: string, now = new Date()): Promise<AsyncIterable<string>> {
    const orgId = await this.readable(actor, slug);
    const db = this.db;
    // The head is fixed first: entries appended during the export are left out, so the header stays true.
    const head = await this.head(orgId);
    const first = await db.auditEntry.findFirst({ where: { organizationId: orgId }, orderBy: { seq: "asc" }, select: { seq: true, prevHash: true } });
    const header: AuditHeader = {
      format: AUDIT_FORMAT,
      organization: orgId,
      exportedAt: now.toISOString(),
      anchor: first && head ? { seq: first.seq, prevHash: first.prevHash } : null,
      head,
    };
    return (async function* () {
      yield JSON.stringify(header) + "\n";
      if (!head || !first) return;
      let after = first.seq - 1;
      while (after < head.seq) {
        const rows = await db.auditEntry.findMany({
          where: { organizationId: orgId, seq: { gt: after, lte: head.seq } },
          orderBy: { seq: "asc" },
          take: EXPORT_BATCH,
        });
        if (rows.length === 0) return;
        for (const r of rows) yield JSON.stringify(lineOf(r)) + "\n";
        after = rows[rows.length - 1]!.seq;
      }
    })();
  }

  /**
   * The retention sweep: drops entries older than the retention, always a
   * prefix of each chain and never an organization's newest entry, so what
   * is kept still verifies (the export's anchor names the first kept link).
   */
  async prune(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.opts.retentionDays * 86_400_000);
    const orgs = await this.db.auditEntry.groupBy({ by: ["organizationId"], where: { at: { lt: cutoff } }, _max: { seq: true } });
    let removed = 0;
    for (const o of orgs) {
      const kept = await this.db.auditEntry.findFirst({
        where: { organizationId: o.organizationId, at: { gte: cutoff } },
        orderBy: { seq: "asc" },
        select: { seq: true },
      });
      const newest = await this.head(o.organizationId);
      const keepFrom = kept?.seq ?? newest?.seq ?? 0;
      const r = await this.db.auditEntry.deleteMany({ where: { organizationId: o.organizationId, seq: { lt: keepFrom } } });
      removed += r.count;
    }
    return removed;
  }

  private async head(organizationId: string): Promise<{ seq: number; hash: string } | null> {
    const last = await this.db.auditEntry.findFirst({ where: { organizationId }, orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
    return last ? { seq: last.seq, hash: last.hash } : null;
  }

  /** The organization's id, if the actor is a member (NotFound otherwise: it says nothing of the organization). */
  private async readable(actor: SessionUser, rawSlug: string): Promise<string> {
    const slug = orgSlugSchema.safeParse(rawSlug);
    if (!slug.success) throw new NotFoundError("Organization not found.");
    if (slug.data === actor.id) await ensurePersonalOrganization(this.db, actor);
    const org = await this.db.organization.findUnique({ where: { slug: slug.data }, select: { id: true } });
    if (!org) throw new NotFoundError("Organization not found.");
    await requireRole(this.db, org.id, actor.id, "org.read");
    return org.id;
  }
}
