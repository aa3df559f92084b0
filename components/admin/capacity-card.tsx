// The host's capacity as the admin console shows it: memory, disk, load,
// what running projects commit, and the port and subnet leases.
import type { HostCapacity } from "@/lib/admin/service";
import { TitledCard } from "@/components/ui/card";

const gib = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GiB`;

export function CapacityCard({ capacity }: { capacity: HostCapacity }) {
  const { memory, disk, cpu, commitment, ports, subnets } = capacity;
  return (
    <TitledCard title="Host capacity" data-testid="capacity">
      <dl className="grid grid-cols-2 gap-y-2 text-sm">
        <dt className="text-zinc-500">Memory free</dt>
        <dd>
          {gib(memory.freeBytes)} of {gib(memory.totalBytes)}
        </dd>
        <dt className="text-zinc-500">Disk free</dt>
        <dd>
          {gib(disk.freeBytes)} of {gib(disk.totalBytes)}
        </dd>
        <dt className="text-zinc-500">CPU load (1 min)</dt>
        <dd>
          {cpu.load1.toFixed(2)} on {cpu.cores} cores
        </dd>
        <dt className="text-zinc-500">Running projects</dt>
        <dd data-testid="running-projects">{capacity.runningProjects}</dd>
        <dt className="text-zinc-500">Memory committed</dt>
        <dd data-testid="memory-committed">
          {gib(commitment.committedMb * 1024 ** 2)} of {gib(commitment.capacityMb * 1024 ** 2)} ({commitment.commitPercent} % of the host)
        </dd>
        <dt className="text-zinc-500">Ports leased</dt>
        <dd>
          {ports.leased} of {ports.rangeSize} ({ports.projectsLeft} more projects)
        </dd>
        {subnets && (
          <>
            <dt className="text-zinc-500">Subnets leased</dt>
            <dd>
              {subnets.leased} of {subnets.poolSize} ({subnets.pool})
            </dd>
          </>
        )}
      </dl>
    </TitledCard>
  );
}
