// The audit log (lib/audit) on real databases: parallel appends from two
// clients (two app processes) never fork a chain, on SQLite and on a real
// PostgreSQL; the retention sweep keeps what is left verifiable; the export
// verifies offline (scripts/verify-audit.ts) and a tampered one does not.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { NotFoundError } from "@/lib/errors";
import { AuditLog } from "@/lib/audit/log";
import { verifyAuditExport } from "@/lib/audit/chain";
import type { SessionUser } from "@/lib/auth/actor";
import { addUser } from "@/test/support/project-service-fixture";
import { startPostgres, type PgServer } from "@/test/support/postgres-server";

let pgServer: PgServer | undefined;
const tmp = mkdtempSync(join(tmpdir(), "supafleet-audit-"));
const clients: Db[] = [];
afterAll(async () => {
  for (const c of clients) await c.$disconnect();
  await pgServer?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const backends: Array<[string, () => Promise<string>]> = [
  ["sqlite", async () => `file:${join(tmp, `audit-${Math.random().toString(36).slice(2)}.db`)}`],
  [
    "postgres",
    async () => {
      pgServer ??= await startPostgres();
      return pgServer.createDatabase(`audit_${Math.random().toString(36).slice(2, 10)}`);
    },
  ],
];

async function database(make: () => Promise<string>): Promise<{ a: Db; b: Db }> {
  const url = await make();
  await migrate(url);
  const [a, b] = [createDb(url), createDb(url)];
  clients.push(a, b);
  return { a, b };
}

async function exported(log: AuditLog, actor: SessionUser, slug: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const l of await log.exportLines(actor, slug)) lines.push(l);
  return lines.join("").split("\n").filter(Boolean);
}

const DAY = 86_400_000;

for (const [name, make] of backends) {
  describe(`the audit log on ${name}`, () => {
    it("stays one chain under parallel appends from two processes", async () => {
      const { a, b } = await database(make);
      const owner = await addUser(a, `owner-${name}@example.com`);
      const [logA, logB] = [new AuditLog(a, { retentionDays: 30 }), new AuditLog(b, { retentionDays: 30 })];
      const PER = 25;
      const append = (log: AuditLog, i: number, org: string) =>
        log.append(owner, { organizationId: org, action: "project.paused", target: `p${i}`, data: { i } });
      const results = await Promise.all([
        ...Array.from({ length: PER }, (_, i) => append(logA, i, owner.id)),
        ...Array.from({ length: PER }, (_, i) => append(logB, PER + i, owner.id)),
        // Another organization's chain at the same time: numbered on its own.
        ...Array.from({ length: 5 }, (_, i) => append(i % 2 ? logA : logB, i, "other-org")),
      ]);
      expect(results).toHaveLength(2 * PER + 5);
      const rows = await a.auditEntry.findMany({ where: { organizationId: owner.id }, orderBy: { seq: "asc" } });
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 2 * PER }, (_, i) => i + 1));
      // Each entry links to the one before it: no two share a predecessor.
      expect(new Set(rows.map((r) => r.prevHash)).size).toBe(2 * PER);
      expect((await a.auditEntry.findMany({ where: { organizationId: "other-org" } })).map((r) => r.seq).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5]);
      // Every target made it exactly once.
      expect(new Set(rows.map((r) => r.target)).size).toBe(2 * PER);
      const lines = await exported(logA, owner, owner.id);
      expect(verifyAuditExport(lines)).toMatchObject({ ok: true, entries: 2 * PER, first: { seq: 1, prevHash: null } });
    });

    it("prunes a prefix past the retention and what is left still verifies; the newest entry always stays", async () => {
      const { a } = await database(make);
      const owner = await addUser(a, `prune-${name}@example.com`);
      const stranger = await addUser(a, `stranger-${name}@example.com`);
      const log = new AuditLog(a, { retentionDays: 10 });
      const now = Date.now();
      for (let i = 0; i < 6; i++)
        await log.append(owner, { organizationId: owner.id, action: "backup.created", target: `old${i}` }, new Date(now - (20 - i) * DAY));
      for (let i = 0; i < 3; i++) await log.append(owner, { organizationId: owner.id, action: "backup.created", target: `new${i}` }, new Date(now - i * 1000));
      expect(await log.prune(new Date(now))).toBe(6);
      const lines = await exported(log, owner, owner.id);
      expect(verifyAuditExport(lines)).toMatchObject({ ok: true, entries: 3, first: { seq: 7 } });
      expect(JSON.parse(lines[1]!)).toMatchObject({ seq: 7, target: "new0", prevHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      // Appends go on from the kept head.
      await log.append(owner, { organizationId: owner.id, action: "project.resumed", target: "after" });
      expect(verifyAuditExport(await exported(log, owner, owner.id))).toMatchObject({ ok: true, entries: 4, head: { seq: 10 } });
      // All entries old: the newest stays, so the chain never restarts at 1.
      expect(await log.prune(new Date(now + 100 * DAY))).toBe(3);
      const page = await log.page(owner, owner.id);
      expect(page.entries.map((e) => e.seq)).toEqual([10]);
      expect(page.head).toEqual({ seq: 10, hash: page.entries[0]!.hash });
      // Not a member: the organization does not exist for them.
      await expect(log.page(stranger, owner.id)).rejects.toThrow(NotFoundError);
      await expect(log.exportLines(stranger, owner.id)).rejects.toThrow(NotFoundError);
    });
  });
}

describe("scripts/verify-audit.ts", () => {
  it("verifies an export, and refuses one with a line changed, removed or swapped", async () => {
    const url = `file:${join(tmp, "script.db")}`;
    await migrate(url);
    const db = createDb(url);
    clients.push(db);
    const owner = await addUser(db, "script@example.com");
    const log = new AuditLog(db, { retentionDays: 30 });
    for (let i = 0; i < 5; i++)
      await log.append(owner, { organizationId: owner.id, action: "member.added", target: `m${i}@example.com`, data: { role: "DEVELOPER" } });
    const lines = await exported(log, owner, owner.id);
    const head = (JSON.parse(lines[0]!) as { head: { hash: string } }).head.hash;
    const run = (content: string[], extra: string[] = []) => {
      const file = join(tmp, `export-${Math.random().toString(36).slice(2)}.jsonl`);
      writeFileSync(file, content.join("\n") + "\n");
      return spawnSync(join(process.cwd(), "node_modules/.bin/tsx"), ["scripts/verify-audit.ts", file, ...extra], { encoding: "utf8" });
    };
    const good = run(lines, ["--head", head]);
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/verified: 5 entries/);
    const changed = [...lines];
    changed[2] = changed[2]!.replace('"DEVELOPER"', '"OWNER"');
    const removed = lines.filter((_, i) => i !== 3);
    const swapped = [lines[0]!, lines[2]!, lines[1]!, ...lines.slice(3)];
    for (const bad of [changed, removed, swapped]) {
      const r = run(bad);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/NOT VERIFIED: line \d+/);
    }
    expect(run(lines, ["--head", "0".repeat(64)]).status).toBe(1);
  });
});
