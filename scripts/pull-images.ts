// Pulls every image of the stack template (after SUPAFLEET_IMAGE_OVERRIDES)
// with progress, before the first create. Run: bash scripts/pull-images.sh
import { createDockerClient } from "@/lib/docker/client";
import { ensureImages } from "@/lib/docker/images";
import { getEnv } from "@/lib/env";
import { templateImages } from "@/lib/stack/template";

async function main(): Promise<void> {
  const env = getEnv();
  const images = templateImages(env.imageOverrides);
  console.info(`Pulling ${images.length} images:\n  ${images.join("\n  ")}`);
  const shown = new Map<string, number>();
  await ensureImages(createDockerClient(env.dockerSocket), images, (p) => {
    const step = Math.floor(p.percent / 10);
    if (shown.get(p.image) === step) return;
    shown.set(p.image, step);
    console.info(`${p.image}: ${p.percent}% ${p.status}`);
  });
  console.info("All images are present.");
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
