// The OpenAPI document and the route files describe the same API: every
// method a /v1 route file exports is an operation in the document, and every
// operation has its route file and method. Also: the document is internally
// sound (every $ref resolves, ids unique, path parameters declared).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "@/lib/api/openapi";

const APP = join(process.cwd(), "app");
const V1 = join(APP, "v1");
// The JSON 404 for paths Supafleet does not serve: not an operation.
const CATCH_ALL = join(V1, "[...path]", "route.ts");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return routeFiles(p);
    return name === "route.ts" ? [p] : [];
  });
}

/** app/v1/projects/[ref]/pause/route.ts → /v1/projects/{ref}/pause */
function pathOf(file: string): string {
  const segments = relative(APP, file).split(sep).slice(0, -1);
  return "/" + segments.map((s) => s.replace(/^\[(\w+)\]$/, "{$1}")).join("/");
}

function exportedMethods(file: string): string[] {
  const text = readFileSync(file, "utf8");
  // `export const PUT = notServed;`: an upstream method Supafleet does not serve on a path it serves (lib/api/not-served.ts), not an operation.
  return METHODS.filter((m) => new RegExp(`export\\s+(const|(async\\s+)?function)\\s+${m}\\b(?!\\s*=\\s*notServed;)`).test(text));
}

type Doc = {
  paths: Record<string, Record<string, { operationId: string; parameters: Array<{ name: string; in: string }> }>>;
  components: { schemas: Record<string, unknown> };
};
const doc = buildOpenApiDocument() as unknown as Doc;

const fromRoutes = routeFiles(V1)
  .filter((f) => f !== CATCH_ALL)
  .flatMap((f) => exportedMethods(f).map((m) => `${m} ${pathOf(f)}`))
  .sort();
const fromDocument = Object.entries(doc.paths)
  .flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`))
  .sort();

describe("the OpenAPI document against the routes", () => {
  it("finds the route files (the test can see them)", () => {
    expect(fromRoutes.length).toBeGreaterThanOrEqual(11);
    expect(fromRoutes).toContain("POST /v1/projects/{ref}/database/query");
  });

  it("lists every route's methods as operations, and nothing else", () => {
    expect(fromDocument).toEqual(fromRoutes);
  });

  it("keeps the catch-all out of the document and answering every method", () => {
    expect(readFileSync(CATCH_ALL, "utf8").match(/export const (\w+) = notServed;/g)?.length).toBe(6);
    expect(Object.keys(doc.paths).some((p) => p.includes("..."))).toBe(false);
  });

  it("declares every path parameter, has unique operation ids, and resolves every $ref", () => {
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(item)) {
        expect(ids.has(op.operationId)).toBe(false);
        ids.add(op.operationId);
        expect(op.parameters.filter((p) => p.in === "path").map((p) => p.name)).toEqual(names);
      }
    }
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const r of refs) expect(doc.components.schemas).toHaveProperty(r);
  });

  it("uses Supabase's operation ids for Supabase's operations", () => {
    const byRoute = Object.fromEntries(
      Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([m, op]) => [`${m.toUpperCase()} ${path}`, op.operationId])),
    );
    expect(byRoute).toMatchObject({
      "GET /v1/projects": "v1-list-all-projects",
      "POST /v1/projects": "v1-create-a-project",
      "GET /v1/projects/{ref}": "v1-get-project",
      "DELETE /v1/projects/{ref}": "v1-delete-a-project",
      "POST /v1/projects/{ref}/pause": "v1-pause-a-project",
      "POST /v1/projects/{ref}/restore": "v1-restore-a-project",
      "GET /v1/projects/{ref}/health": "v1-get-services-health",
      "GET /v1/projects/{ref}/api-keys": "v1-get-project-api-keys",
      "POST /v1/projects/{ref}/database/query": "v1-run-a-query",
      "GET /v1/organizations": "v1-list-all-organizations",
    });
  });
});
