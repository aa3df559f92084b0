// The OpenAPI 3.0 document of the Management API, generated from the same
// operation list and zod schemas that validate the requests. Nothing here is
// written by hand twice: a field added to a schema shows up in the document.
import { z } from "zod";
import { allOperations, type ApiOperation } from "@/lib/api/operations";
import { apiRegistry } from "@/lib/api/schemas";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const TARGET = "openapi-3.0" as const;
/** Every tag, in the document's order, with what it holds (a record: a new tag cannot be left out). */
const TAGS: Record<ApiOperation["tag"], string> = {
  Projects: "Create, list, read, pause, restore and delete projects.",
  Organizations: "Your organization (one per account).",
  Profile: "Who the token acts for.",
  Secrets: "A project's API keys, and its Edge Functions' secrets.",
  Auth: "A project's Auth (GoTrue) settings.",
  Database: "SQL, migrations, connection settings and backups of a project's database.",
  Storage: "A project's Storage settings.",
  "Edge Functions": "A project's Edge Functions: deploy, list, read and delete them.",
  Billing: "Add-ons (Supafleet sells none).",
  Analytics: "A project's logs, from its containers.",
  Domains: "A project's custom hostname: DNS records, verification, certificate and activation.",
  Meta: "This document.",
};
const COMPONENTS = "#/components/schemas/";

const ERROR_TEXT: Record<number, string> = {
  400: "Bad request: the message names the field",
  401: "Missing, invalid, expired or revoked access token",
  403: "Forbidden (quota reached, account disabled, admin only)",
  404: "Not found, or not yours",
  409: "Not possible in the project's current status",
  413: "Request body too large",
  429: "Rate limit exceeded: see Retry-After",
  500: "Unexpected error",
  503: "The server is full or the Docker engine is unreachable",
};

/** Schemas with an id are referenced, not inlined: zod names them #/definitions/<id>; the document keeps them under components. */
function toSchema(schema: z.ZodType, io: "input" | "output"): JsonObject {
  const out = z.toJSONSchema(schema, { target: TARGET, io, metadata: apiRegistry, unrepresentable: "any" }) as JsonObject;
  delete out.definitions;
  delete out.$schema;
  return JSON.parse(JSON.stringify(out).replaceAll('"#/definitions/', `"${COMPONENTS}`)) as JsonObject;
}

function components(): Record<string, Json> {
  const { schemas } = z.toJSONSchema(apiRegistry, { target: TARGET, metadata: apiRegistry, uri: (id) => `${COMPONENTS}${id}`, unrepresentable: "any" }) as {
    schemas: Record<string, JsonObject>;
  };
  for (const s of Object.values(schemas)) delete s.$id;
  return {
    schemas,
    securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "A personal access token (sbp_…) from your account page, /account/tokens." } },
  };
}

/** The fields of an object schema, each with whether it is required. */
function fields(schema: z.ZodType): Array<{ name: string; schema: z.ZodType; required: boolean }> {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, s]) => ({ name, schema: s, required: !s.safeParse(undefined).success }));
}

function parameters(o: ApiOperation): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [
    ["path", o.params],
    ["query", o.query],
  ] as const) {
    for (const f of fields(schema)) {
      const s = toSchema(f.schema, "input");
      const description = typeof s.description === "string" ? s.description : undefined;
      delete s.description;
      out.push({
        name: f.name,
        in: where,
        required: where === "path" || f.required,
        ...(description ? { description } : {}),
        schema: s,
        ...(s.type === "array" ? { style: "form", explode: true } : {}),
      });
    }
  }
  return out;
}

function errorResponse(status: number): JsonObject {
  return {
    description: ERROR_TEXT[status] ?? "Error",
    ...(status === 429 ? { headers: { "Retry-After": { description: "Seconds to wait", schema: { type: "integer" } } } } : {}),
    content: { "application/json": { schema: { $ref: `${COMPONENTS}ErrorResponse` } } },
  };
}

function operationObject(o: ApiOperation): JsonObject {
  const responses: JsonObject = {
    [String(o.success.status)]: {
      description: o.success.description,
      ...(o.success.schema ? { content: { [o.success.contentType ?? "application/json"]: { schema: toSchema(o.success.schema, "output") } } } : {}),
    },
  };
  const statuses = new Set([...o.errors, ...(o.auth ? [401, 429] : []), 500]);
  for (const s of [...statuses].sort()) responses[String(s)] = errorResponse(s);
  return {
    operationId: o.operationId,
    summary: o.summary,
    ...(o.description ? { description: o.description } : {}),
    tags: [o.tag],
    parameters: parameters(o),
    ...(o.body ? { requestBody: { required: true, content: { "application/json": { schema: toSchema(o.body, "input") } } } } : {}),
    ...(o.multipartBody ? { requestBody: { required: true, content: { "multipart/form-data": { schema: toSchema(o.multipartBody, "input") } } } } : {}),
    responses,
    security: o.auth ? [{ bearer: [] }] : [],
  };
}

export function buildOpenApiDocument(opts: { serverUrl?: string } = {}): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const o of allOperations) {
    paths[o.path] ??= {};
    paths[o.path]![o.method.toLowerCase()] = operationObject(o);
  }
  return {
    openapi: "3.0.3",
    info: {
      title: "Supafleet Management API",
      version: "1.0.0",
      description:
        "A subset of Supabase's Management API (https://api.supabase.com/api/v1-json) with the same paths, operation ids, request and response shapes, " +
        "so Supabase clients (supabase-management-js, …) can point their base URL at this server. Authenticate with a personal access token from /account/tokens.",
    },
    ...(opts.serverUrl ? { servers: [{ url: opts.serverUrl }] } : {}),
    // Only tags some operation carries: an empty tag is a section with nothing in it.
    tags: (Object.entries(TAGS) as Array<[ApiOperation["tag"], string]>)
      .filter(([name]) => allOperations.some((o) => o.tag === name))
      .map(([name, description]) => ({ name, description })),
    paths,
    components: components(),
  };
}
