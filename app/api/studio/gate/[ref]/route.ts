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

async function handle(req: NextRequest, ctx: { params: Promise<{ ref: string }> }): Promise<Response> {
  const { ref } = await ctx.params;
  const reply = await handleStudioGate(getStudioService(), getProjectService(), ref, req);
  return new Response(reply.status === 204 || !reply.body ? null : reply.body, { status: reply.status, headers: reply.headers });
}

export const GET = handle;
export const POST = handle;
export const PUT = handle;
export const PATCH = handle;
export const DELETE = handle;
export const HEAD = handle;
export const OPTIONS = handle;
