// Hostile input at the API's edge: refs, bodies and queries that must be
// refused before any service runs.
import { describe, expect, it } from "vitest";
import { apiKeysQuerySchema, createProjectBodySchema, healthQuerySchema, refParams, runQueryBodySchema } from "@/lib/api/schemas";

const good = { db_pass: "x", name: "My app", organization_slug: "0b7c9c8e-4f53-4c4b-9d63-3f1f0c0a1b2c" };

describe("path ref", () => {
  it.each([
    ["../../etc/passwd"],
    ["abcdefghijklmnopqrs"],
    ["abcdefghijklmnopqrstu"],
    ["ABCDEFGHIJKLMNOPQRST"],
    ["abcdefghij;DROP TABLE"],
    ["abcdefghijklmnopqrs\u0000"],
    ["abcdefghijklmnopqrs%"],
    ["abcdefghijklmnopqrsé"],
    [""],
  ])("refuses %j", (ref) => {
    expect(refParams.safeParse({ ref }).success).toBe(false);
  });

  it("accepts a ref and nothing besides it", () => {
    expect(refParams.safeParse({ ref: "abcdefghijklmnopqrst" }).success).toBe(true);
    expect(refParams.safeParse({ ref: "abcdefghijklmnopqrst", other: "x" }).success).toBe(false);
  });
});

describe("create project body", () => {
  it("accepts what supabase-management-js sends", () => {
    expect(createProjectBodySchema.parse({ ...good, region: "us-east-1", plan: "free" })).toMatchObject({ name: "My app", region: "us-east-1" });
    expect(createProjectBodySchema.parse({ ...good, region_selection: { type: "specific", code: "eu-west-1" } }).region_selection?.code).toBe("eu-west-1");
    // the engine new projects get (template 2026.09-r1: supabase/postgres:17.6.1.136)
    expect(createProjectBodySchema.parse({ ...good, postgres_engine: "17" })).toMatchObject({ postgres_engine: "17" });
  });

  it.each([
    ["no db_pass", { name: "x", organization_slug: "o" }],
    ["no organization", { db_pass: "x", name: "x" }],
    ["an unknown field", { ...good, template_url: "https://example.com" }],
    ["a prototype key", JSON.parse(`{"db_pass":"x","name":"x","organization_slug":"o","__proto__":{"admin":true}}`) as unknown],
    ["both region forms", { ...good, region: "us-east-1", region_selection: { type: "specific", code: "us-east-1" } }],
    ["a hostile region", { ...good, region: "us-east-1; rm -rf /" }],
    ["Postgres 15 (new projects run 17)", { ...good, postgres_engine: "15" }],
    ["a huge name", { ...good, name: "x".repeat(257) }],
    ["a slug with slashes", { ...good, organization_slug: "../other" }],
    ["a number for a name", { ...good, name: 42 }],
    ["an array", [good]],
    ["null", null],
  ])("refuses %s", (_what, body) => {
    expect(createProjectBodySchema.safeParse(body).success).toBe(false);
  });
});

describe("run query body", () => {
  it("takes a query, parameters and read_only", () => {
    expect(runQueryBodySchema.parse({ query: "select $1", parameters: [1], read_only: true })).toEqual({
      query: "select $1",
      parameters: [1],
      read_only: true,
    });
  });

  it.each([
    [{}],
    [{ query: "" }],
    [{ query: "select 1", extra: 1 }],
    [{ query: ["select 1"] }],
    [{ query: "x".repeat(1_000_001) }],
    [{ query: "select 1", parameters: "1" }],
  ])("refuses %j", (body) => {
    expect(runQueryBodySchema.safeParse(body).success).toBe(false);
  });
});

describe("query strings", () => {
  it("health needs known service names", () => {
    expect(healthQuerySchema.safeParse({ services: ["db", "auth"] }).success).toBe(true);
    expect(healthQuerySchema.safeParse({}).success).toBe(false);
    expect(healthQuerySchema.safeParse({ services: ["kong"] }).success).toBe(false);
    expect(healthQuerySchema.safeParse({ services: ["db"], timeout_ms: "99999" }).success).toBe(false);
  });

  it("reveal is the string true or false", () => {
    expect(apiKeysQuerySchema.parse({ reveal: "true" }).reveal).toBe(true);
    expect(apiKeysQuerySchema.parse({}).reveal).toBe(false);
    expect(apiKeysQuerySchema.safeParse({ reveal: "yes" }).success).toBe(false);
  });
});
