// Errors leave the API in Supabase's shape: { message } with the mapped
// status, field problems spelled out, Retry-After on 429, nothing internal.
import { describe, expect, it } from "vitest";
import {
  NotFoundError,
  QueryTimeoutError,
  QuotaExceededError,
  RateLimitedError,
  ResultTooLargeError,
  UnauthenticatedError,
  ValidationError,
} from "@/lib/errors";
import { errorResponse } from "@/lib/api/handler";

async function body(r: Response): Promise<unknown> {
  return JSON.parse(await r.text()) as unknown;
}

describe("errorResponse", () => {
  it("maps typed errors to their status with a message only", async () => {
    for (const [err, status] of [
      [new UnauthenticatedError("Invalid access token."), 401],
      [new NotFoundError("Project not found."), 404],
      [new QuotaExceededError(2), 403],
      [new ResultTooLargeError("Failed to run sql query: Query result size exceeded the configured limit (33554432 bytes, 32 MB)."), 413],
      [new QueryTimeoutError(55), 408],
    ] as const) {
      const r = errorResponse(err);
      expect(r.status).toBe(status);
      expect(r.headers.get("content-type")).toContain("application/json");
      expect(r.headers.get("cache-control")).toBe("no-store");
      expect(await body(r)).toEqual({ message: err.publicMessage });
      expect(r.headers.get("retry-after")).toBeNull();
    }
  });

  it("says when to retry on 429", async () => {
    const r = errorResponse(new RateLimitedError(7.2, "requests"));
    expect(r.status).toBe(429);
    expect(r.headers.get("retry-after")).toBe("8");
    expect(await body(r)).toEqual({ message: "Too many requests. Try again in 8 s." });
  });

  it("names each bad field in the message", async () => {
    const r = errorResponse(new ValidationError("Invalid request.", { "body.name": ["Too long."], "path.ref": ["Not a valid project ref."] }));
    expect(r.status).toBe(400);
    expect(await body(r)).toEqual({ message: "Invalid request. body.name: Too long.; path.ref: Not a valid project ref." });
  });

  it("hides anything unexpected behind a generic 500", async () => {
    const r = errorResponse(new Error("connect ECONNREFUSED /var/run/docker.sock password=hunter2"));
    expect(r.status).toBe(500);
    expect(JSON.stringify(await body(r))).not.toMatch(/docker\.sock|hunter2/);
  });
});
