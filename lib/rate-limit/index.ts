// Process-wide limiter on the app's database, with the configured rules,
// and the request's client address as the limits see it.
import { headers } from "next/headers";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { clientAddress, type HeaderSource } from "@/lib/rate-limit/client-ip";
import { RateLimiter } from "@/lib/rate-limit/limiter";

export { RateLimiter } from "@/lib/rate-limit/limiter";

const g = globalThis as unknown as { supafleetLimiter?: RateLimiter };
const PRUNE_EVERY_MS = 10 * 60_000;

export function getRateLimiter(): RateLimiter {
  if (!g.supafleetLimiter) {
    const limiter = new RateLimiter(getDb(), getEnv().rateLimits);
    g.supafleetLimiter = limiter;
    setInterval(() => {
      limiter.pruneExpired().catch((err: unknown) => console.warn("[supafleet] rate-limit prune failed:", err instanceof Error ? err.message : err));
    }, PRUNE_EVERY_MS).unref();
  }
  return g.supafleetLimiter;
}

/** The client address key of a request given its headers. */
export function addressOf(source: HeaderSource): string {
  return clientAddress(source, getEnv().trustProxy);
}

/** The client address key of the current server action / page request. */
export async function currentAddress(): Promise<string> {
  return addressOf(await headers());
}
