// Live provisioning progress: stored events after ?after=<id>, then live ones,
// plus every status change as it is written (the monitor and the lifecycle
// write status; this route only reads). Owner only.
import type { NextRequest } from "next/server";
import { isStillActive, requireUser } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { toHttpError } from "@/lib/errors";
import { getProjectService } from "@/lib/services";
import { eventBus } from "@/lib/projects/events";
import { acquireStreamSlot, sseResponse } from "@/lib/sse";

export async function GET(req: NextRequest, ctx: { params: Promise<{ ref: string }> }): Promise<Response> {
  const { ref } = await ctx.params;
  let slot: { release(): void } | undefined;
  try {
    const user = await requireUser();
    const service = getProjectService();
    const project = await service.getProject(user, ref);
    const after = Number(req.nextUrl.searchParams.get("after") ?? 0) || undefined;
    const stored = await service.listEvents(user, ref, { afterId: after });
    slot = acquireStreamSlot(user.id, getEnv().streamsPerUser);
    const opts = { onClose: slot.release, stillAllowed: () => isStillActive(user.id) };
    return sseResponse(
      req.signal,
      (send) => {
        send("status", project);
        send("progress", eventBus.snapshot(ref));
        for (const e of stored) send("event", e);
        const unsubscribe = eventBus.subscribe(ref, (e) => send(e.id === null ? "progress-event" : "event", e));
        // One publisher for every open tab: status writes (lib/projects/context.ts setStatus).
        const unsubscribeStatus = eventBus.subscribeStatus(ref, (change) => send("status", { ...project, ...change }));
        return () => {
          unsubscribe();
          unsubscribeStatus();
        };
      },
      opts,
    );
  } catch (err) {
    slot?.release();
    const e = toHttpError(err);
    return Response.json(
      { code: e.code, message: e.message },
      { status: e.status, headers: e.retryAfter ? { "retry-after": String(e.retryAfter) } : undefined },
    );
  }
}
