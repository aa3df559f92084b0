import type Docker from "dockerode";
import { ImagePullError } from "@/lib/errors";
import { engineMessage, statusOf } from "@/lib/docker/client";

export interface PullProgress {
  image: string;
  percent: number;
  status: string;
}

export async function imagePresent(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (err) {
    if (statusOf(err) === 404) return false;
    throw err;
  }
}

interface ProgressEvent {
  id?: string;
  status?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
}

/**
 * Pulls what is not present locally ("if-not-present": a pinned tag never
 * changes), reporting aggregate layer progress at most every 500 ms.
 */
export async function ensureImages(docker: Docker, images: string[], onProgress: (p: PullProgress) => void): Promise<void> {
  await Promise.all(
    [...new Set(images)].map(async (image) => {
      if (await imagePresent(docker, image)) return;
      let stream: NodeJS.ReadableStream;
      try {
        stream = await docker.pull(image);
      } catch (err) {
        throw new ImagePullError(image, engineMessage(err));
      }
      const layers = new Map<string, { current: number; total: number }>();
      let last = 0;
      await new Promise<void>((resolve, reject) => {
        docker.modem.followProgress(
          stream,
          (err: Error | null, output: ProgressEvent[]) => {
            const failed = err ?? output?.find((o) => o.error);
            if (failed) reject(new ImagePullError(image, failed instanceof Error ? failed.message : String(failed.error)));
            else resolve();
          },
          (e: ProgressEvent) => {
            if (e.id && e.progressDetail?.total) layers.set(e.id, { current: e.progressDetail.current ?? 0, total: e.progressDetail.total });
            const now = Date.now();
            if (now - last < 500) return;
            last = now;
            let cur = 0;
            let tot = 0;
            for (const l of layers.values()) {
              cur += l.current;
              tot += l.total;
            }
            onProgress({ image, percent: tot ? Math.min(100, Math.round((cur / tot) * 100)) : 0, status: e.status ?? "" });
          },
        );
      });
      if (!(await imagePresent(docker, image))) throw new ImagePullError(image, "the pull finished but the image is not there");
      onProgress({ image, percent: 100, status: "Pulled" });
    }),
  );
}
