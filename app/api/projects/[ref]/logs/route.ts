// A service's log, tail then follow, as server-sent events. Members whose role allows it.
import type { NextRequest } from "next/server";
import { z } from "zod";
import { errorJson } from "@/lib/actions";
import { isStillActive, requireUser } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { toHttpError, ValidationError } from "@/lib/errors";
import { getProjectService } from "@/lib/services";
import { acquireStreamSlot, sseResponse } from "@/lib/sse";
import { SERVICE_NAMES } from "@/lib/stack/types";

const query = z.object({
  service: z.enum(SERVICE_NAMES),
  tail: z.coerce.number().int().min(1).max(5000).default(200),
  follow: z.enum(["0", "1"]).default("1"),
});

export async function GET(req: NextRequest, ctx: { params: Promise<{ ref: string }> }): Promise<Response> {
  const { ref } = await ctx.params;
  let slot: { release(): void } | undefined;
  const abort = new AbortController();
  try {
    const user = await requireUser();
    const q = query.safeParse(Object.fromEntries(req.nextUrl.searchParams));
    if (!q.success) throw new ValidationError("Unknown service or bad parameters.");
    slot = acquireStreamSlot(user.id, getEnv().streamsPerUser);
    req.signal.addEventListener("abort", () => abort.abort(), { once: true });
    const lines = await getProjectService().logs(user, ref, q.data.service, { tail: q.data.tail, follow: q.data.follow === "1", signal: abort.signal });
    // Re-checked while open: a disabled account or a removed member loses the stream too.
    const opts = {
      onClose: slot.release,
      stillAllowed: async () => (await isStillActive(user.id)) && (await getProjectService().mayStill(user, ref, "project.content")),
    };
    return sseResponse(
      req.signal,
      (send, close) => {
        void (async () => {
          try {
            for await (const l of lines) send("line", l);
            send("end", {});
          } catch (err) {
            send("error", { message: toHttpError(err).message });
          } finally {
            close();
          }
        })();
        return () => abort.abort();
      },
      opts,
    );
  } catch (err) {
    abort.abort();
    slot?.release();
    return errorJson(err);
  }
}
