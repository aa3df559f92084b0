// What a stack uses, from the engine's own counters: CPU, memory and network
// of its running containers (one stats call each, not streamed), and the size
// of its volumes (the engine's disk-usage report, which walks the volumes:
// asked for rarely).
import type Docker from "dockerode";
import { labelFilter, statusOf } from "@/lib/docker/client";
import { ownedBy } from "@/lib/docker/resources";
import { LABELS } from "@/lib/stack/types";
import type { StackUsage } from "@/lib/stack/runtime-port";

interface Stats {
  cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; stats?: { cache?: number; inactive_file?: number; total_inactive_file?: number } };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
}

/** One container's numbers from a non-streamed stats answer (the engine fills precpu with a second reading). */
export function usageOf(s: Stats): StackUsage {
  const cpu = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const system = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats?.online_cpus ?? 1;
  // The page cache is reclaimable: not what the service holds (as `docker stats` reports it).
  const cache = s.memory_stats?.stats?.inactive_file ?? s.memory_stats?.stats?.total_inactive_file ?? s.memory_stats?.stats?.cache ?? 0;
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(s.networks ?? {})) {
    rx += n.rx_bytes ?? 0;
    tx += n.tx_bytes ?? 0;
  }
  return {
    cpuPercent: cpu > 0 && system > 0 ? (cpu / system) * cpus * 100 : 0,
    memoryBytes: Math.max(0, (s.memory_stats?.usage ?? 0) - cache),
    netRxBytes: rx,
    netTxBytes: tx,
  };
}

/** Sums over the ref's running service containers; null when none runs. */
export async function stackUsage(docker: Docker, ref: string, installationId: string): Promise<StackUsage | null> {
  const containers = (await docker.listContainers({ filters: labelFilter({ [LABELS.managed]: "true", [LABELS.ref]: ref }) })).filter(
    (c) => ownedBy(c.Labels, ref, installationId) && !c.Labels?.[LABELS.role],
  );
  if (!containers.length) return null;
  const each = await Promise.all(
    containers.map(async (c) => {
      try {
        return usageOf((await docker.getContainer(c.Id).stats({ stream: false })) as Stats);
      } catch (err) {
        if (statusOf(err) === 404 || statusOf(err) === 409) return null; // gone or stopped since the listing
        throw err;
      }
    }),
  );
  const total: StackUsage = { cpuPercent: 0, memoryBytes: 0, netRxBytes: 0, netTxBytes: 0 };
  for (const u of each) {
    if (!u) continue;
    total.cpuPercent += u.cpuPercent;
    total.memoryBytes += u.memoryBytes;
    total.netRxBytes += u.netRxBytes;
    total.netTxBytes += u.netTxBytes;
  }
  return total;
}

/** Bytes each of this installation's refs holds in volumes. */
export async function volumeSizes(docker: Docker, installationId: string): Promise<Record<string, number>> {
  const df = (await docker.df()) as { Volumes?: Array<{ Labels?: Record<string, string> | null; UsageData?: { Size?: number } }> };
  const sizes: Record<string, number> = {};
  for (const v of df.Volumes ?? []) {
    const ref = v.Labels?.[LABELS.ref];
    if (!ref || !ownedBy(v.Labels, ref, installationId)) continue;
    sizes[ref] = (sizes[ref] ?? 0) + Math.max(0, v.UsageData?.Size ?? 0);
  }
  return sizes;
}
