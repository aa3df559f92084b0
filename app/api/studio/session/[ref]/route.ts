// The Studio handoff (lib/studio/http.ts): nginx sends
// https://<ref>.<domain>/__supafleet/studio-session?ticket=… here; a good
// ticket becomes a host-only Studio cookie and a redirect to Studio.
import type { NextRequest } from "next/server";
import { getEnv } from "@/lib/env";
import { addressOf } from "@/lib/rate-limit";
import { getStudioService } from "@/lib/services-access";
import { handleStudioSession } from "@/lib/studio/http";

export async function GET(req: NextRequest, ctx: { params: Promise<{ ref: string }> }): Promise<Response> {
  const { ref } = await ctx.params;
  const reply = await handleStudioSession(getStudioService(), ref, {
    headers: req.headers,
    ticket: req.nextUrl.searchParams.get("ticket"),
    clientKey: addressOf(req.headers),
    secure: getEnv().publicScheme === "https",
  });
  return new Response(reply.body || null, { status: reply.status, headers: reply.headers });
}
