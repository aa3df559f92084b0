// The admin console's tables of projects: all of them with their controls,
// and the biggest consumers by the latest usage sample.
import type { ProjectSummary } from "@/lib/projects/service";
import type { Consumer } from "@/lib/projects/usage";
import { ProjectControls } from "@/components/admin/admin-controls";
import { StatusBadge } from "@/components/projects/status-badge";
import { EmptyState } from "@/components/ui/empty-state";
import { ProjectCell, Table, TableBody, TableCell, TableHeader, TableRow } from "@/components/ui/table";

export function AdminProjectsTable({ projects }: { projects: ProjectSummary[] }) {
  return (
    <Table>
      <TableHeader columns={["Project", "Owner", "Status", { label: "Actions", align: "right" }]} />
      <TableBody>
        {projects.map((p) => (
          <TableRow key={p.ref} data-testid={`admin-project-${p.ref}`}>
            <ProjectCell name={p.name} projectRef={p.ref} />
            <TableCell>{p.owner?.email}</TableCell>
            <TableCell>
              <StatusBadge status={p.status} />
            </TableCell>
            <TableCell>
              <ProjectControls project={p} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function TopConsumersTable({ consumers }: { consumers: Consumer[] }) {
  if (consumers.length === 0) return <EmptyState>No samples yet: the monitor takes one every 5 minutes per running project.</EmptyState>;
  return (
    <Table>
      <TableHeader columns={["Project", "Owner", "Memory", "CPU", "Network (5 min)", "Volumes"]} />
      <TableBody>
        {consumers.map((c) => (
          <TableRow key={c.ref} data-testid={`consumer-${c.ref}`}>
            <ProjectCell name={c.name} projectRef={c.ref} />
            <TableCell>{c.ownerEmail}</TableCell>
            <TableCell>{c.memoryMb} MiB</TableCell>
            <TableCell>{c.cpuPercent.toFixed(1)} %</TableCell>
            <TableCell>
              {c.netRxKb} / {c.netTxKb} KiB
            </TableCell>
            <TableCell>{c.diskMb === null ? "–" : `${c.diskMb} MiB`}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
