// Live provisioning progress: stored events after ?after=<id>, then live ones,
// plus every status change as it is written (the monitor and the lifecycle
// write status; this route only reads). Members whose role allows it.
import type { NextRequest } from "next/server";
import { errorJson } from "@/lib/actions";
import { isStillActive, requireUser } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { getProjectService } from "@/lib/services";
import { acquireStreamSlot, sseResponse } from "@/lib/sse";

export async function GET(req: NextRequest, ctx: { params: Promise<{ ref: string }> }): Promise<Response> {
  const { ref } = await ctx.params;
  let slot: { release(): void } | undefined;
  try {
    const user = await requireUser();
    const after = Number(req.nextUrl.searchParams.get("after") ?? 0) || undefined;
    const feed = await getProjectService().eventFeed(user, ref, { afterId: after });
    slot = acquireStreamSlot(user.id, getEnv().streamsPerUser);
    // Re-checked while open: a disabled account or a removed member loses the stream too.
    const opts = {
      onClose: slot.release,
      stillAllowed: async () => (await isStillActive(user.id)) && (await getProjectService().mayStill(user, ref, "project.read")),
    };
    return sseResponse(
      req.signal,
      (send) => {
        send("status", feed.project);
        send("progress", feed.progress());
        for (const e of feed.stored) send("event", e);
        return feed.listen({
          event: (e) => send(e.id === null ? "progress-event" : "event", e),
          status: (change) => send("status", { ...feed.project, ...change }),
        });
      },
      opts,
    );
  } catch (err) {
    slot?.release();
    return errorJson(err);
  }
}
