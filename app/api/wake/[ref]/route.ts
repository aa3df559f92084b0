// Requests for a project asleep after an idle pause (nginx rewrites every
// request for it here): wake it, answer "waking up". Public on purpose: a
// request to the project's address is what wakes it. It can only start a
// project that sleeps for idleness, once (a wake already under way is
// reported, not repeated), and admission still applies.
import type { NextRequest } from "next/server";
import { getProjectService } from "@/lib/projects";
import { wakeReply, wantsJson } from "@/lib/projects/wake-http";
import { refSchema } from "@/lib/validations/project";

async function handle(req: NextRequest, ctx: { params: Promise<{ ref: string }> }): Promise<Response> {
  const { ref } = await ctx.params;
  const json = wantsJson(req.headers);
  const parsed = refSchema.safeParse(ref);
  const state = parsed.success ? await getProjectService().wakeProject(parsed.data) : "not_found";
  const reply = wakeReply(state, json);
  return new Response(req.method === "HEAD" ? null : reply.body, { status: reply.status, headers: reply.headers });
}

export const GET = handle;
export const POST = handle;
export const PUT = handle;
export const PATCH = handle;
export const DELETE = handle;
export const HEAD = handle;
export const OPTIONS = handle;
