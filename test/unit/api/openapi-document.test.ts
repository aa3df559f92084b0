// What the OpenAPI document tells clients, and what the README says of the
// API: the public URL in `servers` (never the app's internal origin behind
// nginx), no empty tags, and the one postgres_engine a create accepts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { GET } from "@/app/v1/openapi.json/route";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { allOperations } from "@/lib/api/operations";
import { createProjectBodySchema } from "@/lib/api/schemas";
import { parseEnv, publicAppUrl, resetEnvForTests } from "@/lib/env";

afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvForTests();
});

describe("the document's servers", () => {
  it("is the public URL from the environment, not the origin the request reached", async () => {
    vi.stubEnv("NEXTAUTH_URL", undefined);
    vi.stubEnv("SUPAFLEET_ROOT_DOMAIN", "cloud.example.org");
    vi.stubEnv("SUPAFLEET_PUBLIC_SCHEME", "https");
    vi.stubEnv("SUPAFLEET_PUBLIC_PORT", undefined);
    resetEnvForTests();
    // The route takes no request: nothing of the request can leak into the document.
    expect(GET.length).toBe(0);
    const doc = (await GET().json()) as { servers: Array<{ url: string }> };
    expect(doc.servers).toEqual([{ url: "https://cloud.example.org" }]);
  });

  it("builds the public URL from scheme, domain and port, or NEXTAUTH_URL's origin", () => {
    expect(publicAppUrl(parseEnv({ SUPAFLEET_ROOT_DOMAIN: "cloud.test" }, "/srv"))).toBe("http://cloud.test");
    expect(publicAppUrl(parseEnv({ SUPAFLEET_ROOT_DOMAIN: "cloud.test", SUPAFLEET_PUBLIC_PORT: "8080" }, "/srv"))).toBe("http://cloud.test:8080");
    expect(publicAppUrl(parseEnv({ SUPAFLEET_ROOT_DOMAIN: "cloud.test", SUPAFLEET_PUBLIC_SCHEME: "https", SUPAFLEET_PUBLIC_PORT: "443" }, "/srv"))).toBe(
      "https://cloud.test",
    );
    expect(publicAppUrl(parseEnv({ SUPAFLEET_ROOT_DOMAIN: "cloud.test", NEXTAUTH_URL: "https://panel.example.org/some/path" }, "/srv"))).toBe(
      "https://panel.example.org",
    );
  });
});

describe("the document's tags", () => {
  const doc = buildOpenApiDocument() as unknown as {
    tags: Array<{ name: string; description?: string }>;
    paths: Record<string, Record<string, { tags: string[] }>>;
  };
  const used = new Set(Object.values(doc.paths).flatMap((item) => Object.values(item).flatMap((op) => op.tags)));

  it("lists only tags some operation carries, each saying what it holds, and every tag they carry", () => {
    const listed = doc.tags.map((t) => t.name);
    expect(listed.length).toBeGreaterThan(0);
    for (const t of doc.tags) {
      expect(used.has(t.name), `tag ${t.name} has no operation`).toBe(true);
      expect(t.description?.length ?? 0, `tag ${t.name} is empty`).toBeGreaterThan(10);
    }
    for (const o of allOperations) expect(listed).toContain(o.tag);
  });
});

describe("the README on POST /v1/projects", () => {
  it("names the postgres_engine a create accepts", () => {
    const readme = readFileSync(join(process.cwd(), "README.md"), "utf8").replace(/\s+/g, " ");
    const said = /`postgres_engine`[^`]*must be `(\d+)`/.exec(readme);
    expect(said, "README says which postgres_engine is accepted").not.toBeNull();
    const base = { db_pass: "x", name: "n", organization_slug: "org" };
    expect(createProjectBodySchema.safeParse({ ...base, postgres_engine: said![1] }).success).toBe(true);
  });
});
