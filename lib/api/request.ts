// Turning a hostile HTTP request into validated values: bounded body reads,
// JSON parsing, query strings into objects, and zod errors into a
// ValidationError that names each field.
import { z } from "zod";
import { PayloadTooLargeError, ValidationError } from "@/lib/errors";

/** Validates with a schema; every problem is reported with its full path ("body.region_selection.code"). */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, where: "path" | "query" | "body"): z.output<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of r.error.issues) {
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [null];
    for (const k of keys) {
      const key = [where, ...issue.path.map(String), ...(k === null ? [] : [k])].join(".");
      // zod's own wording ("Unrecognized key: …") becomes "Unknown field."; a schema's own message is kept.
      const message = issue.code === "unrecognized_keys" && issue.message.startsWith("Unrecognized key") ? "Unknown field." : issue.message;
      (fieldErrors[key] ??= []).push(message);
    }
  }
  throw new ValidationError("Invalid request.", fieldErrors);
}

function isArrayField(schema: z.ZodType): boolean {
  let s: z.ZodType = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
  return s instanceof z.ZodArray;
}

/**
 * A query string as the schema expects it: array fields collect every
 * occurrence and comma-separated lists (`services=db&services=auth` and
 * `services=db,auth` alike; supabase-management-js sends the second), other
 * fields take their one value. A field given twice is refused, not guessed.
 */
export function queryObject(url: URL, schema: z.ZodType): Record<string, unknown> {
  const shape = schema instanceof z.ZodObject ? (schema.shape as Record<string, z.ZodType>) : {};
  const out: Record<string, unknown> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    const field = shape[key];
    if (field && isArrayField(field))
      out[key] = values
        .flatMap((v) => v.split(","))
        .map((v) => v.trim())
        .filter(Boolean);
    else if (values.length > 1) throw new ValidationError("Invalid request.", { [`query.${key}`]: ["Give this parameter once."] });
    else out[key] = values[0];
  }
  return out;
}

/** The request's (or a response's) body, at most limitBytes: a larger one is refused without reading the rest. */
export async function readBoundedBody(req: Pick<Request, "headers" | "body">, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limitBytes) throw new PayloadTooLargeError(limitBytes);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = req.body?.getReader();
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limitBytes) {
        await reader.cancel();
        throw new PayloadTooLargeError(limitBytes);
      }
      chunks.push(value);
    }
  }
  return Buffer.concat(chunks);
}

/** The body as JSON, read up to limitBytes; a larger one is refused without reading the rest. */
export async function readJsonBody(req: Request, limitBytes: number): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type.trim())) {
    throw new ValidationError("Invalid request.", { body: ["Send a JSON body with Content-Type: application/json."] });
  }
  const text = (await readBoundedBody(req, limitBytes)).toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ValidationError("Invalid request.", { body: ["Not valid JSON."] });
  }
}
