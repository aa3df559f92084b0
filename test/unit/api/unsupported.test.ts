// Every operation of upstream's Management API (lib/api/upstream-operations.ts,
// generated from supabase/cli packages/api/src/generated/openapi.json at
// commit 627e534b4f2b5f2f367e7e9a46fc4a0975a92ebe) is either served by a
// route of Supafleet's (and so in its OpenAPI document) or recognised by the
// catch-all, which answers with a message naming it: never a generic 404.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { UPSTREAM_OPERATIONS } from "@/lib/api/upstream-operations";
import { unsupportedMessage, upstreamOperationFor } from "@/lib/api/unsupported";

const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, { operationId: string }>> };
const served = new Set(Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`)));
/** A concrete path for a template: every parameter a plausible value. */
const concrete = (template: string) => template.replace(/\{[^}]+\}/g, "abcdefghijklmnopqrst");

describe("upstream's operations", () => {
  it("are all listed (the generated table is whole)", () => {
    expect(UPSTREAM_OPERATIONS.length).toBe(164);
    expect(new Set(UPSTREAM_OPERATIONS.map((o) => o[2])).size).toBe(164);
  });

  it("are served for at least 35 of them, each under upstream's operation id", () => {
    const ids = new Map(
      Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([m, o]) => [`${m.toUpperCase()} ${path}`, o.operationId])),
    );
    const mine = UPSTREAM_OPERATIONS.filter(([m, p]) => served.has(`${m} ${p}`));
    for (const [m, p, id] of mine) expect(ids.get(`${m} ${p}`), `${m} ${p}`).toBe(id);
    expect(mine.length).toBeGreaterThanOrEqual(35);
  });

  it("that Supafleet does not serve are recognised by the catch-all and named in its answer", () => {
    const missing = UPSTREAM_OPERATIONS.filter(([m, p]) => !served.has(`${m} ${p}`));
    expect(missing.length).toBeGreaterThan(0);
    for (const op of missing) {
      const found = upstreamOperationFor(op[0], concrete(op[1]));
      expect(found, `${op[0]} ${op[1]}`).not.toBeNull();
      // A literal segment wins: /branches/{name} is not mistaken for another template.
      expect(found![0]).toBe(op[0]);
      expect(unsupportedMessage(found!)).toContain(found![2]);
    }
  });

  it("prefers the literal template and leaves unknown paths alone", () => {
    expect(upstreamOperationFor("GET", "/v1/projects/abcdefghijklmnopqrst/branches")?.[2]).toBe("v1-list-all-branches");
    expect(upstreamOperationFor("GET", "/v1/projects/abcdefghijklmnopqrst/database/backups/schedule")?.[2]).toBe("v1-get-backup-schedule");
    expect(upstreamOperationFor("GET", "/v1/no-such-thing")).toBeNull();
    expect(upstreamOperationFor("GET", "/v1/projects/abcdefghijklmnopqrst/branches/x/y")).toBeNull();
    expect(unsupportedMessage(upstreamOperationFor("GET", "/v1/projects/abcdefghijklmnopqrst/branches")!)).toMatch(/branching/);
  });

  it("on a path Supafleet serves, its other methods answer the same named 403 (not Next's bare 405)", () => {
    const others = UPSTREAM_OPERATIONS.filter(([m, p]) => doc.paths[p] && !served.has(`${m} ${p}`));
    expect(others.length).toBeGreaterThan(0);
    for (const [m, p, id] of others) {
      const file = `app${p.replace(/\{(\w+)\}/g, "[$1]")}/route.ts`;
      expect(existsSync(file), file).toBe(true);
      expect(readFileSync(file, "utf8"), `${m} ${p} (${id}) in ${file}`).toMatch(new RegExp(`export const ${m} = notServed;`));
    }
  });
});
