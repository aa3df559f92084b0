// The deploy request, read as `supabase functions deploy --use-api` writes it
// (Go's mime/multipart: CreateFormField("metadata"), CreateFormFile("file",
// path) with \ and " escaped in the filename; supabase/cli
// apps/cli-go/pkg/function/deploy.go @1d1e7191), and every hostile variant
// refused with a 400 (or 413) that names the problem.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { deployMetadataSchema } from "@/lib/api/function-schemas";
import { PayloadTooLargeError, ValidationError } from "@/lib/errors";
import { multipartBoundary, parseDeployForm } from "@/lib/functions/multipart";
import { readBoundedBody } from "@/lib/api/request";
import { bundleOf, checkSlug, cleanPath, functionTar, manifestOf, shimOf, templateSlugs } from "@/lib/functions/layout";
import { extract } from "tar-stream";
import { Readable } from "node:stream";

const BOUNDARY = "a1b2c3d4e5f6";
/** A body as Go's multipart.Writer makes it. */
function goForm(metadata: string, files: Array<[string, string]>, boundary = BOUNDARY): Buffer {
  const esc = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
  let out = `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${metadata}\r\n`;
  for (const [path, content] of files)
    out += `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${esc(path)}"\r\nContent-Type: application/octet-stream\r\n\r\n${content}\r\n`;
  return Buffer.from(`${out}--${boundary}--\r\n`);
}

const META =
  JSON.stringify({ entrypoint_path: "supabase/functions/hello/index.ts", import_map_path: "", name: "hello", verify_jwt: false, static_patterns: [] }) + "\n";

function fieldErrors(fn: () => unknown): Record<string, string[]> {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.fieldErrors;
    throw e;
  }
  throw new Error("expected a ValidationError");
}

describe("the multipart form", () => {
  it("reads the CLI's metadata and files, paths as sent", () => {
    const body = goForm(META, [
      ["supabase/functions/hello/index.ts", 'import { x } from "../_shared/x.ts";\nDeno.serve(() => new Response(x));'],
      ["supabase/functions/_shared/x.ts", 'export const x = "hi";'],
    ]);
    const form = parseDeployForm(body, BOUNDARY, { maxFiles: 10 });
    expect(form.metadata).toMatchObject({ entrypoint_path: "supabase/functions/hello/index.ts", verify_jwt: false });
    expect(form.files.map((f) => f.path)).toEqual(["supabase/functions/hello/index.ts", "supabase/functions/_shared/x.ts"]);
    expect(form.files[1]!.content.toString()).toBe('export const x = "hi";');
  });

  it("undoes Go's escaping of \" and \\ in filenames (and the path check then refuses the backslash)", () => {
    const form = parseDeployForm(goForm(META, [['a "quoted" \\ name.ts', "x"]]), BOUNDARY, { maxFiles: 10 });
    expect(form.files[0]!.path).toBe('a "quoted" \\ name.ts');
    expect(cleanPath(form.files[0]!.path)).toHaveProperty("error");
  });

  it("takes the boundary from the Content-Type, quoted or not, and refuses other types", () => {
    expect(multipartBoundary(`multipart/form-data; boundary=${BOUNDARY}`)).toBe(BOUNDARY);
    expect(multipartBoundary(`multipart/form-data; boundary="${BOUNDARY}"`)).toBe(BOUNDARY);
    expect(() => multipartBoundary("application/json")).toThrow(ValidationError);
    expect(() => multipartBoundary("multipart/form-data")).toThrow(ValidationError);
    expect(() => multipartBoundary(null)).toThrow(ValidationError);
  });

  it("refuses a missing metadata field, bad JSON, unknown fields, too many files, a truncated body", () => {
    expect(fieldErrors(() => parseDeployForm(goForm(META, []).subarray(0, 60), BOUNDARY, { maxFiles: 10 })).body).toBeDefined();
    const noMeta = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.ts"\r\n\r\nx\r\n--${BOUNDARY}--\r\n`);
    expect(fieldErrors(() => parseDeployForm(noMeta, BOUNDARY, { maxFiles: 10 })).body![0]).toMatch(/metadata field is missing/);
    expect(fieldErrors(() => parseDeployForm(goForm("{not json", []), BOUNDARY, { maxFiles: 10 })).body![0]).toMatch(/not valid JSON/);
    const other = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="evil"\r\n\r\nx\r\n--${BOUNDARY}--\r\n`);
    expect(fieldErrors(() => parseDeployForm(other, BOUNDARY, { maxFiles: 10 })).body![0]).toMatch(/Unknown form field "evil"/);
    const many = goForm(
      META,
      Array.from({ length: 4 }, (_, i): [string, string] => [`f${i}.ts`, "x"]),
    );
    expect(fieldErrors(() => parseDeployForm(many, BOUNDARY, { maxFiles: 3 })).body![0]).toMatch(/At most 3 files/);
    expect(fieldErrors(() => parseDeployForm(Buffer.from("garbage"), BOUNDARY, { maxFiles: 3 })).body).toBeDefined();
  });

  it("reads a body up to the limit and refuses a larger one, declared or streamed", async () => {
    const req = (body: string, headers: Record<string, string> = {}) => new Request("http://x/", { method: "POST", body, headers });
    expect((await readBoundedBody(req("12345"), 5)).toString()).toBe("12345");
    await expect(readBoundedBody(req("123456"), 5)).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(readBoundedBody(req("1", { "content-length": "999" }), 5)).rejects.toBeInstanceOf(PayloadTooLargeError);
  });
});

describe("paths and slugs", () => {
  it.each([
    ["../etc/passwd"],
    ["/etc/passwd"],
    ["a/../../b"],
    ["a/./b"],
    ["a//b"],
    ["C:/x"],
    ["a\\..\\b"],
    ["a\0b"],
    ["dir/.supafleet-function.json"],
    [""],
    ["x".repeat(513)],
  ])("refuses %j", (p) => {
    expect(cleanPath(p)).toHaveProperty("error");
  });

  it("keeps ordinary relative paths (a leading ./ is dropped)", () => {
    expect(cleanPath("supabase/functions/hello/index.ts")).toEqual({ path: "supabase/functions/hello/index.ts" });
    expect(cleanPath("./index.ts")).toEqual({ path: "index.ts" });
    expect(cleanPath(".env.example")).toEqual({ path: ".env.example" });
  });

  it("refuses main (the router), the template's hello, and slugs off upstream's pattern", () => {
    const reserved = templateSlugs("2026.09-r1");
    expect(reserved.has("main")).toBe(true);
    expect(reserved.has("hello")).toBe(true);
    for (const bad of ["main", "hello", "1abc", "-x", "a/b", "a.b", "", "x".repeat(65)]) expect(() => checkSlug(bad, reserved), bad).toThrow(ValidationError);
    expect(() => checkSlug("hello-world_2", reserved)).not.toThrow();
  });
});

describe("the bundle", () => {
  const part = (path: string, content = "x") => ({ path, content: Buffer.from(content) });
  const limits = { maxBytes: 100, maxFiles: 5 };

  it("needs the entrypoint and the import map among the files", () => {
    const e = fieldErrors(() => bundleOf([part("a.ts")], { entrypointPath: "b.ts", importMapPath: "deno.json" }, limits));
    expect(e["body.metadata.entrypoint_path"]![0]).toMatch(/entrypoint/);
    expect(e["body.metadata.import_map_path"]![0]).toMatch(/import map/);
  });

  it("names each hostile path, and refuses more bytes or files than the limit", () => {
    const e = fieldErrors(() => bundleOf([part("ok.ts"), part("../x.ts"), part("/abs.ts")], { entrypointPath: "ok.ts", importMapPath: null }, limits));
    expect(Object.keys(e).sort()).toEqual(["body.file.1", "body.file.2"]);
    expect(fieldErrors(() => bundleOf([part("a.ts", "x".repeat(101))], { entrypointPath: "a.ts", importMapPath: null }, limits))["body.file"]![0]).toMatch(
      /limit is 100/,
    );
    const six = Array.from({ length: 6 }, (_, i) => part(`f${i}.ts`));
    expect(fieldErrors(() => bundleOf(six, { entrypointPath: "f0.ts", importMapPath: null }, limits))["body.file"]![0]).toMatch(/At most 5/);
  });

  it("refuses a top-level index.ts that is not the entrypoint (the shim goes there)", () => {
    expect(
      fieldErrors(() => bundleOf([part("index.ts"), part("a/main.ts")], { entrypointPath: "a/main.ts", importMapPath: null }, limits))["body.file"],
    ).toBeDefined();
  });

  it("lays the function out: files as sent, an index.ts shim, the manifest a router reads", async () => {
    const b = bundleOf(
      [part("supabase/functions/hi/index.ts", "Deno.serve(()=>new Response('hi'))")],
      { entrypointPath: "supabase/functions/hi/index.ts", importMapPath: null },
      limits,
    );
    expect(shimOf(b.entrypointPath)).toContain('import "./supabase/functions/hi/index.ts";');
    expect(shimOf("index.ts")).toBeNull();
    const tar = await functionTar(".supafleet-staging/abc", b, manifestOf("hi", 2, false, b));
    const names: Record<string, string> = {};
    const ex = extract();
    ex.on("entry", (h, body, next) => {
      const chunks: Buffer[] = [];
      body.on("data", (d: unknown) => {
        if (Buffer.isBuffer(d)) chunks.push(d);
      });
      body.on("end", () => {
        if (h.type === "file") names[h.name] = Buffer.concat(chunks).toString();
        next();
      });
    });
    await new Promise<void>((resolve, reject) => {
      ex.on("finish", resolve);
      ex.on("error", reject);
      Readable.from([tar]).pipe(ex);
    });
    expect(Object.keys(names).sort()).toEqual([
      ".supafleet-staging/abc/.supafleet-function.json",
      ".supafleet-staging/abc/index.ts",
      ".supafleet-staging/abc/supabase/functions/hi/index.ts",
    ]);
    expect(JSON.parse(names[".supafleet-staging/abc/.supafleet-function.json"]!)).toEqual({
      slug: "hi",
      version: 2,
      verify_jwt: false,
      entrypoint: "/home/deno/functions/hi/supabase/functions/hi/index.ts",
      import_map: null,
      static_patterns: [],
    });
  });
});

describe("what the pinned CLI really sends", () => {
  // test/fixtures/cli-2.117.0-deploy.json says how the body was captured: files first, metadata last, a WebKit-style boundary.
  const fixture = JSON.parse(readFileSync("test/fixtures/cli-2.117.0-deploy.json", "utf8")) as { "content-type": string; files: Record<string, string> };
  const body = readFileSync("test/fixtures/cli-2.117.0-deploy.multipart");

  it("reads supabase@2.117.0's deploy body into the function it deploys", () => {
    const form = parseDeployForm(body, multipartBoundary(fixture["content-type"]), { maxFiles: 10 });
    const metadata = deployMetadataSchema.parse(form.metadata);
    expect(metadata).toEqual({
      entrypoint_path: "supabase/functions/greet/index.ts",
      import_map_path: "",
      static_patterns: [],
      verify_jwt: false,
      name: "greet",
    });
    const b = bundleOf(
      form.files,
      { entrypointPath: metadata.entrypoint_path, importMapPath: metadata.import_map_path || null },
      { maxBytes: 1024, maxFiles: 10 },
    );
    expect(Object.fromEntries(b.files.map((f) => [f.path, f.content.toString()]))).toEqual(fixture.files);
  });

  it("fails on the same body cut short (the check can fail)", () => {
    expect(() => parseDeployForm(body.subarray(0, body.length - 60), multipartBoundary(fixture["content-type"]), { maxFiles: 10 })).toThrow(ValidationError);
  });
});
