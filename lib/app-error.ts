// The base of every typed error (lib/errors.ts lists them and maps them to
// HTTP). Next.js can load a module more than once (instrumentation, pages and
// actions are separate bundles) while sharing the services on globalThis, so
// `instanceof` across bundles is unreliable. A registered symbol is not.

const BRAND = Symbol.for("supafleet.app-error");

/** True for any AppError, from whichever copy of this module it came. */
export function isAppError(err: unknown, code?: string): err is AppError {
  if (typeof err !== "object" || err === null || (err as Record<symbol, unknown>)[BRAND] !== true) return false;
  return code === undefined || (err as AppError).code === code;
}

export class AppError extends Error {
  readonly [BRAND] = true;
  readonly code: string;
  readonly status: number;
  /** Safe to show to the user (never contains secrets). */
  readonly publicMessage: string;
  /** A 5xx whose message is written for users (the host is full), shown instead of the generic one. */
  readonly exposed: boolean;

  constructor(code: string, status: number, message: string, options?: { cause?: unknown; exposed?: boolean }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.publicMessage = message;
    this.exposed = options?.exposed ?? false;
  }
}

/**
 * The base of an error that is only its code, status and message: `message`
 * takes the constructor's arguments (with their defaults) and writes the
 * sentence. Each error is still its own named class: `name`, `instanceof` and
 * the constructor's parameters are as if it were written out.
 */
export function appError<A extends unknown[]>(code: string, status: number, message: (...args: A) => string, options?: { exposed?: boolean }) {
  return class extends AppError {
    constructor(...args: A) {
      super(code, status, message(...args), options);
    }
  };
}

/** A message safe for users and logs: our own errors speak for themselves; others are cut short. */
export function describeError(err: unknown): string {
  if (isAppError(err)) return err.publicMessage;
  const msg = err instanceof Error ? err.message : String(err);
  return msg.length > 500 ? `${msg.slice(0, 500)}…` : msg;
}
