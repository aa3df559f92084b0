// Requests for a project asleep after an idle pause, or waking from it. Two
// callers, both nginx (lib/proxy/render-nginx-config.ts): the gate's
// subrequest before every request (204 lets nginx send it on to the
// project's gateway, 403 makes it ask here for the answer), and that answer
// ("waking up", "paused by its owner", …). See lib/projects/wake-http.ts.
// Public on purpose: a request to the project's address is what wakes it. It
// can only start a project that sleeps for idleness, once (a wake already
// under way is reported, not repeated), admission still applies, and holds
// are bounded. Calling it directly gives nothing a request to the project's
// own address would not.
import type { NextRequest } from "next/server";
import { getProjectService } from "@/lib/services";
import { handleWakeRequest, wakeReplyResponse } from "@/lib/projects/wake-http";

async function handle(req: NextRequest, ctx: { params: Promise<{ ref: string }> }): Promise<Response> {
  const { ref } = await ctx.params;
  return wakeReplyResponse(await handleWakeRequest(getProjectService(), ref, req));
}

// nginx sends every method of the original request here.
export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE, handle as HEAD, handle as OPTIONS };
