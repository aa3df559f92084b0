// A project's sealed metadata on a Swarm: kept as Swarm configs (the
// managers' replicated store), not on a volume. A volume lives on one node and
// the manager cannot open it; configs survive the loss of the project's node
// and are readable from any manager, which is what "rebuild from the engine
// alone" needs. Each write is a new config named by time; readers take the
// newest that unseals (as lib/docker/metadata.ts does with files).
import type Docker from "dockerode";
import { labelFilter, statusOf } from "@/lib/docker/client";
import { LABELS, METADATA_VOLUME } from "@/lib/stack/types";
import { swarmOwned } from "@/lib/swarm/service-specs";

export const SWARM_METADATA_ROLE = "metadata";
const NAME = /^supafleet-[a-z]{20}-meta-(\d{15})$/;

interface ConfigInfo {
  ID: string;
  Spec: { Name: string; Labels?: Record<string, string>; Data?: string };
}

async function metadataConfigs(docker: Docker, ref: string, installationId: string): Promise<ConfigInfo[]> {
  const configs = (await docker.listConfigs({
    filters: labelFilter({ [LABELS.managed]: "true", [LABELS.ref]: ref, [LABELS.role]: SWARM_METADATA_ROLE }),
  })) as ConfigInfo[];
  return configs.filter((c) => swarmOwned(c.Spec.Labels, ref, installationId) && NAME.test(c.Spec.Name));
}

export async function readSwarmMetadata(docker: Docker, ref: string, installationId: string): Promise<string[]> {
  const configs = await metadataConfigs(docker, ref, installationId);
  const out: Array<{ name: string; content: string }> = [];
  for (const c of configs) {
    // The list may leave Data out; the inspect of one config has it.
    let data = c.Spec.Data;
    if (data === undefined) {
      try {
        data = ((await docker.getConfig(c.ID).inspect()) as ConfigInfo).Spec.Data;
      } catch (err) {
        if (statusOf(err) === 404) continue;
        throw err;
      }
    }
    if (data !== undefined) out.push({ name: c.Spec.Name, content: Buffer.from(data, "base64").toString("utf8") });
  }
  return out.sort((a, b) => b.name.localeCompare(a.name)).map((f) => f.content);
}

export async function writeSwarmMetadata(docker: Docker, ref: string, installationId: string, sealed: string): Promise<void> {
  let stamp = Date.now();
  for (let attempt = 0; attempt < 5; attempt++, stamp++) {
    try {
      // The body only (see lib/swarm/stack.ts): nothing sealed goes into a URL.
      await docker.createConfig({
        _query: {},
        _body: {
          Name: `supafleet-${ref}-meta-${String(stamp).padStart(15, "0")}`,
          Labels: {
            [LABELS.managed]: "true",
            [LABELS.installation]: installationId,
            [LABELS.ref]: ref,
            [LABELS.role]: SWARM_METADATA_ROLE,
            [LABELS.volume]: METADATA_VOLUME,
          },
          Data: Buffer.from(sealed, "utf8").toString("base64"),
        },
      });
      return;
    } catch (err) {
      // Two writes in one millisecond: the next name.
      if (statusOf(err) !== 409) throw err;
    }
  }
}
