// The process's one image puller (kept on globalThis: one pull at a time, whichever bundle asks).
import { createDockerClient } from "@/lib/docker/client";
import { getEnv } from "@/lib/env";
import { ImagePuller } from "@/lib/images/puller";

const g = globalThis as unknown as { supafleetImagePuller?: ImagePuller };

export function getImagePuller(): ImagePuller {
  if (!g.supafleetImagePuller) {
    const env = getEnv();
    g.supafleetImagePuller = new ImagePuller(createDockerClient(env.dockerSocket), env.imageOverrides);
  }
  return g.supafleetImagePuller;
}
