// The one wrapper every /v1 route goes through, so each route file is a line:
// token → rate limit → validated path, query and body (the operation's own
// schemas) → one call → JSON; any error → Supabase's error shape
// ({ "message": … }) with the status lib/errors.ts maps it to, and
// Retry-After on 429.
import type { z } from "zod";
import { toHttpError, RateLimitedError } from "@/lib/errors";
import { authenticateToken } from "@/lib/tokens/service";
import { getApiRuntime } from "@/lib/api";
import type { ApiCaller, ManagementApi } from "@/lib/api/management-api";
import { addressOf } from "@/lib/rate-limit";
import type { ApiOperation } from "@/lib/api/operations";
import { parseInput, queryObject, readJsonBody } from "@/lib/api/request";

/** What Next passes a route handler as its second argument (params is undefined on routes without dynamic segments). */
export interface RouteContext {
  params: Promise<Record<string, string | string[] | undefined>>;
}

export interface ApiCall<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType | undefined> {
  principal: ApiCaller;
  params: z.output<P>;
  query: z.output<Q>;
  body: B extends z.ZodType ? z.output<B> : undefined;
  api: ManagementApi;
  /** The request itself, for operations whose body is not JSON (a multipart deploy); its body is unread. */
  request: Request;
}

// Keys and query results must not sit in any cache.
const HEADERS = { "cache-control": "no-store" };

/** An error in Supabase's shape: { message }. Field problems are spelled out in the message. */
export function errorResponse(err: unknown): Response {
  const e = toHttpError(err);
  if (e.status >= 500) console.error(`[supafleet] api: ${err instanceof Error ? err.message : String(err)}`);
  const fields = Object.entries(e.fieldErrors ?? {}).map(([k, v]) => `${k}: ${v.join(" ")}`);
  const message = fields.length ? `${e.message} ${fields.join("; ")}` : e.message;
  const headers: Record<string, string> = { ...HEADERS };
  if (e.retryAfter !== undefined) headers["retry-after"] = String(e.retryAfter);
  return Response.json({ message }, { status: e.status, headers });
}

/**
 * A success: JSON, or no body at all where Supabase's API sends none (pause,
 * restore: 200 without content in its OpenAPI document). A body-less answer
 * must reach the client with `Content-Length: 0`, or clients generated from
 * the document (openapi-fetch) try to parse JSON from it. Next drops any
 * Content-Length a route sets, and Node writes `Content-Length: 0` itself for
 * an empty end() only when nothing has wrapped the response: that is why
 * next.config.ts turns Next's own compression off (nginx compresses).
 */
export function successResponse(status: number, result: unknown): Response {
  return result === undefined
    ? new Response(null, { status, headers: { ...HEADERS, "content-length": "0" } })
    : Response.json(result, { status, headers: HEADERS });
}

/** The request's token, checked and charged to its rate limit; the client's address rides along for the service's per-address limits. */
export async function authenticateCaller(req: Request): Promise<ApiCaller> {
  const { db, limiter } = getApiRuntime();
  const principal: ApiCaller = { ...(await authenticateToken(db, req.headers.get("authorization"))), address: addressOf(req.headers) };
  const decision = await limiter.consume(`token:${principal.tokenId}`);
  if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds, "requests with this access token");
  return principal;
}

export function apiRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType | undefined>(
  op: ApiOperation<P, Q, B>,
  fn: (call: ApiCall<P, Q, B>) => Promise<unknown>,
): (req: Request, ctx: RouteContext) => Promise<Response> {
  return async (req, ctx) => {
    try {
      const { api } = getApiRuntime();
      const principal = await authenticateCaller(req);
      const params = parseInput(op.params, (await ctx?.params) ?? {}, "path");
      const query = parseInput(op.query, queryObject(new URL(req.url), op.query), "query");
      const body = (op.body ? parseInput(op.body, await readJsonBody(req, op.maxBodyBytes), "body") : undefined) as ApiCall<P, Q, B>["body"];
      const result = await fn({ principal, params, query, body, api, request: req });
      // An operation that answers other than JSON (a multipart body) makes its own Response.
      if (result instanceof Response) return result;
      return successResponse(op.success.status, result);
    } catch (err) {
      return errorResponse(err);
    }
  };
}
