import { describe, expect, it } from "vitest";
import { z } from "zod";
import { PayloadTooLargeError, ValidationError } from "@/lib/errors";
import { parseInput, queryObject, readJsonBody } from "@/lib/api/request";
import { healthQuerySchema } from "@/lib/api/schemas";

function fieldErrorsOf(fn: () => unknown): Record<string, string[]> {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).fieldErrors;
  }
  throw new Error("expected a ValidationError");
}

function jsonRequest(body: string, headers: Record<string, string> = { "content-type": "application/json" }): Request {
  return new Request("http://x/v1/projects", { method: "POST", body, headers });
}

describe("parseInput", () => {
  it("names each bad field with its full path, unknown fields included", () => {
    const schema = z.strictObject({ a: z.object({ b: z.string() }) });
    const errors = fieldErrorsOf(() => parseInput(schema, { a: { b: 1 }, evil: true }, "body"));
    expect(Object.keys(errors).sort()).toEqual(["body.a.b", "body.evil"]);
    expect(errors["body.evil"]).toEqual(["Unknown field."]);
  });
});

describe("queryObject", () => {
  it("collects repeated and comma-separated values for array fields", () => {
    expect(queryObject(new URL("http://x/?services=db&services=auth,rest"), healthQuerySchema)).toEqual({ services: ["db", "auth", "rest"] });
    expect(queryObject(new URL("http://x/?services=db%2Cauth&timeout_ms=5"), healthQuerySchema)).toEqual({ services: ["db", "auth"], timeout_ms: "5" });
  });

  it("refuses a single-valued parameter given twice", () => {
    expect(fieldErrorsOf(() => queryObject(new URL("http://x/?timeout_ms=1&timeout_ms=2"), healthQuerySchema))).toEqual({
      "query.timeout_ms": ["Give this parameter once."],
    });
  });
});

describe("readJsonBody", () => {
  it("parses JSON", async () => {
    expect(await readJsonBody(jsonRequest('{"a":1}'), 100)).toEqual({ a: 1 });
  });

  it("refuses a body over the limit, declared or streamed", async () => {
    await expect(readJsonBody(jsonRequest(JSON.stringify({ a: "x".repeat(200) })), 100)).rejects.toBeInstanceOf(PayloadTooLargeError);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode("x".repeat(50)));
        c.close();
      },
    });
    const streamed = new Request("http://x/", {
      method: "POST",
      body: stream,
      headers: { "content-type": "application/json" },
      duplex: "half",
    } as RequestInit & { duplex: "half" });
    await expect(readJsonBody(streamed, 100)).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it("refuses broken JSON and other content types", async () => {
    await expect(readJsonBody(jsonRequest("{nope"), 100)).rejects.toBeInstanceOf(ValidationError);
    await expect(readJsonBody(jsonRequest('{"a":1}', { "content-type": "text/plain" }), 100)).rejects.toBeInstanceOf(ValidationError);
    await expect(readJsonBody(jsonRequest('{"a":1}', { "content-type": "application/x-www-form-urlencoded" }), 100)).rejects.toBeInstanceOf(ValidationError);
  });
});
