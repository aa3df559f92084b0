// The panel's answers to a thrown error, through the shared HTTP mapper
// (lib/errors.ts toHttpError): the result every server action returns, and
// the JSON the panel's own route handlers (logs, events, backup download)
// answer with. The Management API answers in Supabase's shape instead
// (lib/api/handler.ts errorResponse).
import { toHttpError } from "@/lib/errors";

export type ActionResult<T = undefined> =
  { ok: true; data: T } | { ok: false; code: string; message: string; fieldErrors?: Record<string, string[]>; retryAfter?: number };

export async function runAction<T>(fn: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await fn() };
  } catch (err) {
    // toHttpError logs 5xx details under an error id and returns only the id.
    const mapped = toHttpError(err);
    return { ok: false, code: mapped.code, message: mapped.message, fieldErrors: mapped.fieldErrors, retryAfter: mapped.retryAfter };
  }
}

/** A route handler's error answer: { code, message } with the mapped status, and Retry-After when the caller must wait. */
export function errorJson(err: unknown): Response {
  const e = toHttpError(err);
  return Response.json({ code: e.code, message: e.message }, { status: e.status, headers: e.retryAfter ? { "retry-after": String(e.retryAfter) } : undefined });
}
