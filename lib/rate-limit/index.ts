// The request's client address as the limits see it. The process's limiter
// is built by the composition root (lib/services.ts).
import { headers } from "next/headers";
import { getEnv } from "@/lib/env";
import { clientAddress, type HeaderSource } from "@/lib/rate-limit/client-ip";

export { RateLimiter } from "@/lib/rate-limit/limiter";

/** The client address key of a request given its headers. */
export function addressOf(source: HeaderSource): string {
  return clientAddress(source, getEnv().trustProxy);
}

/** The client address key of the current server action / page request. */
export async function currentAddress(): Promise<string> {
  return addressOf(await headers());
}
