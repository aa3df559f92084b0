// The Studio gate (lib/studio/http.ts): nginx's subrequest before every
// Studio request on a project's host. Reached only from the project blocks'
// internal location; the panel's own server block refuses this path
// (lib/proxy/render-nginx-config.ts). Its answer carries the gateway's
// credential only for a live Studio session of someone allowed now, which
// is someone who may reveal the project's dashboard password anyway.
import type { NextRequest } from "next/server";
import { getProjectService } from "@/lib/services";
import { getStudioService } from "@/lib/services-access";
import { handleStudioGate } from "@/lib/studio/http";
import { wakeReplyResponse } from "@/lib/projects/wake-http";

async function handle(req: NextRequest, ctx: { params: Promise<{ ref: string }> }): Promise<Response> {
  const { ref } = await ctx.params;
  return wakeReplyResponse(await handleStudioGate(getStudioService(), getProjectService(), ref, req));
}

// The subrequest keeps the original request's method.
export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE, handle as HEAD, handle as OPTIONS };
