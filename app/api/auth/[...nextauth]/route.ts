import type { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { getAuthOptions, RATE_LIMITED_PREFIX } from "@/lib/auth/options";

// Built per request (options are memoised) so nothing reads secrets at build time.
type Ctx = { params: Promise<{ nextauth: string[] }> };

/**
 * next-auth answers a refused credentials log-in with 401 and the error in a
 * URL. A throttled one becomes a real 429 with Retry-After, so clients and
 * proxies can tell "slow down" from "wrong password".
 */
async function asTooManyRequests(res: Response): Promise<Response> {
  if (res.status !== 401 || !res.headers.get("content-type")?.includes("application/json")) return res;
  const body = (await res
    .clone()
    .json()
    .catch(() => null)) as { url?: unknown } | null;
  const error = typeof body?.url === "string" ? (URL.canParse(body.url) ? new URL(body.url).searchParams.get("error") : null) : null;
  if (!error?.startsWith(RATE_LIMITED_PREFIX)) return res;
  const seconds = Number(error.slice(RATE_LIMITED_PREFIX.length));
  const headers = new Headers(res.headers);
  if (Number.isInteger(seconds) && seconds > 0) headers.set("retry-after", String(seconds));
  return new Response(res.body, { status: 429, headers });
}

async function handler(req: NextRequest, ctx: Ctx): Promise<Response> {
  const res: Response = await NextAuth(req, ctx, getAuthOptions());
  return req.method === "POST" ? asTooManyRequests(res) : res;
}

export { handler as GET, handler as POST };
