// The audit log's hash chain, defined once (issue 31): how an entry is
// serialised, how its hash is made, and how an exported log is checked.
// Pure, with no import but node:crypto, so the offline verifier
// (scripts/verify-audit.ts) runs the very code that wrote the hashes.
//
// An entry's hash is SHA-256 over "supafleet-audit/1\n" + the canonical JSON
// of its fields, its predecessor's hash included: changing, removing or
// reordering an entry breaks every link after it. Canonical JSON: object keys
// sorted by UTF-16 code unit, no whitespace, `undefined` members left out,
// numbers as JSON.stringify writes them (finite only).
import { createHash } from "node:crypto";

export const AUDIT_FORMAT = "supafleet-audit/1";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue | undefined };

/** One entry's content: everything its hash covers. */
export interface AuditRecord {
  organization: string;
  /** 1, 2, 3, … within the organization, without gaps. */
  seq: number;
  /** ISO 8601 with milliseconds, UTC. */
  at: string;
  actor: { id: string; email: string } | null;
  /** "web" (signed in), "api" (an API token's owner) or "system". */
  via: string;
  action: string;
  target: string | null;
  data: { [key: string]: JsonValue | undefined } | null;
  /** The hash of the entry before (seq − 1); null only for seq 1. */
  prevHash: string | null;
}

export interface AuditLine extends AuditRecord {
  hash: string;
}

/** The export's first line: where the exported part of the chain starts and ends. */
export interface AuditHeader {
  format: typeof AUDIT_FORMAT;
  organization: string;
  exportedAt: string;
  /** The first exported entry's seq and the hash it links to (null: the chain's start); entries before it were pruned. */
  anchor: { seq: number; prevHash: string | null } | null;
  /** The newest entry's seq and hash when exported (compare with the head the organization's page shows). */
  head: { seq: number; hash: string } | null;
}

export function canonicalJson(value: JsonValue | undefined): string {
  if (value === null) return "null";
  if (typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError("canonicalJson: numbers must be finite");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  if (typeof value === "object") {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
  }
  throw new TypeError(`canonicalJson: cannot serialise ${typeof value}`);
}

/** The record's fields, in one fixed shape (extra members of a parsed line are ignored). */
function recordOf(r: AuditRecord): JsonValue {
  return {
    organization: r.organization,
    seq: r.seq,
    at: r.at,
    actor: r.actor ? { id: r.actor.id, email: r.actor.email } : null,
    via: r.via,
    action: r.action,
    target: r.target,
    data: r.data,
    prevHash: r.prevHash,
  };
}

export function serializeAuditRecord(r: AuditRecord): string {
  return `${AUDIT_FORMAT}\n${canonicalJson(recordOf(r))}`;
}

export function auditHash(r: AuditRecord): string {
  return createHash("sha256").update(serializeAuditRecord(r), "utf8").digest("hex");
}

export type AuditVerdict =
  | { ok: true; entries: number; first: { seq: number; prevHash: string | null } | null; head: { seq: number; hash: string } | null }
  | { ok: false; line: number; reason: string };

const fail = (line: number, reason: string): AuditVerdict => ({ ok: false, line, reason });

function isRecord(v: unknown): v is AuditLine {
  if (typeof v !== "object" || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.organization === "string" &&
    Number.isSafeInteger(r.seq) &&
    typeof r.at === "string" &&
    typeof r.via === "string" &&
    typeof r.action === "string" &&
    typeof r.hash === "string" &&
    (r.prevHash === null || typeof r.prevHash === "string") &&
    (r.target === null || typeof r.target === "string") &&
    (r.data === null || (typeof r.data === "object" && !Array.isArray(r.data))) &&
    (r.actor === null || (typeof r.actor === "object" && typeof (r.actor as { id?: unknown }).id === "string"))
  );
}

/**
 * Checks an export (its lines: the header, then the entries oldest first):
 * every entry's hash, every link, seq without gaps, one organization, and the
 * header's anchor and head. `expectedHead`, when given (a hash noted earlier
 * from the organization's page or a previous export), must be the last
 * entry's hash or one of the entries': what was there then is still there.
 */
export function verifyAuditExport(lines: readonly string[], opts: { expectedHead?: string } = {}): AuditVerdict {
  const rows = lines.map((l) => l.trim()).filter((l) => l !== "");
  if (rows.length === 0) return fail(0, "The export is empty (no header).");
  let header: AuditHeader;
  try {
    header = JSON.parse(rows[0]!) as AuditHeader;
  } catch {
    return fail(1, "The header is not JSON.");
  }
  if (header.format !== AUDIT_FORMAT) return fail(1, `The header's format is not ${AUDIT_FORMAT}.`);
  let prev: AuditLine | null = null;
  const hashes = new Set<string>();
  for (let i = 1; i < rows.length; i++) {
    const n = i + 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(rows[i]!);
    } catch {
      return fail(n, "Not JSON.");
    }
    if (!isRecord(parsed)) return fail(n, "Not an audit entry (a field is missing or of the wrong type).");
    const e = parsed;
    if (e.organization !== header.organization) return fail(n, "The entry belongs to another organization.");
    if (auditHash(e) !== e.hash) return fail(n, "The entry's hash does not match its content: it was changed.");
    if (prev === null) {
      if (!header.anchor || header.anchor.seq !== e.seq || header.anchor.prevHash !== e.prevHash)
        return fail(n, "The first entry is not the header's anchor: entries were removed at the start.");
      if (e.seq === 1 && e.prevHash !== null) return fail(n, "The chain's first entry links to a predecessor.");
    } else {
      if (e.seq !== prev.seq + 1) return fail(n, `Expected entry ${prev.seq + 1}, found ${e.seq}: entries were removed or reordered.`);
      if (e.prevHash !== prev.hash) return fail(n, "The entry does not link to the one before it: entries were removed, added or reordered.");
    }
    hashes.add(e.hash);
    prev = e;
  }
  const head = prev ? { seq: prev.seq, hash: prev.hash } : null;
  if (JSON.stringify(header.head) !== JSON.stringify(head))
    return fail(rows.length, "The last entry is not the header's head: entries were removed at the end.");
  if (header.anchor && !prev) return fail(rows.length, "The header names an anchor but no entry follows.");
  if (opts.expectedHead !== undefined && !hashes.has(opts.expectedHead)) return fail(rows.length, "The expected head hash is not in the export.");
  return { ok: true, entries: rows.length - 1, first: header.anchor, head };
}
