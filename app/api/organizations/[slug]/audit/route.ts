// An organization's audit log as JSON lines, for its members (scripts/verify-audit.ts checks it offline).
import { requireUser } from "@/lib/auth/session";
import { getAuditLog } from "@/lib/services";
import { errorJson } from "@/lib/actions";

export async function GET(_req: Request, ctx: { params: Promise<{ slug: string }> }): Promise<Response> {
  const { slug } = await ctx.params;
  try {
    const user = await requireUser();
    const lines = await getAuditLog().exportLines(user, slug);
    const encoder = new TextEncoder();
    const iterator = lines[Symbol.asyncIterator]();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
    });
    const file = `audit-${slug.replace(/[^\w-]/g, "")}-${new Date().toISOString().slice(0, 10)}.jsonl`;
    return new Response(body, {
      headers: {
        "content-type": "application/x-ndjson; charset=utf-8",
        "content-disposition": `attachment; filename="${file}"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (err) {
    return errorJson(err);
  }
}
