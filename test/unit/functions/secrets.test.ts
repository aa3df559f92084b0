// The Edge Functions' secrets: upstream's name rule and Supafleet's stricter
// environment-variable one, bounded values, the envelope bound to the ref and
// to its purpose, and the functions container alone getting them (template
// variables winning).
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSecretBodySchema, deleteSecretsBodySchema } from "@/lib/api/function-schemas";
import { decryptSecrets } from "@/lib/crypto/secret-box";
import { SecretDecryptError } from "@/lib/errors";
import { functionSecretValues, openFunctionSecrets, reservedSecretName, sealFunctionSecrets, secretDigest } from "@/lib/functions/secrets";
import { buildStackSpec } from "@/lib/stack/build-stack-spec";
import { generateProjectSecrets } from "@/lib/stack/secrets";
import { LATEST_STACK_VERSION } from "@/lib/stack/template";

const ok = (name: string, value = "v") => createSecretBodySchema.safeParse([{ name, value }]).success;

describe("the request bodies", () => {
  it("refuses names starting with SUPABASE_ (upstream's rule) and names that are no environment variable", () => {
    expect(ok("OPENAI_API_KEY")).toBe(true);
    expect(ok("_private1")).toBe(true);
    expect(ok("supabase_lower_is_fine_upstream")).toBe(true);
    for (const bad of ["SUPABASE_URL", "1ABC", "A-B", "A=B", "A B", "", "X".repeat(257)]) expect(ok(bad), bad).toBe(false);
  });

  it("bounds values (24576 characters, no NUL), the count, and refuses unknown fields", () => {
    expect(ok("A", "x".repeat(24576))).toBe(true);
    expect(ok("A", "x".repeat(24577))).toBe(false);
    expect(ok("A", "a\0b")).toBe(false);
    expect(createSecretBodySchema.safeParse(Array.from({ length: 101 }, (_, i) => ({ name: `N${i}`, value: "v" }))).success).toBe(false);
    expect(createSecretBodySchema.safeParse([{ name: "A", value: "v", extra: 1 }]).success).toBe(false);
    expect(deleteSecretsBodySchema.safeParse(["A", "B"]).success).toBe(true);
    expect(deleteSecretsBodySchema.safeParse([1]).success).toBe(false);
  });

  it("reserves SUPAFLEET_ and the template's own functions variables", () => {
    const env = new Set(["JWT_SECRET", "VERIFY_JWT"]);
    expect(reservedSecretName("JWT_SECRET", env)).toMatch(/set by the platform/);
    expect(reservedSecretName("SUPAFLEET_REF", env)).toMatch(/SUPAFLEET_/);
    expect(reservedSecretName("SUPABASE_X", env)).toMatch(/SUPABASE_/);
    expect(reservedSecretName("MY_KEY", env)).toBeNull();
  });
});

describe("at rest", () => {
  const key = randomBytes(32);
  const secrets = { API_KEY: { value: "s3cret", updatedAt: "2026-12-07T00:00:00.000Z" } };

  it("round-trips, never holds the plaintext, and is null when empty", () => {
    const sealed = sealFunctionSecrets(key, "abcdefghijklmnopqrst", secrets)!;
    expect(sealed).not.toContain("s3cret");
    expect(openFunctionSecrets(key, "abcdefghijklmnopqrst", sealed)).toEqual(secrets);
    expect(functionSecretValues(key, "abcdefghijklmnopqrst", sealed)).toEqual({ API_KEY: "s3cret" });
    expect(sealFunctionSecrets(key, "abcdefghijklmnopqrst", {})).toBeNull();
    expect(openFunctionSecrets(key, "abcdefghijklmnopqrst", null)).toEqual({});
  });

  it("is bound to its ref and purpose: another project, or the project's own secrets column, cannot open it", () => {
    const sealed = sealFunctionSecrets(key, "abcdefghijklmnopqrst", secrets)!;
    expect(() => openFunctionSecrets(key, "bbcdefghijklmnopqrst", sealed)).toThrow(SecretDecryptError);
    expect(() => decryptSecrets(key, "abcdefghijklmnopqrst", sealed)).toThrow(SecretDecryptError);
  });

  it("lists a digest: hex SHA-256 of the value", () => {
    expect(secretDigest("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

describe("in the stack", async () => {
  const secrets = await generateProjectSecrets();
  const spec = (functionSecrets?: Record<string, string>) =>
    buildStackSpec({
      ref: "abcdefghijklmnopqrst",
      installationId: "0123456789abcdef",
      sealedMetadata: "x",
      stackVersion: LATEST_STACK_VERSION,
      secrets,
      analytics: false,
      ports: { kongHttp: 1, postgres: 2, pooler: 3 },
      publicUrl: "http://abcdefghijklmnopqrst.example.test",
      imageOverrides: {},
      functionSecrets,
    });

  it("puts them in the functions container's environment only, and never over a template variable", () => {
    const s = spec({ MY_KEY: "mine", JWT_SECRET: "hijack" });
    const fn = s.services.find((x) => x.service === "functions")!;
    expect(fn.env.MY_KEY).toBe("mine");
    expect(fn.env.JWT_SECRET).not.toBe("hijack");
    for (const other of s.services.filter((x) => x.service !== "functions")) expect(other.env.MY_KEY, other.service).toBeUndefined();
    expect(spec().services.find((x) => x.service === "functions")!.env.MY_KEY).toBeUndefined();
  });
});
