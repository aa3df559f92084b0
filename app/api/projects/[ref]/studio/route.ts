// "Open Studio" (the project's Database page): a signed-in member whose role
// opens Studio gets a one-minute ticket and is sent to the project's host with
// it (lib/studio/service.ts). A POST from the panel's own form: the session
// cookie is SameSite=Lax, so another site cannot make a browser do it.
import type { NextRequest } from "next/server";
import { errorJson } from "@/lib/actions";
import { requireUser } from "@/lib/auth/session";
import { getStudioService } from "@/lib/services-access";

export async function POST(_req: NextRequest, ctx: { params: Promise<{ ref: string }> }): Promise<Response> {
  const { ref } = await ctx.params;
  try {
    const user = await requireUser();
    const { url } = await getStudioService().openTicket(user, ref);
    return new Response(null, { status: 303, headers: { location: url, "cache-control": "no-store", "referrer-policy": "no-referrer" } });
  } catch (err) {
    return errorJson(err);
  }
}
