import type { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { getAuthOptions } from "@/lib/auth/options";

// Built per request (options are memoised) so nothing reads secrets at build time.
type Ctx = { params: Promise<{ nextauth: string[] }> };

async function handler(req: NextRequest, ctx: Ctx): Promise<Response> {
  const res: Response = await NextAuth(req, ctx, getAuthOptions());
  return res;
}

export { handler as GET, handler as POST };
