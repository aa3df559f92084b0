// The audit chain's serialisation and its offline verifier (lib/audit/chain.ts):
// the canonical form is fixed (a known hash pins it), and an export with one
// line changed, removed or moved is refused.
import { describe, expect, it } from "vitest";
import { AUDIT_FORMAT, auditHash, canonicalJson, serializeAuditRecord, verifyAuditExport, type AuditLine, type AuditRecord } from "@/lib/audit/chain";

function chain(n: number, startSeq = 1, startPrev: string | null = null): AuditLine[] {
  const out: AuditLine[] = [];
  let prev = startPrev;
  for (let i = 0; i < n; i++) {
    const r: AuditRecord = {
      organization: "acme",
      seq: startSeq + i,
      at: new Date(Date.UTC(2026, 11, 8, 0, 0, i)).toISOString(),
      actor: { id: "u1", email: "ada@example.com" },
      via: i % 2 ? "api" : "web",
      action: "project.paused",
      target: `ref${i}`,
      data: i % 3 ? { role: "DEVELOPER", n: i } : null,
      prevHash: prev,
    };
    const hash = auditHash(r);
    out.push({ ...r, hash });
    prev = hash;
  }
  return out;
}

function exportOf(entries: AuditLine[], anchor = entries[0] ? { seq: entries[0].seq, prevHash: entries[0].prevHash } : null): string[] {
  const last = entries[entries.length - 1];
  const header = {
    format: AUDIT_FORMAT,
    organization: "acme",
    exportedAt: "2026-12-08T00:00:00.000Z",
    anchor,
    head: last ? { seq: last.seq, hash: last.hash } : null,
  };
  return [JSON.stringify(header), ...entries.map((e) => JSON.stringify(e))];
}

describe("canonicalJson", () => {
  it("sorts keys at every depth, drops undefined members and writes no whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, "x", null], c: true }, z: undefined })).toBe('{"a":{"c":true,"d":[1,"x",null]},"b":1}');
    expect(canonicalJson({ é: "ü", "\u0000": "\n" })).toBe('{"\\u0000":"\\n","é":"ü"}');
  });

  it("refuses what JSON cannot carry faithfully", () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson(Number.POSITIVE_INFINITY)).toThrow(TypeError);
  });
});

describe("the entry hash", () => {
  const record: AuditRecord = {
    organization: "acme",
    seq: 1,
    at: "2026-12-08T00:00:00.000Z",
    actor: { id: "u1", email: "ada@example.com" },
    via: "web",
    action: "project.created",
    target: "abcdefghijklmnopqrst",
    data: { name: "Shop" },
    prevHash: null,
  };

  it("covers a fixed serialisation (changing it breaks every exported log, so it is pinned here)", () => {
    expect(serializeAuditRecord(record)).toBe(
      'supafleet-audit/1\n{"action":"project.created","actor":{"email":"ada@example.com","id":"u1"},"at":"2026-12-08T00:00:00.000Z","data":{"name":"Shop"},"organization":"acme","prevHash":null,"seq":1,"target":"abcdefghijklmnopqrst","via":"web"}',
    );
    expect(auditHash(record)).toMatch(/^[0-9a-f]{64}$/);
    // Key order of the input does not matter; any field's value does.
    expect(auditHash({ ...record, data: { name: "Shop" } })).toBe(auditHash(record));
    for (const changed of [{ seq: 2 }, { via: "api" }, { target: null }, { prevHash: "0".repeat(64) }, { actor: null }, { data: { name: "Shop2" } }])
      expect(auditHash({ ...record, ...changed })).not.toBe(auditHash(record));
    // Members outside the record (the line's own hash) are not covered.
    expect(auditHash({ ...record, hash: "x" } as AuditRecord)).toBe(auditHash(record));
  });
});

describe("verifyAuditExport", () => {
  const entries = chain(6);

  it("accepts an untouched export, a pruned one starting at its anchor, and an empty one", () => {
    expect(verifyAuditExport(exportOf(entries))).toEqual({ ok: true, entries: 6, first: { seq: 1, prevHash: null }, head: { seq: 6, hash: entries[5]!.hash } });
    const pruned = entries.slice(2);
    expect(verifyAuditExport(exportOf(pruned))).toMatchObject({ ok: true, entries: 4, first: { seq: 3, prevHash: entries[1]!.hash } });
    expect(verifyAuditExport(exportOf([]))).toMatchObject({ ok: true, entries: 0, head: null });
    expect(verifyAuditExport(exportOf(entries), { expectedHead: entries[3]!.hash })).toMatchObject({ ok: true });
  });

  it("detects a changed line", () => {
    const lines = exportOf(entries);
    lines[3] = lines[3]!.replace('"project.paused"', '"project.resumed"');
    expect(verifyAuditExport(lines)).toMatchObject({ ok: false, line: 4, reason: expect.stringMatching(/changed/) });
    // Changed and re-hashed: the next entry's link no longer matches.
    const forged = { ...entries[2]!, action: "project.resumed" };
    forged.hash = auditHash(forged);
    const relinked = exportOf(entries);
    relinked[3] = JSON.stringify(forged);
    expect(verifyAuditExport(relinked)).toMatchObject({ ok: false, line: 5 });
  });

  it("detects a removed line, in the middle, at the start and at the end", () => {
    const middle = exportOf(entries);
    middle.splice(3, 1);
    expect(verifyAuditExport(middle)).toMatchObject({ ok: false, line: 4, reason: expect.stringMatching(/removed/) });
    const start = exportOf(entries);
    start.splice(1, 1);
    expect(verifyAuditExport(start)).toMatchObject({ ok: false, line: 2, reason: expect.stringMatching(/anchor/) });
    const end = exportOf(entries);
    end.pop();
    expect(verifyAuditExport(end)).toMatchObject({ ok: false, reason: expect.stringMatching(/head/) });
    // A head noted before is missing from an export cut short and rebuilt with a fitting header.
    expect(verifyAuditExport(exportOf(entries.slice(0, 5)), { expectedHead: entries[5]!.hash })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/expected head/),
    });
  });

  it("detects reordered lines", () => {
    const lines = exportOf(entries);
    [lines[2], lines[3]] = [lines[3]!, lines[2]!];
    expect(verifyAuditExport(lines)).toMatchObject({ ok: false, line: 3, reason: expect.stringMatching(/reordered/) });
  });

  it("refuses what is not an export", () => {
    expect(verifyAuditExport([])).toMatchObject({ ok: false });
    expect(verifyAuditExport(["{}"])).toMatchObject({ ok: false, line: 1 });
    expect(verifyAuditExport([...exportOf(entries), "not json"])).toMatchObject({ ok: false, line: 8 });
    const other = { ...entries[0]!, organization: "other" };
    expect(verifyAuditExport([exportOf(entries)[0]!, JSON.stringify(other)])).toMatchObject({
      ok: false,
      line: 2,
      reason: expect.stringMatching(/another organization/),
    });
  });
});
