// The result shape every server action returns, and the one place that turns
// a thrown error into it (through the shared HTTP mapper).
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
