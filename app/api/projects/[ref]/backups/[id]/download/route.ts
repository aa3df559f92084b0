// The decrypted backup (.tar.gz), streamed to the project's owner only.
import { Readable } from "node:stream";
import { requireUser } from "@/lib/auth/session";
import { getBackupService } from "@/lib/services";
import { throttleBackups } from "@/lib/backups/throttle";
import { errorJson } from "@/lib/actions";

export async function GET(_req: Request, ctx: { params: Promise<{ ref: string; id: string }> }): Promise<Response> {
  const { ref, id } = await ctx.params;
  try {
    const user = await requireUser();
    await throttleBackups("download", user.id);
    const { filename, stream } = await getBackupService().download(user, { ref, backupId: id });
    return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, {
      headers: {
        "content-type": "application/gzip",
        "content-disposition": `attachment; filename="${filename}"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (err) {
    return errorJson(err);
  }
}
