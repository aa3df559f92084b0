// The Edge Functions and secrets operations against upstream's OpenAPI
// document: the committed excerpt test/fixtures/upstream-openapi-functions.json
// (supabase/cli packages/api/src/generated/openapi.json, commit
// 627e534b4f2b5f2f367e7e9a46fc4a0975a92ebe). Same paths, methods, operation
// ids, success statuses and parameter names; every response Supafleet builds
// fits upstream's response schema with no field upstream lacks; upstream's
// own request examples pass Supafleet's request schemas.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { functionOperations } from "@/lib/api/function-operations";
import {
  bulkUpdateFunctionBodySchema,
  createSecretBodySchema,
  deleteSecretsBodySchema,
  deployMetadataSchema,
  updateFunctionBodySchema,
} from "@/lib/api/function-schemas";
import { v1Function } from "@/lib/api/functions";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { secretDigest } from "@/lib/functions/secrets";
import type { EdgeFunctionRow } from "@/lib/projects/edge-functions";
import { checkAgainst } from "@/test/support/json-schema-check";

type Op = { operationId: string; parameters?: Array<{ name: string; in: string }>; responses: Record<string, unknown>; requestBody?: unknown };
type Upstream = {
  "x-source": { commit: string };
  paths: Record<string, Record<string, Op>>;
  components: { schemas: Record<string, Record<string, unknown>> };
};
const upstream = JSON.parse(readFileSync("test/fixtures/upstream-openapi-functions.json", "utf8")) as Upstream;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const row: EdgeFunctionRow = {
  id: "0f7c1c9e-3f7e-4a57-9a6b-0a1d2b3c4d5e",
  slug: "hello-world",
  name: "Hello World",
  version: 3,
  status: "ACTIVE",
  verifyJwt: false,
  entrypointPath: "supabase/functions/hello-world/index.ts",
  importMapPath: "supabase/functions/hello-world/deno.json",
  sha256: "a".repeat(64),
  createdAt: new Date("2026-12-07T01:02:03.004Z"),
  updatedAt: new Date("2026-12-07T02:03:04.005Z"),
};

describe("the fixture", () => {
  it("is the cited excerpt and holds every operation Supafleet serves", () => {
    expect(upstream["x-source"].commit).toBe("627e534b4f2b5f2f367e7e9a46fc4a0975a92ebe");
    expect(Object.keys(functionOperations)).toHaveLength(10);
  });
});

describe("operations as upstream declares them", () => {
  for (const [name, o] of Object.entries(functionOperations)) {
    it(`${name}: ${o.method} ${o.path}`, () => {
      const u = upstream.paths[o.path]?.[o.method.toLowerCase()];
      expect(u, `${o.method} ${o.path} in upstream's document`).toBeDefined();
      expect(o.operationId).toBe(u!.operationId);
      expect(Object.keys(u!.responses)).toContain(String(o.success.status));
      const upstreamParams = new Set((u!.parameters ?? []).map((p) => `${p.in}:${p.name}`));
      const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, { parameters: Array<{ name: string; in: string }> }>> };
      for (const p of doc.paths[o.path]![o.method.toLowerCase()]!.parameters)
        expect(upstreamParams, `${p.in} parameter ${p.name}`).toContain(`${p.in}:${p.name}`);
      // A body where upstream has one, and of the same media type.
      const types = Object.keys(((u!.requestBody ?? {}) as { content?: Record<string, unknown> }).content ?? {});
      if (o.body) expect(types).toContain("application/json");
      if (o.multipartBody) expect(types).toContain("multipart/form-data");
      if (!o.body && !o.multipartBody) expect(types).toEqual([]);
    });
  }
});

describe("responses fit upstream's schemas", () => {
  const check = (schema: Record<string, unknown>, value: unknown) => checkAgainst(upstream, schema, value, { noExtra: true });

  it("FunctionResponse, FunctionSlugResponse and DeployFunctionResponse", () => {
    const f = v1Function(row);
    expect(check(ref("FunctionResponse"), f)).toEqual([]);
    expect(check(ref("FunctionSlugResponse"), f)).toEqual([]);
    expect(check(ref("DeployFunctionResponse"), f)).toEqual([]);
    expect(check({ type: "array", items: ref("FunctionResponse") }, [f])).toEqual([]);
    expect(f.created_at).toBe(Date.parse("2026-12-07T01:02:03.004Z"));
  });

  it("a function without an import map leaves import_map_path out and says import_map: false", () => {
    const f = v1Function({ ...row, importMapPath: null });
    expect(f.import_map).toBe(false);
    expect("import_map_path" in f).toBe(false);
    expect(check(ref("FunctionResponse"), f)).toEqual([]);
  });

  it("BulkUpdateFunctionResponse", () => {
    expect(check(ref("BulkUpdateFunctionResponse"), { functions: [v1Function(row)] })).toEqual([]);
  });

  it("SecretResponse: the value is a digest", () => {
    const list = [{ name: "OPENAI_API_KEY", value: secretDigest("sk-example"), updated_at: "2026-12-07T01:02:03.004Z" }];
    expect(check({ type: "array", items: ref("SecretResponse") }, list)).toEqual([]);
    expect(list[0]!.value).toMatch(/^[0-9a-f]{64}$/);
  });

  it("the checker fails a wrong shape (it can fail)", () => {
    const f = v1Function(row) as Record<string, unknown>;
    expect(check(ref("FunctionResponse"), { ...f, created_at: "yesterday" })).not.toEqual([]);
    expect(check(ref("FunctionResponse"), { ...f, extra: 1 })).not.toEqual([]);
    const { slug: _slug, ...noSlug } = f;
    expect(check(ref("FunctionResponse"), noSlug)).not.toEqual([]);
    expect(check(ref("FunctionResponse"), { ...f, status: "PAUSED" })).not.toEqual([]);
  });
});

describe("upstream's request examples pass Supafleet's request schemas", () => {
  const example = (name: string) => upstream.components.schemas[name]!.example;
  it("CreateSecretBody, DeleteSecretsBody, BulkUpdateFunctionBody, V1UpdateFunctionBody (without body), FunctionDeployBody.metadata", () => {
    expect(createSecretBodySchema.safeParse(example("CreateSecretBody")).success).toBe(true);
    expect(deleteSecretsBodySchema.safeParse(example("DeleteSecretsBody")).success).toBe(true);
    expect(bulkUpdateFunctionBodySchema.safeParse(example("BulkUpdateFunctionBody")).success).toBe(true);
    const { body: _code, ...update } = example("V1UpdateFunctionBody") as Record<string, unknown>;
    expect(updateFunctionBodySchema.safeParse(update).success).toBe(true);
    expect(deployMetadataSchema.safeParse((example("FunctionDeployBody") as { metadata: unknown }).metadata).success).toBe(true);
  });
});
